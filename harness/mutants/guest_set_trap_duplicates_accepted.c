// Mutant: a trap at an address that already has one is accepted. filter: trap_duplicate zx_guest_set_trap
#include "mutant.h"
zx_status_t zx_guest_set_trap(zx_handle_t guest, uint32_t kind, zx_vaddr_t addr, size_t len, zx_handle_t port, uint64_t key) {
    zx_status_t status = REAL(zx_guest_set_trap)(guest, kind, addr, len, port, key);
    return status == ZX_ERR_ALREADY_EXISTS ? ZX_OK : status;
}
