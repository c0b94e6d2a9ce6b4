// Mutant: a GUEST_VCPU interrupt packet's mask names the next APIC ID up. filter: apic_ipi apic_startup
#include "mutant.h"
zx_status_t zx_vcpu_resume(zx_handle_t vcpu, zx_port_packet_t* packet) {
    zx_status_t status = REAL(zx_vcpu_resume)(vcpu, packet);
    if (status == ZX_OK && packet->type == ZX_PKT_TYPE_GUEST_VCPU &&
        packet->guest_vcpu.type == ZX_PKT_GUEST_VCPU_INTERRUPT)
        packet->guest_vcpu.interrupt.mask <<= 1;
    return status;
}
