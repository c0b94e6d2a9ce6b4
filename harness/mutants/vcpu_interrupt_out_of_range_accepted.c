// Mutant: vectors of 256 and above are accepted and dropped. filter: zx_vcpu_interrupt
#include "mutant.h"
zx_status_t zx_vcpu_interrupt(zx_handle_t vcpu, uint32_t vector) {
    zx_status_t status = REAL(zx_vcpu_interrupt)(vcpu, vector);
    return vector >= 256 && status == ZX_ERR_OUT_OF_RANGE ? ZX_OK : status;
}
