// Mutant: a zero-length trap is accepted (and not set). filter: zx_guest_set_trap
#include "mutant.h"
zx_status_t zx_guest_set_trap(zx_handle_t guest, uint32_t kind, zx_vaddr_t addr, size_t len, zx_handle_t port, uint64_t key) {
    if (len == 0) return ZX_OK;
    return REAL(zx_guest_set_trap)(guest, kind, addr, len, port, key);
}
