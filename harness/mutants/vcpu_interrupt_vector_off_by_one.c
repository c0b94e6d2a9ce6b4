// Mutant: the interrupt raised is vector + 1. filter: interrupt_
#include "mutant.h"
zx_status_t zx_vcpu_interrupt(zx_handle_t vcpu, uint32_t vector) {
    return REAL(zx_vcpu_interrupt)(vcpu, vector + 1);
}
