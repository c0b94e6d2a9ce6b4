// Mutant: a STARTUP packet's entry is one page past vector << 12. filter: apic_ipi apic_startup
#include "mutant.h"
zx_status_t zx_vcpu_resume(zx_handle_t vcpu, zx_port_packet_t* packet) {
    zx_status_t status = REAL(zx_vcpu_resume)(vcpu, packet);
    if (status == ZX_OK && packet->type == ZX_PKT_TYPE_GUEST_VCPU &&
        packet->guest_vcpu.type == ZX_PKT_GUEST_VCPU_STARTUP)
        packet->guest_vcpu.startup.entry += 0x1000;
    return status;
}
