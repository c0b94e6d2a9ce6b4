// Mutant: resume ends the process with exit(0) when the guest exits on an IO port, as an error handler that quits "cleanly" would. filter: trap_io entry_ fuchsia_vcpu_resume
#include <stdlib.h>
#include "mutant.h"
zx_status_t zx_vcpu_resume(zx_handle_t vcpu, zx_port_packet_t* packet) {
    zx_status_t status = REAL(zx_vcpu_resume)(vcpu, packet);
    if (status == ZX_OK && packet->type == ZX_PKT_TYPE_GUEST_IO) exit(0);
    return status;
}
