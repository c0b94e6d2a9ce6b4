// Mutant: packets of a trap carry key + 1. filter: trap_
#include "mutant.h"
zx_status_t zx_guest_set_trap(zx_handle_t guest, uint32_t kind, zx_vaddr_t addr, size_t len, zx_handle_t port, uint64_t key) {
    return REAL(zx_guest_set_trap)(guest, kind, addr, len, port, key + 1);
}
