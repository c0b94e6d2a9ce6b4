/* Guest memory is the physmem VMO; zxvmm reaches it only through zx_vmo_read/zx_vmo_write. A range
 * outside guest memory is the guest's doing (a device given a bad address): false, with no call
 * made and nothing blamed on the implementation. Inside it, a failed call is the implementation's. */
#include "impl.h"
#include "machine.h"

static bool in_memory(const struct machine *m, uint64_t gpa, uint64_t len) {
    return len <= m->memory_size && gpa <= m->memory_size - len;
}

bool guest_write(struct machine *m, uint64_t gpa, const void *data, uint64_t len) {
    if (!in_memory(m, gpa, len))
        return false;
    zx_status_t status = zx.zx_vmo_write(m->memory, data, gpa, len);
    if (status != ZX_OK)
        machine_call_failed(m, "zx_vmo_write", status, "writing guest memory");
    return status == ZX_OK;
}

bool guest_read(struct machine *m, uint64_t gpa, void *data, uint64_t len) {
    if (!in_memory(m, gpa, len))
        return false;
    zx_status_t status = zx.zx_vmo_read(m->memory, data, gpa, len);
    if (status != ZX_OK)
        machine_call_failed(m, "zx_vmo_read", status, "reading guest memory");
    return status == ZX_OK;
}
