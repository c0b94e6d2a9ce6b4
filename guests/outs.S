// Proves: string IO (OUTSB) is not supported.
#include "guest.inc"
.text
.code64
    lea 1f(%rip), %rsi
    mov $TRAP_PORT, %dx
    outsb
    exit_test
1:  .byte 0x55
