// Mutant: the VCPU starts at entry rounded down to a page. filter: entry_
#include "mutant.h"
zx_status_t zx_vcpu_create(zx_handle_t guest, uint32_t options, zx_vaddr_t entry, zx_handle_t* out) {
    return REAL(zx_vcpu_create)(guest, options, entry & ~(zx_vaddr_t)0xfff, out);
}
