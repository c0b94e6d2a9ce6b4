// Proves: one MSR access as the host asks it: r12 = MSR, r14 = 0 (RDMSR) or 1 (WRMSR of r13).
// Done: rbx = REPORTED and edx:eax as RDMSR left them. A #GP runs ISR 13 (rax = 13, rbx = 0);
// a self-IPI of vector 32 runs ISR 32 (interrupts are on).
#include "guest.inc"
#include "idt.inc"
#include "apic.inc"
.text
.code64
    setup_idt
    sti
    xor %ebx, %ebx
    mov %r12d, %ecx
    mov %r13d, %eax
    mov %r13, %rdx
    shr $32, %rdx
    test %r14, %r14
    jnz 1f
    rdmsr
    jmp 2f
1:  wrmsr
2:  nop                         // a self-IPI is taken at the instruction boundary after WRMSR
    mov $REPORTED, %ebx
    exit_test
    jmp .
    isr_table
