/* The reference side's guest: a physmem VMO with bench.h's page tables and the loop. */
#include <zircon/syscalls.h>
#include <zircon/zxconform.h>

#include "bench.h"

int ref_guest_create(const void *code, size_t len, zx_handle_t *guest) {
    zx_handle_t resource = ZX_HANDLE_INVALID, vmo = ZX_HANDLE_INVALID;
    zx_status_t status;
    const char *failed = NULL;
    if ((status = zxconf_hypervisor_resource(&resource)) != ZX_OK)
        failed = "zxconf_hypervisor_resource";
    else if ((status = zx_vmo_create(BENCH_GUEST_MEM_SIZE, 0, &vmo)) != ZX_OK)
        failed = "zx_vmo_create";
    for (size_t i = 0; i < BENCH_PAGE_TABLE_ENTRIES && failed == NULL; i++)
        if ((status = zx_vmo_write(vmo, &bench_page_tables[i].value, bench_page_tables[i].gpa,
                                   sizeof(uint64_t))) != ZX_OK)
            failed = "zx_vmo_write";
    if (failed == NULL && (status = zx_vmo_write(vmo, code, BENCH_GUEST_CODE_ADDR, len)) != ZX_OK)
        failed = "zx_vmo_write";
    if (failed == NULL && (status = zx_guest_create(resource, 0, vmo, guest)) != ZX_OK)
        failed = "zx_guest_create";
    zx_handle_close(vmo);
    zx_handle_close(resource);
    return failed == NULL ? 0 : bench_error("%s returned %d", failed, status);
}
