// Proves: the CPUID leaves the hypervisor edits, as the guest sees them. Stores EAX, EBX, ECX,
// EDX of leaves 1, 0xb (subleaf 0), 0x40000000 and 0x40000001 at DATA_ADDR, 16 bytes each.
#include "guest.inc"
#include "apic.inc"
.text
.code64
    mov $0x80000, %rsp
    mov $DATA_ADDR, %rdi
    mov $1, %eax
    call 1f
    mov $0xb, %eax
    call 1f
    mov $0x40000000, %eax
    call 1f
    mov $0x40000001, %eax
    call 1f
    exit_test
    jmp .
1:  xor %ecx, %ecx
    cpuid
    mov %eax, (%rdi)
    mov %ebx, 4(%rdi)
    mov %ecx, 8(%rdi)
    mov %edx, 12(%rdi)
    add $16, %rdi
    ret
