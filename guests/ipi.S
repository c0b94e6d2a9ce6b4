// Proves (Fuchsia's x86 IPI test): every write of the x2APIC ICR that the host lists at
// DATA_ADDR (pairs of 32-bit EAX, EDX; EAX = 0xffffffff ends the list) is a WRMSR the
// hypervisor handles, each FIXED or STARTUP one returning a packet.
#include "guest.inc"
#include "apic.inc"
.text
.code64
    mov $DATA_ADDR, %rsi
    mov $X2APIC_ICR, %ecx
1:  mov (%rsi), %eax
    cmp $0xffffffff, %eax
    je 2f
    mov 4(%rsi), %edx
    wrmsr
    add $8, %rsi
    jmp 1b
2:  exit_test
    jmp .
