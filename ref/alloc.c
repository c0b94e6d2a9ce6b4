/* Every internal allocation goes through here, so zxconf_fail_allocations can make the
 * next ones fail and the NO_MEMORY paths can be tested. */
#include <stdlib.h>

#include "zxr.h"

static atomic_uint failures_armed;

void zxconf_fail_allocations(uint32_t count) { atomic_store(&failures_armed, count); }

bool zxr_alloc_should_fail(void) {
    unsigned armed = atomic_load(&failures_armed);
    while (armed > 0) {
        if (atomic_compare_exchange_weak(&failures_armed, &armed, armed - 1))
            return true;
    }
    return false;
}

void *zxr_alloc(size_t size) {
    if (zxr_alloc_should_fail())
        return NULL;
    return calloc(1, size);
}

void zxr_free(void *p) { free(p); }
