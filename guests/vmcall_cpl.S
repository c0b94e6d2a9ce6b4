// Proves (Zircon's vcpu_vmcall_invalid_cpl): a hypercall from ring 3 returns -1 in rax without
// an exit; SYSCALL then brings the guest back to ring 0, which writes the EXIT page. The
// hypercall is the CPU's own: VMCALL on Intel, VMMCALL on AMD ("AuthenticAMD" in CPUID leaf 0).
#include "guest.inc"
#include "rings.inc"
.text
.code64
    xor %eax, %eax
    cpuid
    xor %r12d, %r12d
    cmp $0x68747541, %ebx           // "Auth"
    sete %r12b                      // r12 = 1 on AMD; SYSRET leaves it alone
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
    lea user(%rip), %rcx
    mov $0x2, %r11
    sysretq
user:
    mov $0xffffffff, %rax
    test %r12, %r12
    jnz 1f
    vmcall
    jmp 2f
1:  vmmcall
2:  syscall                         // keeps rax
    jmp .
kernel_entry:
    exit_test
    jmp .
    rings_gdt_table
