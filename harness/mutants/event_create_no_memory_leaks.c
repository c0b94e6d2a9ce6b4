// Mutant: with allocations failing, zx_event_create creates the event anyway and reports
// ZX_ERR_NO_MEMORY, so the caller leaks the handle it was told does not exist. filter: no_memory
#include "mutant.h"
static uint32_t failing;
void zxconf_fail_allocations(uint32_t count) {
    failing = count;
    REAL(zxconf_fail_allocations)(count);
}
zx_status_t zx_event_create(uint32_t options, zx_handle_t* out) {
    if (failing == 0) return REAL(zx_event_create)(options, out);
    REAL(zxconf_fail_allocations)(0);
    zx_status_t status = REAL(zx_event_create)(options, out);
    REAL(zxconf_fail_allocations)(failing);
    return status == ZX_OK ? ZX_ERR_NO_MEMORY : status;
}
