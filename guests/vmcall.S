// Proves (Zircon's vcpu_vmcall): an unknown hypercall returns -1000 in rax without an exit.
#include "guest.inc"
.text
.code64
    mov $0xffffffff, %rax
    vmcall
    exit_test
