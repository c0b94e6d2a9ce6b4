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

const char *status_name(zx_status_t status) {
    switch (status) {
#define NAME(s) case s: return #s;
    NAME(ZX_OK) NAME(ZX_ERR_INTERNAL) NAME(ZX_ERR_NOT_SUPPORTED) NAME(ZX_ERR_NO_RESOURCES)
    NAME(ZX_ERR_NO_MEMORY) NAME(ZX_ERR_INVALID_ARGS) NAME(ZX_ERR_BAD_HANDLE)
    NAME(ZX_ERR_WRONG_TYPE) NAME(ZX_ERR_OUT_OF_RANGE) NAME(ZX_ERR_BUFFER_TOO_SMALL)
    NAME(ZX_ERR_BAD_STATE) NAME(ZX_ERR_TIMED_OUT) NAME(ZX_ERR_SHOULD_WAIT) NAME(ZX_ERR_CANCELED)
    NAME(ZX_ERR_PEER_CLOSED) NAME(ZX_ERR_NOT_FOUND) NAME(ZX_ERR_ALREADY_EXISTS)
    NAME(ZX_ERR_ALREADY_BOUND) NAME(ZX_ERR_UNAVAILABLE) NAME(ZX_ERR_ACCESS_DENIED)
    NAME(ZX_ERR_IO) NAME(ZX_ERR_STOP) NAME(ZX_ERR_NEXT)
#undef NAME
    default: return "an unknown status";
    }
}
