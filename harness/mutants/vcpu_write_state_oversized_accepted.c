// Mutant: write_state accepts a buffer longer than the state and uses only the state's bytes.
// filter: zx_vcpu_write_state
#include "mutant.h"
zx_status_t zx_vcpu_write_state(zx_handle_t vcpu, uint32_t kind, const void* buffer, size_t len) {
    if (kind == ZX_VCPU_STATE && len > sizeof(zx_vcpu_state_t)) len = sizeof(zx_vcpu_state_t);
    return REAL(zx_vcpu_write_state)(vcpu, kind, buffer, len);
}
