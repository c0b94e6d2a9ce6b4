// Mutant: read_state swaps rcx and rdx (a struct layout mistake). filter: state_
#include "mutant.h"
zx_status_t zx_vcpu_read_state(zx_handle_t vcpu, uint32_t kind, void* buffer, size_t len) {
    zx_status_t status = REAL(zx_vcpu_read_state)(vcpu, kind, buffer, len);
    if (status == ZX_OK && kind == ZX_VCPU_STATE) {
        zx_vcpu_state_t* state = buffer;
        uint64_t rcx = state->rcx;
        state->rcx = state->rdx;
        state->rdx = rcx;
    }
    return status;
}
