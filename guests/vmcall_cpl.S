// Proves (Zircon's vcpu_vmcall_invalid_cpl): a hypercall from ring 3 returns -1 in rax without
// an exit; SYSCALL then brings the guest back to ring 0, which writes the EXIT page. The
// hypercall is the CPU's own: VMCALL on Intel, VMMCALL on AMD ("AuthenticAMD" in CPUID leaf 0).
#include "guest.inc"
#include "rings.inc"
.text
.code64
    detect_amd_in_r12
    load_rings_gdt
    enable_syscall kernel_entry
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
