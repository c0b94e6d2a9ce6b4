// Proves: back-to-back OUTs to two ports are each reported once, as themselves, even when the
// byte before the second looks like OUTSB (6e).
#include "guest.inc"
.text
.code64
    mov $0x6e, %al
    out %al, $TRAP_PORT
    mov $TRAP_PORT + 1, %dx
    out %al, %dx
    exit_test
