/* zx_vcpu_interrupt: a guest with an IDT and IF set runs the ISR of the injected vector (an
 * external interrupt, an NMI, an exception); HLT blocks in resume until another thread
 * interrupts. The ISR for vector n sets rax = n and writes the EXIT page. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>

#include "zxc.h"

#define CLAUSE "zx_vcpu_interrupt.DESCRIPTION.raises-interrupt-vector-vcpu"

/* Runs the interrupt guest to its first exit (IDT set, IF set), injects `vectors` in order and
 * requires the ISR of `delivered` to run. */
static void inject(const uint32_t *vectors, int n, uint32_t delivered) {
    struct zxc_guest g;
    zx_handle_t vcpu = zxc_guest_with_vcpu(&g, ZXC_IMAGE(interrupt));
    zxc_resume_expect_exit(vcpu, CLAUSE);
    for (int i = 0; i < n; i++) {
        char what[64];
        snprintf(what, sizeof what, "zx_vcpu_interrupt(vector %u)", vectors[i]);
        zxc_expect_status(CLAUSE, what, ZX_OK, ZX(zx_vcpu_interrupt)(vcpu, vectors[i]));
    }
    zxc_resume_expect_exit(vcpu, CLAUSE);
    zxc_expect_u64(CLAUSE, "vector whose ISR ran (rax)", delivered, zxc_read_state(vcpu).rax);
}

ZXC_TEST(interrupt_external_vector) {
    ZXC_COVERS("zx_vcpu_interrupt.DESCRIPTION.raises-interrupt-vector-vcpu");
    inject((const uint32_t[]){32}, 1, 32);
}

ZXC_TEST(interrupt_nmi) {
    ZXC_COVERS("zx_vcpu_interrupt.DESCRIPTION.raises-interrupt-vector-vcpu");
    inject((const uint32_t[]){2}, 1, 2);
}

ZXC_TEST(interrupt_exception_vector) {
    ZXC_COVERS("zx_vcpu_interrupt.DESCRIPTION.raises-interrupt-vector-vcpu");
    inject((const uint32_t[]){16}, 1, 16);
}

/* Zircon's vcpu_interrupt_priority: with 16 and 32 pending, 32 is delivered first. */
ZXC_TEST(interrupt_priority) {
    ZXC_COVERS("zx_vcpu_interrupt.DESCRIPTION.raises-interrupt-vector-vcpu");
    inject((const uint32_t[]){16, 32}, 2, 32);
}

struct late_interrupt {
    zx_handle_t vcpu;
    atomic_bool sending;
    zx_status_t status;
};

static void *interrupt_later(void *arg) {
    struct late_interrupt *l = arg;
    zxc_sleep_ms(300);
    atomic_store(&l->sending, true);
    l->status = ZX(zx_vcpu_interrupt)(l->vcpu, 32);
    return NULL;
}

ZXC_TEST(interrupt_wakes_hlt) {
    ZXC_COVERS("zx_vcpu_interrupt.DESCRIPTION.vcpu-halted-waiting-interrupt");
    ZXC_COVERS("zx_vcpu_resume.DESCRIPTION.guest-halts-waits-inside");
    struct zxc_guest g;
    struct late_interrupt l = {.vcpu = zxc_guest_with_vcpu(&g, ZXC_IMAGE(hlt))};
    pthread_t thread;
    pthread_create(&thread, NULL, interrupt_later, &l);
    zx_port_packet_t p = zxc_resume(l.vcpu, "zx_vcpu_resume.DESCRIPTION.guest-halts-waits-inside");
    bool was_sending = atomic_load(&l.sending);
    pthread_join(thread, NULL);
    if (!was_sending)
        zxc_fail("zx_vcpu_resume.DESCRIPTION.guest-halts-waits-inside",
                 "resume returned (packet type %#x) while the guest was halted and before any "
                 "interrupt was sent", p.type);
    zxc_expect_status("zx_vcpu_interrupt.DESCRIPTION.vcpu-halted-waiting-interrupt",
                      "zx_vcpu_interrupt(32) from another thread", ZX_OK, l.status);
    zxc_expect_u64("zx_vcpu_interrupt.DESCRIPTION.vcpu-halted-waiting-interrupt",
                   "packet type (the ISR writes the EXIT page)", ZX_PKT_TYPE_GUEST_MEM,
                   p.type);
    zxc_expect_u64("zx_vcpu_interrupt.DESCRIPTION.vcpu-halted-waiting-interrupt",
                   "guest_mem.addr", ZXC_EXIT_ADDR, p.guest_mem.addr);
    zxc_expect_u64("zx_vcpu_interrupt.DESCRIPTION.vcpu-halted-waiting-interrupt",
                   "vector whose ISR ran (rax)", 32, zxc_read_state(l.vcpu).rax);
}

/* Zircon's vcpu_nmi_priority: with 32 and then the NMI pending, the NMI is delivered first. */
ZXC_TEST(interrupt_nmi_priority) {
    ZXC_COVERS("zx_vcpu_interrupt.DESCRIPTION.raises-interrupt-vector-vcpu");
    inject((const uint32_t[]){32, 2}, 2, 2);
}
