// Proves: an OUT to a port with no trap fails the resume, and the next resume goes on after it.
#include "guest.inc"
#define UNTRAPPED_PORT 0x99
.text
.code64
    out %al, $UNTRAPPED_PORT
    exit_test
