// Mutant: interrupt from a thread other than the process's first is refused. filter: thread_ hlt
#define _GNU_SOURCE
#include <unistd.h>
#include "mutant.h"
zx_status_t zx_vcpu_interrupt(zx_handle_t vcpu, uint32_t vector) {
    if (gettid() != getpid()) return ZX_ERR_BAD_STATE;
    return REAL(zx_vcpu_interrupt)(vcpu, vector);
}
