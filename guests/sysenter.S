// Proves (Zircon's vcpu_sysenter): SYSEXIT (64-bit) enters ring 3 (the guest reads CS = 0x2b
// there) and SYSENTER comes back to SYSENTER_EIP in ring 0, which writes the EXIT page. AMD CPUs
// have no SYSENTER in long mode (#UD), so there the guest writes the EXIT page from ring 3.
#include "guest.inc"
#include "rings.inc"
.text
.code64
    detect_amd_in_r12
    load_rings_gdt
    enable_sysenter kernel_entry
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
