// Proves: the first VCPU (long mode) starts at exactly `entry`: it reports its own RIP.
#include "guest.inc"
.text
.code64
start:
    lea start(%rip), %rax   // where execution began
    out %eax, $TRAP_PORT    // host checks the packet's data, then rax through read_state
    exit_test
