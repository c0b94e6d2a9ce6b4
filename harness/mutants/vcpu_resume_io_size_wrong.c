// Mutant: an IO packet reports access_size 4 whatever the instruction's size. filter: trap_io entry_
#include "mutant.h"
zx_status_t zx_vcpu_resume(zx_handle_t vcpu, zx_port_packet_t* packet) {
    zx_status_t status = REAL(zx_vcpu_resume)(vcpu, packet);
    if (status == ZX_OK && packet->type == ZX_PKT_TYPE_GUEST_IO) packet->guest_io.access_size = 4;
    return status;
}
