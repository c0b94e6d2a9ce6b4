// Proves: a guest's first instruction runs and a write to a MEM trap page comes back as a packet.
#include "guest.inc"
.text
.code64
    exit_test
    jmp .
