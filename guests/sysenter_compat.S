// Proves (Zircon's vcpu_sysenter_compat): SYSEXIT (32-bit) enters ring 3 in compatibility mode
// (the guest reads CS = 0x1b there) and, on Intel, SYSENTER comes back to 64-bit ring 0, which
// writes the EXIT page. AMD CPUs have no SYSENTER in long mode, compatibility mode included
// (#UD), so there the guest writes the EXIT page from ring 3.
// After each ring change a CPUID makes an exit that the hypervisor handles itself and then
// enters the guest again, so that a ring change leaving a state the next entry refuses fails
// every time rather than when a host interrupt happens to fall there (ref/README.md: QEMU's
// SYSENTER did, and this test failed 1 run in 30).
#include "guest.inc"
#include "rings.inc"
.text
.code64
    detect_amd_in_r12
    mov %r12d, %edi                 // the vendor, for 32-bit code (no r12 there)
    load_rings_gdt
    enable_sysenter kernel_entry
    lea user(%rip), %rdx
    mov $USER_STACK, %rcx
    sysexitl                        // 32-bit: return to compatibility mode
.code32
user:
    cpuid                           // an exit and a new entry in 32-bit ring 3
    mov %cs, %eax                   // 0x1b: ring 3, 32-bit code
    test %edi, %edi
    jz 1f
    movl $0, EXIT_ADDR              // AMD: exit_test's write, in 32-bit code
1:  sysenter
    jmp .
.code64
kernel_entry:
    mov %eax, %esi
    cpuid                           // an exit and a new entry in 64-bit ring 0
    mov %esi, %eax
    exit_test
    jmp .
    rings_gdt_table
