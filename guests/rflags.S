// Proves: the RFLAGS value the guest runs with is the one write_state gave (or kept).
#include "guest.inc"
.text
.code64
    mov $0x80000, %rsp      // a stack in guest RAM (mov does not touch flags)
    pushfq
    pop %rax
    exit_test
