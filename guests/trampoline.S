// Proves: a VCPU started at the entry of a STARTUP packet runs real-mode code there (CS base =
// entry) that enters long mode through the BSP's page tables (CR3 = 0) and reports its x2APIC
// id: rax = id, rbx = REPORTED. Must be loaded at TRAMPOLINE (vector 9).
#include "guest.inc"
#include "apic.inc"
#define TRAMPOLINE 0x9000
#define MSR_EFER 0xc0000080
.text
.code16
start:
    cli
    lgdtl %cs:(gdtr - start)
    mov %cr4, %eax
    or $(1 << 5), %eax          // PAE
    mov %eax, %cr4
    xor %eax, %eax
    mov %eax, %cr3              // the BSP's PML4 at 0
    mov $MSR_EFER, %ecx
    rdmsr
    or $(1 << 8), %eax          // LME
    wrmsr
    mov %cr0, %eax
    or $0x80000001, %eax        // PG | PE
    mov %eax, %cr0
    ljmpl $8, $(TRAMPOLINE + long_mode - start)
.code64
long_mode:
    mov $16, %ax
    mov %ax, %ds
    mov %ax, %ss
    mov $X2APIC_ID, %ecx
    rdmsr
    mov $REPORTED, %ebx
    exit_test
    jmp .
.balign 8
gdt:
    .quad 0
    .quad 0x00209a0000000000    // 64-bit code
    .quad 0x0000920000000000    // data
gdtr:
    .word 3 * 8 - 1
    .long TRAMPOLINE + gdt - start
