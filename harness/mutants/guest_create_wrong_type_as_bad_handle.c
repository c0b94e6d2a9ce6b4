// Mutant: ZX_ERR_WRONG_TYPE is reported as ZX_ERR_BAD_HANDLE. filter: zx_guest_create
#include "mutant.h"
zx_status_t zx_guest_create(zx_handle_t resource, uint32_t options, zx_handle_t physmem_vmo, zx_handle_t* out) {
    zx_status_t status = REAL(zx_guest_create)(resource, options, physmem_vmo, out);
    return status == ZX_ERR_WRONG_TYPE ? ZX_ERR_BAD_HANDLE : status;
}
