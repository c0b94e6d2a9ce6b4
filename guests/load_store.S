// Proves: guest memory is the VMO: the guest loads what the host wrote and stores what it read.
#include "guest.inc"
.text
.code64
    mov 0x5000, %rax        // written by the host with zx_vmo_write
    mov %rbx, 0x6000        // read by the host with zx_vmo_read
    exit_test
    jmp .
