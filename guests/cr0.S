// Proves (Zircon's vcpu_write_cr0, both versions): clearing CR0.NE does not stop the VCPU, and a
// CR0 with NE = 1, NW = 0, CD = 0 written afterwards reads back as written (rax).
#include "guest.inc"
#define CR0_NE (1 << 5)
#define CR0_NW (1 << 29)
#define CR0_CD (1 << 30)
.text
.code64
    mov %cr0, %rax
    and $~CR0_NE, %rax
    mov %rax, %cr0                  // Zircon 2018 forced NE back on; KVM keeps it clear
    mov %cr0, %rax
    and $~(CR0_NW | CR0_CD), %rax
    or $CR0_NE, %rax
    mov %rax, %cr0
    mov %cr0, %rax
    exit_test
