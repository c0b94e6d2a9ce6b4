// Proves (Zircon's vcpu_sysenter): SYSEXIT (64-bit) enters ring 3 (the guest reads CS = 0x2b
// there) and SYSENTER comes back to SYSENTER_EIP in ring 0, which writes the EXIT page. AMD CPUs
// have no SYSENTER in long mode (#UD), so there the guest writes the EXIT page from ring 3.
#include "guest.inc"
#include "rings.inc"
.text
.code64
    xor %eax, %eax
    cpuid
    xor %r12d, %r12d
    cmp $0x68747541, %ebx           // "Auth"enticAMD in CPUID leaf 0
    sete %r12b                      // r12 = 1 on AMD; SYSEXIT leaves it alone
    load_rings_gdt
    mov $0x174, %ecx                // IA32_SYSENTER_CS
    mov $KERNEL_CODE64, %eax
    xor %edx, %edx
    wrmsr
    mov $0x175, %ecx                // IA32_SYSENTER_ESP
    mov $0x80000, %eax
    wrmsr
    mov $0x176, %ecx                // IA32_SYSENTER_EIP
    lea kernel_entry(%rip), %rax
    mov %rax, %rdx
    shr $32, %rdx
    wrmsr
    lea user(%rip), %rdx
    mov $USER_STACK, %rcx
    xor %eax, %eax
    sysexitq
user:
    mov %cs, %eax                   // 0x2b: ring 3, 64-bit code
    test %r12, %r12
    jz 1f
    exit_test
1:  sysenter
    jmp .
kernel_entry:
    exit_test
    jmp .
    rings_gdt_table
