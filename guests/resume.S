// Proves (Zircon's vcpu_resume): CR3 reloads, a WRMSR to IA32_GS_BASE and CPUID run without
// stopping the VCPU; only the EXIT write comes back.
#include "guest.inc"
.text
.code64
    mov %cr3, %rax
    mov %rax, %cr3
    mov $0xc0000101, %ecx   // IA32_GS_BASE
    xor %eax, %eax
    xor %edx, %edx
    wrmsr
    xor %eax, %eax
    cpuid
    exit_test
