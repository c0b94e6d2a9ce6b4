/* Loading the implementation under test: dlopen by path, then dlsym of every symbol the harness
 * may need. The harness never links an implementation, so a missing symbol is a NULL here and
 * fails only the tests that call it. */
#include <dlfcn.h>
#include <stdio.h>

#include "zxc.h"

struct zxc_impl zxc_impl;
static void *impl_library;

bool zxc_impl_load(const char *path) {
    /* RTLD_NOW: an implementation with unresolved dependencies is rejected up front, not in
     * the middle of a test. */
    impl_library = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (impl_library == NULL) {
        fprintf(stderr, "zxconform: cannot load implementation %s: %s\n", path, dlerror());
        return false;
    }
#define ZXC_IMPL_LOOKUP(name) zxc_impl.name = (__typeof__(zxc_impl.name))zxc_impl_symbol(#name);
    ZXC_IMPL_SYMBOLS(ZXC_IMPL_LOOKUP)
#undef ZXC_IMPL_LOOKUP
    return true;
}

void *zxc_impl_symbol(const char *name) {
    return impl_library == NULL ? NULL : dlsym(impl_library, name);
}
