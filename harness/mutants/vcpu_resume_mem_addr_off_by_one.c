// Mutant: a MEM packet's guest_mem.addr is one too high. filter: trap_mem
#include "mutant.h"
zx_status_t zx_vcpu_resume(zx_handle_t vcpu, zx_port_packet_t* packet) {
    zx_status_t status = REAL(zx_vcpu_resume)(vcpu, packet);
    if (status == ZX_OK && packet->type == ZX_PKT_TYPE_GUEST_MEM && packet->guest_mem.addr != 0xfff000)
        packet->guest_mem.addr += 1;
    return status;
}
