// Mutant: read_state accepts a buffer longer than the state and fills only the state's bytes.
// filter: zx_vcpu_read_state
#include "mutant.h"
zx_status_t zx_vcpu_read_state(zx_handle_t vcpu, uint32_t kind, void* buffer, size_t len) {
    if (kind == ZX_VCPU_STATE && len > sizeof(zx_vcpu_state_t)) len = sizeof(zx_vcpu_state_t);
    return REAL(zx_vcpu_read_state)(vcpu, kind, buffer, len);
}
