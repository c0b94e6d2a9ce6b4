// Mutant: nonzero options are accepted. filter: zx_vcpu_create
#include "mutant.h"
zx_status_t zx_vcpu_create(zx_handle_t guest, uint32_t options, zx_vaddr_t entry, zx_handle_t* out) {
    (void)options;
    return REAL(zx_vcpu_create)(guest, 0, entry, out);
}
