// Proves (Zircon's vcpu_sysenter_compat): SYSEXIT (32-bit) enters ring 3 in compatibility mode
// (the guest reads CS = 0x1b there) and SYSENTER comes back to 64-bit ring 0, which writes the
// EXIT page.
#include "guest.inc"
#include "rings.inc"
.text
.code64
    load_rings_gdt
    enable_sysenter kernel_entry
    lea user(%rip), %rdx
    mov $USER_STACK, %rcx
    xor %eax, %eax
    sysexit                         // no REX.W: return to 32-bit code
.code32
user:
    mov %cs, %eax                   // 0x1b: ring 3, 32-bit code
    sysenter
    jmp .
.code64
kernel_entry:
    exit_test
    jmp .
    rings_gdt_table
