// Proves: a write to a MEM trap page stops the VCPU with the address, key and instruction.
#include "guest.inc"
.text
.code64
    movq $0, TRAP_ADDR      // 48 c7 04 25 <TRAP_ADDR> 00 00 00 00 (12 bytes)
    exit_test
