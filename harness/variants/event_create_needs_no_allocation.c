// Variant: zx_event_create needs no allocation that fault injection can fail (as an
// implementation with a preallocated pool would), so it succeeds while allocations fail.
// filter: zx_event_create
#include "../mutants/mutant.h"
static uint32_t failing;
void zxconf_fail_allocations(uint32_t count) {
    failing = count;
    REAL(zxconf_fail_allocations)(count);
}
zx_status_t zx_event_create(uint32_t options, zx_handle_t* out) {
    REAL(zxconf_fail_allocations)(0);
    zx_status_t status = REAL(zx_event_create)(options, out);
    REAL(zxconf_fail_allocations)(failing);
    return status;
}
