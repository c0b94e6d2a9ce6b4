// Mutant: write_state(ZX_VCPU_IO) reports success and changes nothing. filter: trap_io
#include "mutant.h"
zx_status_t zx_vcpu_write_state(zx_handle_t vcpu, uint32_t kind, const void* buffer, size_t len) {
    if (kind == ZX_VCPU_IO) return ZX_OK;
    return REAL(zx_vcpu_write_state)(vcpu, kind, buffer, len);
}
