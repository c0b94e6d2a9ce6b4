/* Guest memory is the physmem VMO; zxvmm reaches it only through zx_vmo_read/zx_vmo_write. */
#include "impl.h"
#include "machine.h"

bool guest_write(struct machine *m, uint64_t gpa, const void *data, uint64_t len) {
    zx_status_t status = zx.zx_vmo_write(m->memory, data, gpa, len);
    if (status != ZX_OK)
        machine_call_failed(m, "zx_vmo_write", status, "writing guest memory");
    return status == ZX_OK;
}

bool guest_read(struct machine *m, uint64_t gpa, void *data, uint64_t len) {
    zx_status_t status = zx.zx_vmo_read(m->memory, data, gpa, len);
    if (status != ZX_OK)
        machine_call_failed(m, "zx_vmo_read", status, "reading guest memory");
    return status == ZX_OK;
}
