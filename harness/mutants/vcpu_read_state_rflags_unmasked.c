// Mutant: read_state's rflags includes the reserved bit 1. filter: state_
#include "mutant.h"
zx_status_t zx_vcpu_read_state(zx_handle_t vcpu, uint32_t kind, void* buffer, size_t len) {
    zx_status_t status = REAL(zx_vcpu_read_state)(vcpu, kind, buffer, len);
    if (status == ZX_OK && kind == ZX_VCPU_STATE) ((zx_vcpu_state_t*)buffer)->rflags |= 0x2;
    return status;
}
