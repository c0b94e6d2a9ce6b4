// Proves: a write past guest memory with no trap fails the resume; the next goes on after it.
#include "guest.inc"
#define UNBACKED_ADDR 0x2000000
.text
.code64
    movq $0, UNBACKED_ADDR
    exit_test
