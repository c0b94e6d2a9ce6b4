/* Tiny x86-64 guests for the reference implementation's own tests. Each blob runs from
 * GUEST_ENTRY (position-independent) and signals the host by writing EXIT_ADDR, a MEM trap. */
#include "guest_layout.h"

.macro blob name
    .text
    .balign 64
    .globl \name\()_start, \name\()_end
\name\()_start:
.endm
.macro end_blob name
\name\()_end:
.endm
.macro exit_guest
    movq $0, EXIT_ADDR
.endm

/* Installs a GDT with a 64-bit code segment at selector 8 and an IDT for vectors 0..32 whose
 * ISR n does `mov $n, %eax` and exits. Then jumps to body\@ which the caller places next. */
.macro setup_interrupts body
    mov $STACK_TOP, %rsp
    lea 10f(%rip), %rax
    mov %rax, 11f+2(%rip)
    lgdt 11f(%rip)
    lea 20f(%rip), %rdx
    lea 12f(%rip), %rdi
    mov %rdi, 13f+2(%rip)
    xor %ecx, %ecx
1:  mov %rdx, %rax
    mov %ax, (%rdi)
    movw $8, 2(%rdi)
    movw $0x8E00, 4(%rdi)
    shr $16, %rax
    mov %ax, 6(%rdi)
    shr $16, %rax
    mov %eax, 8(%rdi)
    movl $0, 12(%rdi)
    add $32, %rdx
    add $16, %rdi
    inc %ecx
    cmp $33, %ecx
    jne 1b
    lidt 13f(%rip)
    jmp \body
    .balign 8
10: .quad 0, 0x00209A0000000000
11: .word 15
    .quad 0
13: .word 33 * 16 - 1
    .quad 0
    .balign 16
12: .fill 33 * 16, 1, 0
    .balign 32
20:
    .set vector, 0
    .rept 33
    .balign 32
    mov $vector, %eax
    exit_guest
    jmp .
    .set vector, vector + 1
    .endr
.endm

blob guest_exit
    exit_guest
end_blob guest_exit

/* Adds to each register what the test wrote (so each doubles), then sets CF and DF. */
blob guest_state
    add $1, %rax
    add $2, %rcx
    add $3, %rdx
    add $4, %rbx
    add $5, %rsp
    add $6, %rbp
    add $7, %rsi
    add $8, %rdi
    add $9, %r8
    add $10, %r9
    add $11, %r10
    add $12, %r11
    add $13, %r12
    add $14, %r13
    add $15, %r14
    add $16, %r15
    stc
    std
    exit_guest
end_blob guest_state

blob guest_io_out
    mov $0xAB, %al
    out %al, $IO_PORT
    exit_guest
end_blob guest_io_out

/* Back to back: OUTs to two ports, the second after a byte that looks like OUTSB (6E). */
blob guest_io_out_pair
    mov $0x6E, %al
    out %al, $IO_PORT
    mov $IO_PORT + 1, %dx
    out %al, %dx
    exit_guest
end_blob guest_io_out_pair

blob guest_io_in
    in $IO_PORT, %al
    mov %rax, %rbx
    exit_guest
end_blob guest_io_in

blob guest_io_in32
    in $IO_PORT, %eax
    mov %rax, %rbx
    exit_guest
end_blob guest_io_in32

blob guest_io_no_trap
    out %al, $UNTRAPPED_PORT
    exit_guest
end_blob guest_io_no_trap

blob guest_io_string
    lea 1f(%rip), %rsi
    mov $IO_PORT, %dx
    outsb
    exit_guest
1:  .byte 0x55
end_blob guest_io_string

blob guest_io_rep
    lea 1f(%rip), %rsi
    mov $IO_PORT, %dx
    mov $2, %rcx
    rep outsb
    exit_guest
1:  .byte 0x55, 0x66
end_blob guest_io_rep

/* A plain OUT that the guest then overwrites: the 2 NOPs before it become an OUTS (ds outsb)
 * sending the same byte as AL, which exits with RIP where the OUT was, and the OUT becomes 2
 * NOPs. Only the new instruction bytes tell the second exit apart. */
blob guest_io_rewritten
    lea 2f(%rip), %rsi
    mov $IO_PORT, %dx
    mov $0x55, %al
0:  nop
    nop
    out %al, $IO_PORT
    movl $0x90906E3E, 0b(%rip)
    jmp 0b
2:  .byte 0x55
end_blob guest_io_rewritten

blob guest_mem_write
    movq $0, TRAP_ADDR
    exit_guest
end_blob guest_mem_write

blob guest_mem_read
    movq TRAP_ADDR, %rax
    mov %rax, %rbx
    exit_guest
end_blob guest_mem_read

blob guest_mem_no_trap
    movq $0, UNBACKED_ADDR
    exit_guest
end_blob guest_mem_no_trap

/* Reads SHARED_ADDR into rax, writes SHARED_ADDR + 8. */
blob guest_shared_memory
    movq SHARED_ADDR, %rax
    movq $0xFEED, %rbx
    movq %rbx, SHARED_ADDR + 8
    exit_guest
end_blob guest_shared_memory

blob guest_interrupt
    setup_interrupts 2f
2:  sti
    exit_guest
    jmp .
end_blob guest_interrupt

blob guest_hlt
    setup_interrupts 2f
2:  sti
    hlt
    jmp .
end_blob guest_hlt

/* x2APIC: rbx = IA32_APIC_BASE, rax = the APIC ID (both MSR exits answered in user space). */
blob guest_apic_ids
    mov $0x1b, %ecx
    rdmsr
    mov %rax, %rbx
    mov $0x802, %ecx
    rdmsr
    exit_guest
end_blob guest_apic_ids

/* An MSR nobody implements: the #GP runs ISR 13. */
blob guest_msr_gp
    setup_interrupts 2f
2:  mov $0x4b560000, %ecx
    rdmsr
    exit_guest
    jmp .
end_blob guest_msr_gp

/* A fixed self-IPI through the ICR (a packet for user space), then the exit. */
blob guest_icr_self
    mov $0x830, %ecx
    mov $0x40041, %eax
    xor %edx, %edx
    wrmsr
    exit_guest
end_blob guest_icr_self

/* Programs the APIC timer (divide by 1, vector 32) with rbx = LVT mode bits and r12 = the
 * initial count, then halts with interrupts on: the timer's ISR exits with eax = 32. */
blob guest_timer_hlt
    setup_interrupts 2f
2:  mov $0x83e, %ecx
    mov $0xb, %eax
    xor %edx, %edx
    wrmsr
    mov $0x832, %ecx
    mov %ebx, %eax
    or $32, %eax
    wrmsr
    mov $0x838, %ecx
    mov %r12d, %eax
    wrmsr
    sti
    hlt
    jmp .
end_blob guest_timer_hlt

/* An IDT with limit 0 turns #UD into a triple fault: the VM shuts down. */
blob guest_triple_fault
    lidt 1f(%rip)
    ud2
1:  .word 0
    .quad 0
end_blob guest_triple_fault

/* For a second VCPU: 16-bit real mode, CS base = entry, IP = 0. */
blob guest_real_mode
    .code16
    mov $0x42, %al
    out %al, $IO_PORT
    jmp .
    .code64
end_blob guest_real_mode

    .section .note.GNU-stack, "", @progbits
