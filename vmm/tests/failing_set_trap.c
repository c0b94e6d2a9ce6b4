// For boot-check: the reference, except that zx_guest_set_trap fails with the status
// $ZXVMM_TEST_STATUS (a number) on every call, so zxvmm's failure line can be checked.
#include <dlfcn.h>
#include <stdlib.h>
#include <zircon/syscalls.h>

zx_status_t zx_guest_set_trap(zx_handle_t guest, uint32_t kind, zx_vaddr_t addr, size_t len,
                              zx_handle_t port, uint64_t key) {
    (void)guest, (void)kind, (void)addr, (void)len, (void)port, (void)key;
    const char *status = getenv("ZXVMM_TEST_STATUS");
    return status ? (zx_status_t)atoi(status) : ZX_ERR_INTERNAL;
}
