// Proves: with IF set, an injected vector (interrupt, NMI or exception) runs the guest's ISR.
#include "guest.inc"
#include "idt.inc"
.text
.code64
    setup_idt
    sti
    exit_test               // the host injects after this exit
    jmp .
    isr_table
