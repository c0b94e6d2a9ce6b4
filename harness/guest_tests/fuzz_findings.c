/* What the fuzzers (fuzz/) found that a test can hold any implementation to: statuses the pages
 * did not list (each page now lists it), and a resume that never returned. */
#include <stdint.h>

#include "zxc.h"

/* zx_vcpu_resume.ERRORS.NOT_FOUND.guest-accessed-io-port: the io guest's first OUT goes to a
 * port no trap covers (Zircon's trap lookup gives NOT_FOUND as well). */
ZXC_TEST(vcpu_resume_untrapped_port) {
    ZXC_COVERS("zx_vcpu_resume.ERRORS.NOT_FOUND.guest-accessed-io-port");
    struct zxc_guest g;
    zx_handle_t vcpu = zxc_guest_with_vcpu(&g, ZXC_IMAGE(io));
    zx_port_packet_t packet;
    zxc_expect_status("zx_vcpu_resume.ERRORS.NOT_FOUND.guest-accessed-io-port",
                      "zx_vcpu_resume after an OUT to a port no trap covers", ZX_ERR_NOT_FOUND,
                      ZX(zx_vcpu_resume)(vcpu, &packet));
}

/* zx_vmo_create.ERRORS.OUT_OF_RANGE.size-larger-vmo: a size near 2^64 cannot be a VMO. */
ZXC_TEST(vmo_create_size_too_large) {
    ZXC_COVERS("zx_vmo_create.ERRORS.OUT_OF_RANGE.size-larger-vmo");
    zx_handle_t vmo = ZX_HANDLE_INVALID;
    zxc_expect_status("zx_vmo_create.ERRORS.OUT_OF_RANGE.size-larger-vmo", "zx_vmo_create(UINT64_MAX - 1)",
                      ZX_ERR_OUT_OF_RANGE, ZX(zx_vmo_create)(UINT64_MAX - 1, 0, &vmo));
}

/* The guest-code fuzzer's hang: page tables leading outside guest memory. Zircon's EPT violation
 * handler found no trap there and failed the resume; under KVM the fault is re-injected inside
 * the kernel for ever, so the reference notices at the second interrupt that finds the guest
 * stuck (ref/README.md). The watchdog's interrupts stand for the VMM's timer. */
ZXC_TEST(vcpu_resume_page_tables_outside_memory) {
    ZXC_COVERS("zx_vcpu_resume.ERRORS.NOT_FOUND.guest-accessed-io-port");
    struct zxc_guest g;
    zx_handle_t vcpu = zxc_guest_with_vcpu(&g, ZXC_IMAGE(page_tables_outside));
    struct zxc_watchdog w;
    zxc_watchdog_start(&w, vcpu, 32, 50);
    zx_port_packet_t packet;
    zx_status_t status = ZX(zx_vcpu_resume)(vcpu, &packet);
    zxc_watchdog_stop(&w);
    zxc_expect_status("zx_vcpu_resume.ERRORS.NOT_FOUND.guest-accessed-io-port",
                      "zx_vcpu_resume of a guest whose page tables lead outside its memory",
                      ZX_ERR_NOT_FOUND, status);
}
