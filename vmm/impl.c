/* Loading the implementation by path, as the harness does: dlopen, then dlsym of every call the
 * VMM makes, so that a library missing one is rejected before the guest starts. */
#include <dlfcn.h>
#include <stdio.h>

#include "impl.h"

struct vmm_impl zx;

bool impl_load(const char *path) {
    void *library = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (library == NULL) {
        fprintf(stderr, "zxvmm: cannot load implementation %s: %s\n", path, dlerror());
        return false;
    }
#define VMM_IMPL_LOOKUP(name)                                                                    \
    if ((zx.name = (__typeof__(zx.name))dlsym(library, #name)) == NULL) {                        \
        fprintf(stderr, "zxvmm: implementation %s does not export %s, which zxvmm needs\n",      \
                path, #name);                                                                    \
        return false;                                                                            \
    }
    VMM_IMPL_SYMBOLS(VMM_IMPL_LOOKUP)
#undef VMM_IMPL_LOOKUP
    return true;
}
