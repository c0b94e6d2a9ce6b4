// Mutant: zx_guest_create accepts a resource of any kind. filter: zx_guest_create
#include "mutant.h"
zx_status_t zx_guest_create(zx_handle_t resource, uint32_t options, zx_handle_t physmem_vmo, zx_handle_t* out) {
    zx_info_handle_basic_t info;
    zx_status_t status = REAL(zx_object_get_info)(resource, ZX_INFO_HANDLE_BASIC, &info,
                                                  sizeof info, NULL, NULL);
    if (status != ZX_OK || info.type != ZX_OBJ_TYPE_RESOURCE)
        return REAL(zx_guest_create)(resource, options, physmem_vmo, out);
    /* Any resource passes: the call goes on with a hypervisor resource of its own. */
    zx_handle_t hypervisor;
    if (REAL(zxconf_hypervisor_resource)(&hypervisor) != ZX_OK)
        return ZX_ERR_NO_MEMORY;
    status = REAL(zx_guest_create)(hypervisor, options, physmem_vmo, out);
    REAL(zx_handle_close)(hypervisor);
    return status;
}
