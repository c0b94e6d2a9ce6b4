// Proves: a read of a MEM trap page stops the VCPU with RIP past the instruction, so the value
// the host writes with write_state is what the guest reads.
#include "guest.inc"
.text
.code64
    mov TRAP_ADDR, %ebx     // 8b 1c 25 <TRAP_ADDR> (7 bytes)
    exit_test
