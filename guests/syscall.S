// Proves (Zircon's vcpu_syscall): SYSRET enters ring 3 (the guest reads CS = 0x2b there) and
// SYSCALL comes back to LSTAR in ring 0, which writes the EXIT page.
#include "guest.inc"
#include "rings.inc"
.text
.code64
    load_rings_gdt
    mov $0xc0000080, %ecx           // IA32_EFER: set SCE
    rdmsr
    or $1, %eax
    wrmsr
    mov $0xc0000081, %ecx           // IA32_STAR: SYSRET base 0x18, SYSCALL base 0x08
    xor %eax, %eax
    mov $((USER_CODE32 << 16) | KERNEL_CODE64), %edx
    wrmsr
    mov $0xc0000082, %ecx           // IA32_LSTAR
    lea kernel_entry(%rip), %rax
    mov %rax, %rdx
    shr $32, %rdx
    wrmsr
    mov $0xc0000084, %ecx           // IA32_FMASK: keep RFLAGS
    xor %eax, %eax
    xor %edx, %edx
    wrmsr
    lea user(%rip), %rcx
    mov $0x2, %r11                  // RFLAGS in ring 3
    xor %eax, %eax
    sysretq
user:
    mov %cs, %eax                   // 0x2b: ring 3, 64-bit code
    syscall
    jmp .
kernel_entry:
    exit_test
    jmp .
    rings_gdt_table
