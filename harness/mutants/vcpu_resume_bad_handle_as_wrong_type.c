// Mutant: ZX_ERR_BAD_HANDLE is reported as ZX_ERR_WRONG_TYPE. filter: zx_vcpu_resume
#include "mutant.h"
zx_status_t zx_vcpu_resume(zx_handle_t vcpu, zx_port_packet_t* packet) {
    zx_status_t status = REAL(zx_vcpu_resume)(vcpu, packet);
    return status == ZX_ERR_BAD_HANDLE ? ZX_ERR_WRONG_TYPE : status;
}
