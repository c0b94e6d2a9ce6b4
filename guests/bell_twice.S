// Proves: each ring of a BELL page reaches the port that is still alive (used to see a port go).
#include "guest.inc"
.text
.code64
    movq $0, TRAP_ADDR      // ring the bell
    exit_test
    movq $0, TRAP_ADDR      // ring it again
    exit_test
    jmp .
