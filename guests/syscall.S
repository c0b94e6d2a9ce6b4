// Proves (Zircon's vcpu_syscall): SYSRET enters ring 3 (the guest reads CS = 0x2b there) and
// SYSCALL comes back to LSTAR in ring 0, which writes the EXIT page.
#include "guest.inc"
#include "rings.inc"
.text
.code64
    load_rings_gdt
    enable_syscall kernel_entry
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
