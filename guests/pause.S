// Proves (Zircon's vcpu_pause): PAUSE does not stop the VCPU.
#include "guest.inc"
.text
.code64
    pause
    exit_test
