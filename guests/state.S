// Proves: write_state sets every register the guest sees, and read_state returns what the guest
// left (Zircon's vcpu_read_write_state: each register i gains i, then CF and AC are set).
#include "guest.inc"
.text
.code64
    add $1, %rax
    add $2, %rcx
    add $3, %rdx
    add $4, %rbx
    add $5, %rsp
    add $6, %rbp
    add $7, %rsi
    add $8, %rdi
    add $9, %r8
    add $10, %r9
    add $11, %r10
    add $12, %r11
    add $13, %r12
    add $14, %r13
    add $15, %r14
    add $16, %r15
    stc
    stac
    exit_test
