// Proves (Zircon's vcpu_write_invalid_cr0): writing CR0 with CD = 0 and NW = 1 raises #GP, whose
// ISR sets rax = 13; rax = 0 would mean the write went through.
#include "guest.inc"
#include "idt.inc"
#define CR0_NW (1 << 29)
#define CR0_CD (1 << 30)
.text
.code64
    setup_idt
    mov %cr0, %rax
    and $~CR0_CD, %rax
    or $CR0_NW, %rax
    mov %rax, %cr0
    xor %eax, %eax
    exit_test
    jmp .
    isr_table
