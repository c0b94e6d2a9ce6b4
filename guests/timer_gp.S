// Proves: an interrupt that comes while an exit of an MSR access that #GPs is being handled
// still arrives, after the #GP, as Linux's MSR probes (rdmsr_safe) need it to. A one-shot APIC
// timer (vector 32, divide by 1, initial count r14) is re-armed by each tick, as Linux re-arms
// its one-shot timer, so one lost tick stops the ticks for good. Meanwhile the guest spins in
// RDMSR of MSR r12, each a #GP that ISR 13 skips (rbp counts them). After r15 ticks (rbx counts
// them) the guest exits with rax = 0x100; otherwise the host's watchdog NMI ends it (rax = 2).
#include "guest.inc"
#include "idt.inc"
#include "apic.inc"
#define DCR_DIVIDE_1 0xb
.text
.code64
    setup_idt
    set_gate 13, skip_rdmsr
    set_gate 32, tick
    xor %ebx, %ebx
    xor %ebp, %ebp
    mov $X2APIC_DCR, %ecx
    mov $DCR_DIVIDE_1, %eax
    xor %edx, %edx
    wrmsr
    mov $X2APIC_LVT_TIMER, %ecx
    mov $32, %eax
    wrmsr
    call arm
    sti
1:  cmp %r15, %rbx
    jae 2f
    mov %r12d, %ecx
    rdmsr                       // 2 bytes: ISR 13 skips it
    jmp 1b
2:  cli
    mov $0x100, %eax
    exit_test
    jmp .
arm:
    mov $X2APIC_INITIAL_COUNT, %ecx
    mov %r14d, %eax
    xor %edx, %edx
    wrmsr
    ret
tick:
    push %rax
    push %rcx
    push %rdx
    inc %rbx
    cmp %r15, %rbx
    jae 3f
    call arm
3:  pop %rdx
    pop %rcx
    pop %rax
    iretq
skip_rdmsr:
    add $8, %rsp                // the error code
    addq $2, (%rsp)             // past the RDMSR
    inc %rbp
    iretq
    isr_table
