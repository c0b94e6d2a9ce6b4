// Proves: the local APIC timer fires as programmed and wakes HLT. The host passes r12 = LVT
// timer value (vector 32, mode, mask), r13 = divide configuration, r14 = initial count, or in
// TSC-deadline mode the TSC ticks from now, r15 = ticks to wait for, and rbp = 0 to wait in
// HLT or 1 to spin. Each tick counts in rbx; after r15 of them the guest exits with
// rax = 0x100. Another vector runs its ISR instead: rax = vector; the host's watchdog NMI also
// leaves the TSC it came at in r9, and in TSC-deadline mode r8 holds the TSC the deadline was
// counted from, so that a lost deadline shows whether the guest's TSC had passed it.
#include "guest.inc"
#include "idt.inc"
#include "apic.inc"
.text
.code64
    setup_idt
    set_gate 2, watchdog
    set_gate 32, tick
    xor %ebx, %ebx
    mov $X2APIC_DCR, %ecx
    mov %r13d, %eax
    xor %edx, %edx
    wrmsr
    mov $X2APIC_LVT_TIMER, %ecx
    mov %r12d, %eax
    wrmsr
    mov %r12d, %eax
    and $(3 << 17), %eax
    cmp $LVT_MODE_TSC_DEADLINE, %eax
    jne 1f
    rdtsc
    shl $32, %rdx
    or %rdx, %rax
    mov %rax, %r8
    add %r14, %rax
    mov %rax, %rdx
    shr $32, %rdx
    mov $MSR_TSC_DEADLINE, %ecx
    wrmsr
    jmp 2f
1:  mov $X2APIC_INITIAL_COUNT, %ecx
    mov %r14d, %eax
    xor %edx, %edx
    wrmsr
2:  cli
    cmp %r15, %rbx
    jae 4f
    test %rbp, %rbp
    jnz 5f
    sti                         // STI's shadow covers HLT: no tick is lost in between
    hlt
    jmp 2b
5:  sti                         // rbp != 0: spin, so the timer must interrupt a running guest
6:  cmp %r15, %rbx
    jb 6b
4:  mov $0x100, %eax
    exit_test
    jmp .
watchdog:
    rdtsc
    shl $32, %rdx
    or %rdx, %rax
    mov %rax, %r9
    mov $2, %eax
    exit_test
    jmp .
tick:
    inc %rbx
    push %rax
    push %rcx
    push %rdx
    mov $X2APIC_EOI, %ecx
    xor %eax, %eax
    xor %edx, %edx
    wrmsr
    pop %rdx
    pop %rcx
    pop %rax
    iretq
    isr_table
