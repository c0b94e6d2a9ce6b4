// Mutant: resume from another thread reports success (with an empty packet). filter: thread_
#include <string.h>
#include "mutant.h"
zx_status_t zx_vcpu_resume(zx_handle_t vcpu, zx_port_packet_t* packet) {
    zx_status_t status = REAL(zx_vcpu_resume)(vcpu, packet);
    if (status != ZX_ERR_BAD_STATE) return status;
    memset(packet, 0, sizeof *packet);
    return ZX_OK;
}
