// Mutant: write_state(ZX_VCPU_IO) accepts a buffer longer than zx_vcpu_io_t and uses its first
// bytes; only ZX_VCPU_STATE checks the length. filter: zx_vcpu_write_state
#include "mutant.h"
zx_status_t zx_vcpu_write_state(zx_handle_t vcpu, uint32_t kind, const void* buffer, size_t len) {
    if (kind == ZX_VCPU_IO && len > sizeof(zx_vcpu_io_t)) len = sizeof(zx_vcpu_io_t);
    return REAL(zx_vcpu_write_state)(vcpu, kind, buffer, len);
}
