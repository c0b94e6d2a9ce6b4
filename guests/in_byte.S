// Proves: a 1-byte IN replaces only AL with the value given by write_state(ZX_VCPU_IO); the
// guest copies RAX to RBX.
#include "guest.inc"
.text
.code64
    in $TRAP_PORT, %al
    mov %rax, %rbx
    exit_test
