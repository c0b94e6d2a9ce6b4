// Proves: a second VCPU starts in real mode at exactly `entry` (CS base = entry, IP = 0).
#include "guest.inc"
.text
.code16
start:
    call 1f                 // pushes the IP of 1f: 3 when execution began at IP 0
1:  pop %ax
    sub $(1b - start), %ax  // IP at which execution began
    out %ax, $TRAP_PORT
    jmp .
