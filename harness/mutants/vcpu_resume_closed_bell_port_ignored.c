// Mutant: a bell whose port is closed is not reported; resume just goes on. filter: trap_bell
#include "mutant.h"
zx_status_t zx_vcpu_resume(zx_handle_t vcpu, zx_port_packet_t* packet) {
    zx_status_t status = REAL(zx_vcpu_resume)(vcpu, packet);
    return status == ZX_ERR_BAD_STATE ? REAL(zx_vcpu_resume)(vcpu, packet) : status;
}
