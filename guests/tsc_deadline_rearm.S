// Proves: the TSC-deadline timer keeps firing when every tick re-arms it at once, as Linux's
// tick handler does, wherever the deadline falls: in the past, due before the exit that writes
// it has ended, or later; with this VCPU's TSC moved by IA32_TSC_ADJUST; and while the host
// kicks the VCPU with other vectors. The host passes r12 = TSC ticks from each arm's RDTSC to
// its deadline (signed; a deadline that would fall below 1 is 1, long past), r13 = a value for
// IA32_TSC_ADJUST (0: not written), r15 = timer ticks to wait for, and rbp = 0 to wait in HLT
// between ticks or 1 to spin. Vector 32 (the timer) counts in rbx, vector 33 (the host's
// zx_vcpu_interrupt kicks) in rsi. After r15 ticks the guest exits with rax = 0x100; the host's
// watchdog NMI ends it otherwise (rax = 2), leaving in r9 the TSC it came at; r8 holds the TSC
// the last deadline was counted from.
#include "guest.inc"
#include "idt.inc"
#include "apic.inc"
#define MSR_TSC_ADJUST 0x3b
#define KICK_GATE (IDT_BASE + 16 * 33)
.text
.code64
    setup_idt
    set_gate 2, watchdog
    set_gate 32, tick
    // setup_idt makes gates 0..32; gate 33 is made whole here and the IDT limit takes it.
    movw $8, KICK_GATE + 2
    movw $0x8e00, KICK_GATE + 4
    movl $0, KICK_GATE + 12
    set_gate 33, kick
    movw $(34 * 16 - 1), DESCRIPTORS + 16
    lidt DESCRIPTORS + 16
    xor %ebx, %ebx
    xor %esi, %esi
    test %r13, %r13
    jz 1f
    mov $MSR_TSC_ADJUST, %ecx
    mov %r13, %rax
    mov %r13, %rdx
    shr $32, %rdx
    wrmsr
1:  mov $X2APIC_LVT_TIMER, %ecx
    mov $(LVT_MODE_TSC_DEADLINE | 32), %eax
    xor %edx, %edx
    wrmsr
    call arm
2:  cli
    cmp %r15, %rbx
    jae 4f
    test %rbp, %rbp
    jnz 5f
    sti                         // STI's shadow covers HLT: no tick is lost in between
    hlt
    jmp 2b
5:  sti
6:  cmp %r15, %rbx
    jb 6b
4:  cli
    mov $0x100, %eax
    exit_test
    jmp .
arm:                            // IA32_TSC_DEADLINE = max(TSC + r12, 1)
    rdtsc
    shl $32, %rdx
    or %rdx, %rax
    mov %rax, %r8
    add %r12, %rax
    jg 7f
    mov $1, %eax
7:  mov %rax, %rdx
    shr $32, %rdx
    mov $MSR_TSC_DEADLINE, %ecx
    wrmsr
    ret
eoi:
    mov $X2APIC_EOI, %ecx
    xor %eax, %eax
    xor %edx, %edx
    wrmsr
    ret
watchdog:
    rdtsc
    shl $32, %rdx
    or %rdx, %rax
    mov %rax, %r9
    mov $2, %eax
    exit_test
    jmp .
tick:
    push %rax
    push %rcx
    push %rdx
    inc %rbx
    cmp %r15, %rbx
    jae 8f
    call arm
8:  call eoi
    pop %rdx
    pop %rcx
    pop %rax
    iretq
kick:
    push %rax
    push %rcx
    push %rdx
    inc %rsi
    call eoi
    pop %rdx
    pop %rcx
    pop %rax
    iretq
    isr_table
