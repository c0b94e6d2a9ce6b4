// Proves: a secondary VCPU runs its own code in real mode: it reports on the IO trap port.
#include "guest.inc"
.text
.code16
    out %al, $TRAP_PORT
    jmp .
