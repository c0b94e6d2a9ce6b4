// Variant: zx_guest_set_trap checks page alignment before the overflow of addr + len, an order
// the page does not fix. filter: zx_guest_set_trap
#include "../mutants/mutant.h"
zx_status_t zx_guest_set_trap(zx_handle_t guest, uint32_t kind, zx_gpaddr_t addr, size_t len,
                              zx_handle_t port, uint64_t key) {
    if (kind != ZX_GUEST_TRAP_IO && ((addr & 0xfff) || (len & 0xfff))) return ZX_ERR_INVALID_ARGS;
    return REAL(zx_guest_set_trap)(guest, kind, addr, len, port, key);
}
