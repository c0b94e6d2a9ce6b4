// Mutant: resume calls _exit(0) on every call (no atexit handler runs). filter: entry_ trap_mem fuchsia_vcpu_resume
#include <unistd.h>
#include "mutant.h"
zx_status_t zx_vcpu_resume(zx_handle_t vcpu, zx_port_packet_t* packet) {
    (void)vcpu;
    (void)packet;
    _exit(0);
}
