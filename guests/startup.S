// Proves: the BSP starts another CPU as Linux does, through the x2APIC ICR: INIT (ignored),
// then STARTUP twice, to APIC id 1 with vector 9 (entry 0x9000); then exits.
#include "guest.inc"
#include "apic.inc"
.text
.code64
    mov $X2APIC_ICR, %ecx
    mov $1, %edx                // destination: APIC id 1
    mov $0x4500, %eax           // INIT, assert
    wrmsr
    mov $0x4609, %eax           // STARTUP, vector 9
    wrmsr
    wrmsr
    exit_test
    jmp .
