// Mutant: a new VCPU handle lacks ZX_RIGHT_SIGNAL. filter: zx_vcpu_create rights_
#include "mutant.h"
zx_status_t zx_vcpu_create(zx_handle_t guest, uint32_t options, zx_vaddr_t entry, zx_handle_t* out) {
    zx_handle_t vcpu;
    zx_status_t status = REAL(zx_vcpu_create)(guest, options, entry, &vcpu);
    return mutant_without_right(status, vcpu, ZX_RIGHT_SIGNAL, out);
}
