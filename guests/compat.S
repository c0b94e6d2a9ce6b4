// Proves (Zircon's vcpu_compat_mode): a far return reaches a 32-bit code segment, where 0x43 is
// `inc %ebx` and not a REX prefix (rbx = 1); a 16-bit segment pushes 2 bytes (rcx = 2); a far
// return then brings the guest back to 64-bit mode.
#include "guest.inc"
#include "rings.inc"
.text
.code64
    load_rings_gdt
    lea code16(%rip), %rdi          // far targets, computed while RIP-relative addressing works
    lea back64(%rip), %rsi
    xor %ecx, %ecx
    pushq $KERNEL_CODE32
    lea code32(%rip), %rax
    pushq %rax
    lretq
.code32
code32:
    xor %ebx, %ebx
    .byte 0x43                      // inc %ebx here; in 64-bit mode a REX prefix of the nop
    nop
    pushl $KERNEL_CODE16
    pushl %edi
    lret
.code16
code16:
    mov %esp, %ecx
    push %ax                        // 2 bytes with a 16-bit operand size
    sub %esp, %ecx
    pop %ax
    pushl $KERNEL_CODE64
    pushl %esi
    lretl
.code64
back64:
    exit_test
    jmp .
    rings_gdt_table
