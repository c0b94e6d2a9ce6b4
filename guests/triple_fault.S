// Proves: a guest the VCPU cannot go on running (a triple fault: ud2 with an empty IDT) ends
// resume with an error instead of a packet.
#include "guest.inc"
.text
.code64
    movw $0, 0x10000                // IDT limit 0, base 0
    movq $0, 0x10002
    lidt 0x10000
    ud2
    exit_test
