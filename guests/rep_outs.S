// Proves: REP string IO is not supported.
#include "guest.inc"
.text
.code64
    lea 1f(%rip), %rsi
    mov $TRAP_PORT, %dx
    mov $2, %rcx
    rep outsb
    exit_test
1:  .byte 0x55, 0x66
