// Proves (Zircon's vcpu_extended_registers): the guest's xmm0 survives exits to the host, and the
// host's xmm0 is not changed by the guest.
#include "guest.inc"
.text
.code64
    mov %cr4, %rax
    or $0x600, %rax         // OSFXSR | OSXMMEXCPT
    mov %rax, %cr4
    movdqu value(%rip), %xmm0
    exit_test               // the host clobbers its own xmm0 here
    movq %xmm0, %rax
    pshufd $0x4e, %xmm0, %xmm1
    movq %xmm1, %rbx
    exit_test
.balign 16
value:
    .quad 0x89abcdef01234567, 0x76543210fedcba98
