// Mutant: a new guest handle lacks ZX_RIGHT_WRITE. filter: zx_guest_create rights_
#include "mutant.h"
zx_status_t zx_guest_create(zx_handle_t resource, uint32_t options, zx_handle_t physmem_vmo, zx_handle_t* out) {
    zx_handle_t guest;
    zx_status_t status = REAL(zx_guest_create)(resource, options, physmem_vmo, &guest);
    return mutant_without_right(status, guest, ZX_RIGHT_WRITE, out);
}
