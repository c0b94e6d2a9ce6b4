/* A VCPU is bound to the thread that created it: resume, read_state and write_state from another
 * thread fail with ZX_ERR_BAD_STATE (and leave the VCPU working); interrupt works from any
 * thread, even after the owner thread has exited. */
#include <pthread.h>

#include "zxc.h"

struct cross_thread_calls {
    zx_handle_t vcpu;
    zx_status_t resume, read_state, write_state, interrupt;
};

static void *call_from_other_thread(void *arg) {
    struct cross_thread_calls *c = arg;
    zx_port_packet_t packet;
    zx_vcpu_state_t state = {0};
    c->resume = ZX(zx_vcpu_resume)(c->vcpu, &packet);
    c->read_state = ZX(zx_vcpu_read_state)(c->vcpu, ZX_VCPU_STATE, &state, sizeof state);
    c->write_state = ZX(zx_vcpu_write_state)(c->vcpu, ZX_VCPU_STATE, &state, sizeof state);
    return NULL;
}

ZXC_TEST(thread_other_thread_bad_state) {
    ZXC_COVERS("zx_vcpu_create.DESCRIPTION.vcpu-bound-thread-created");
    ZXC_COVERS("zx_vcpu_resume.DESCRIPTION.called-thread-created-vcpu");
    ZXC_COVERS("zx_vcpu_resume.ERRORS.BAD_STATE.vcpu-wrong-thread");
    ZXC_COVERS("zx_vcpu_read_state.DESCRIPTION.state-only-read-thread");
    ZXC_COVERS("zx_vcpu_read_state.ERRORS.BAD_STATE.vcpu-wrong-thread");
    ZXC_COVERS("zx_vcpu_write_state.DESCRIPTION.state-only-written-thread");
    ZXC_COVERS("zx_vcpu_write_state.ERRORS.BAD_STATE.vcpu-wrong-thread");
    struct zxc_guest g;
    struct cross_thread_calls c = {.vcpu = zxc_guest_with_vcpu(&g, ZXC_IMAGE(exit))};
    pthread_t thread;
    pthread_create(&thread, NULL, call_from_other_thread, &c);
    pthread_join(thread, NULL);
    zxc_expect_status("zx_vcpu_resume.ERRORS.BAD_STATE.vcpu-wrong-thread",
                      "zx_vcpu_resume from another thread",
                      ZX_ERR_BAD_STATE, c.resume);
    zxc_expect_status("zx_vcpu_read_state.ERRORS.BAD_STATE.vcpu-wrong-thread",
                      "zx_vcpu_read_state from another thread",
                      ZX_ERR_BAD_STATE, c.read_state);
    zxc_expect_status("zx_vcpu_write_state.ERRORS.BAD_STATE.vcpu-wrong-thread",
                      "zx_vcpu_write_state from another thread",
                      ZX_ERR_BAD_STATE, c.write_state);
    /* The refused calls changed nothing: the owner thread still runs the VCPU. */
    zxc_resume_expect_exit(c.vcpu, "zx_vcpu_create.DESCRIPTION.vcpu-bound-thread-created");
}

static void *interrupt_from_other_thread(void *arg) {
    struct cross_thread_calls *c = arg;
    c->interrupt = ZX(zx_vcpu_interrupt)(c->vcpu, 32);
    return NULL;
}

ZXC_TEST(thread_interrupt_from_other_thread) {
    ZXC_COVERS("zx_vcpu_create.DESCRIPTION.vcpu-bound-thread-created");
    ZXC_COVERS("zx_vcpu_interrupt.DESCRIPTION.raises-interrupt-vector-vcpu");
    ZXC_COVERS("zx_vcpu_interrupt.DESCRIPTION.unlike-vcpu-calls-called");
    const char *clause = "zx_vcpu_interrupt.DESCRIPTION.unlike-vcpu-calls-called";
    struct zxc_guest g;
    struct cross_thread_calls c = {.vcpu = zxc_guest_with_vcpu(&g, ZXC_IMAGE(interrupt))};
    zxc_resume_expect_exit(c.vcpu, clause);
    pthread_t thread;
    pthread_create(&thread, NULL, interrupt_from_other_thread, &c);
    pthread_join(thread, NULL);
    zxc_expect_status(clause, "zx_vcpu_interrupt(32) from another thread", ZX_OK, c.interrupt);
    zxc_resume_expect_exit(c.vcpu, "zx_vcpu_interrupt.DESCRIPTION.raises-interrupt-vector-vcpu");
    zxc_expect_u64("zx_vcpu_interrupt.DESCRIPTION.raises-interrupt-vector-vcpu",
                   "vector the guest's ISR saw (rax)", 32,
                   zxc_read_state(c.vcpu).rax);
}

struct owner {
    struct zxc_guest guest;
    zx_handle_t vcpu;
};

static void *create_run_and_exit(void *arg) {
    struct owner *o = arg;
    o->vcpu = zxc_guest_with_vcpu(&o->guest, ZXC_IMAGE(interrupt));
    zxc_resume_expect_exit(o->vcpu, "zx_vcpu_resume.DESCRIPTION.starts-resumes-execution-vcpu");
    return NULL;
}

ZXC_TEST(thread_interrupt_and_close_after_owner_exits) {
    ZXC_COVERS("zx_vcpu_interrupt.DESCRIPTION.unlike-vcpu-calls-called");
    const char *clause = "zx_vcpu_interrupt.DESCRIPTION.unlike-vcpu-calls-called";
    struct owner o;
    pthread_t thread;
    pthread_create(&thread, NULL, create_run_and_exit, &o);
    pthread_join(thread, NULL);
    zxc_expect_status(clause, "zx_vcpu_interrupt(32) after the owner thread exited", ZX_OK,
                      ZX(zx_vcpu_interrupt)(o.vcpu, 32));
    zxc_expect_status(clause, "zx_handle_close of the VCPU after the owner thread exited",
                      ZX_OK, ZX(zx_handle_close)(o.vcpu));
}
