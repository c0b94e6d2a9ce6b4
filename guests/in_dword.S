// Proves: a 4-byte IN replaces all of RAX (zero-extended); the guest copies RAX to RBX.
#include "guest.inc"
.text
.code64
    in $TRAP_PORT, %eax
    mov %rax, %rbx
    exit_test
