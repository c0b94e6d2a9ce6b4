/* An implementation whose calls end the process "cleanly" (harness-check): every test run
 * against it must fail as a crash that names the call, never pass. It exports the calls the
 * sample table and a guest test reach first. */
#include <stdlib.h>
#include <unistd.h>
#include <zircon/syscalls.h>
#include <zircon/zxconform.h>

zx_status_t zxconf_hypervisor_resource(zx_handle_t* out) {
    (void)out;
    exit(0);
}

zx_status_t zx_vcpu_create(zx_handle_t guest, uint32_t options, zx_vaddr_t entry,
                           zx_handle_t* out) {
    (void)guest, (void)options, (void)entry, (void)out;
    _exit(0);
}

zx_status_t zx_vcpu_resume(zx_handle_t vcpu, zx_port_packet_t* packet) {
    (void)vcpu, (void)packet;
    exit(0);
}

zx_status_t zx_vcpu_interrupt(zx_handle_t vcpu, uint32_t vector) {
    (void)vcpu, (void)vector;
    _exit(0);
}

