// Proves: what the hypervisor keeps about the instruction at an IO exit does not outlive its
// bytes. A plain OUT that the guest then overwrites: the 2 NOPs before it become an OUTS (ds
// outsb) sending the same byte as AL, which exits with RIP where the OUT was, and the OUT
// becomes 2 NOPs. Only the new instruction bytes tell the second exit apart.
#include "guest.inc"
.text
.code64
    lea 2f(%rip), %rsi
    mov $TRAP_PORT, %dx
    mov $0x55, %al
0:  nop
    nop
    out %al, $TRAP_PORT
    movl $0x90906e3e, 0b(%rip)
    jmp 0b
2:  .byte 0x55
