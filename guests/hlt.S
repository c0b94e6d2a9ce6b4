// Proves: HLT keeps the VCPU inside resume until an interrupt arrives, which then runs its ISR.
#include "guest.inc"
#include "idt.inc"
.text
.code64
    setup_idt
    sti
    hlt
    jmp .
    isr_table
