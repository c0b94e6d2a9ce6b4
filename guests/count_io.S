// Proves: each resume continues after the instruction that stopped the guest (al counts steps).
#include "guest.inc"
.text
.code64
    inc %rax
    out %al, $TRAP_PORT
    inc %rax
    out %al, $TRAP_PORT
    exit_test
    jmp .
