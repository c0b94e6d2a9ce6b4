// Proves: a write to a BELL trap page queues a packet on the port and the guest keeps running.
#include "guest.inc"
.text
.code64
    movq $0, TRAP_ADDR
    exit_test
