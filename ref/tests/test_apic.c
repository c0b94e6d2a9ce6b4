/* The x2APIC in user space: MSR exits answered by the library, a #GP for an unknown MSR, the
 * ICR's packet, the timer waking HLT, and a VCPU closed while its timer is armed. The guests
 * are guests/msr.S and guests/apic_timer.S. */
#include <string.h>
#include <unistd.h>

#include "ref_test.h"

#define REPORTED 0x600d /* guests/apic.inc: rbx of a guest that did what it was asked */
#define TIMER_DONE 0x100
#define LVT_ONE_SHOT 0u
#define LVT_PERIODIC (1u << 17)
#define DCR_DIVIDE_1 0xbu

/* guests/msr.S: r12 = MSR, r13 = value, r14 = 1 for WRMSR. */
static void setup_msr_access(struct fixture *f, uint32_t msr, bool write, uint64_t value) {
    fixture_setup(f, BLOB(msr));
    zx_vcpu_state_t state = read_state(f->vcpu);
    state.r12 = msr;
    state.r13 = value;
    state.r14 = write;
    ASSERT_OK(zx_vcpu_write_state(f->vcpu, ZX_VCPU_STATE, &state, sizeof(state)));
}

static uint64_t read_msr(uint32_t msr) {
    struct fixture f;
    setup_msr_access(&f, msr, false, 0);
    resume_and_clean_exit(&f);
    zx_vcpu_state_t state = read_state(f.vcpu);
    ck_assert_uint_eq(state.rbx, REPORTED);
    fixture_teardown(&f);
    return state.rdx << 32 | (uint32_t)state.rax;
}

START_TEST(apic_base_and_id) {
    ck_assert_uint_eq(read_msr(0x1b), 0xfee00d00); /* x2APIC + xAPIC enable, BSP */
    ck_assert_uint_eq(read_msr(0x802), 0);
}
END_TEST

START_TEST(unknown_msr_general_protection) {
    struct fixture f;
    setup_msr_access(&f, 0x4b560000, false, 0);
    resume_and_clean_exit(&f);
    ck_assert_uint_eq(read_state(f.vcpu).rax, 13); /* ISR 13 ran */
    fixture_teardown(&f);
}
END_TEST

START_TEST(icr_packet_then_guest_continues) {
    struct fixture f;
    setup_msr_access(&f, 0x830, true, 0x40041); /* fixed, self shorthand, vector 0x41 */
    zx_port_packet_t packet;
    ASSERT_OK(zx_vcpu_resume(f.vcpu, &packet));
    ck_assert_uint_eq(packet.type, ZX_PKT_TYPE_GUEST_VCPU);
    ck_assert_uint_eq(packet.guest_vcpu.type, ZX_PKT_GUEST_VCPU_INTERRUPT);
    ck_assert_uint_eq(packet.guest_vcpu.interrupt.mask, 1);
    ck_assert_uint_eq(packet.guest_vcpu.interrupt.vector, 0x41);
    resume_and_clean_exit(&f); /* the WRMSR is not repeated */
    ck_assert_uint_eq(read_state(f.vcpu).rbx, REPORTED);
    fixture_teardown(&f);
}
END_TEST

/* guests/apic_timer.S: vector 32 in `mode`, waited for in HLT until it came; returns the
 * ticks counted (a fast periodic timer may tick again before the guest exits). */
static uint64_t run_timer_guest(struct fixture *f, uint32_t mode, uint32_t count) {
    fixture_setup(f, BLOB(apic_timer));
    zx_vcpu_state_t state = read_state(f->vcpu);
    state.r12 = mode | 32;
    state.r13 = DCR_DIVIDE_1;
    state.r14 = count;
    state.r15 = 1;
    ASSERT_OK(zx_vcpu_write_state(f->vcpu, ZX_VCPU_STATE, &state, sizeof(state)));
    resume_and_clean_exit(f);
    state = read_state(f->vcpu);
    ck_assert_uint_eq(state.rax, TIMER_DONE);
    ck_assert_uint_ge(state.rbx, 1);
    return state.rbx;
}

START_TEST(timer_wakes_hlt) {
    struct fixture f;
    ck_assert_uint_eq(run_timer_guest(&f, LVT_ONE_SHOT, 10000000), 1);
    fixture_teardown(&f);
}
END_TEST

/* The timer thread must forget a VCPU that goes away with its periodic timer armed (ASan would
 * see it touch freed memory). A count of 1 tick is stretched to the minimum period: without
 * that, the timer thread would fire it without end and never let go of its lock. */
START_TEST(close_with_timer_armed) {
    struct fixture f;
    run_timer_guest(&f, LVT_PERIODIC, 1);
    usleep(20000);
    fixture_teardown(&f);
    usleep(50000);
}
END_TEST

Suite *apic_suite(void) {
    Suite *s = suite_create("apic");
    TCase *tc = tcase_create("apic");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, apic_base_and_id);
    tcase_add_test(tc, unknown_msr_general_protection);
    tcase_add_test(tc, icr_packet_then_guest_continues);
    tcase_add_test(tc, timer_wakes_hlt);
    tcase_add_test(tc, close_with_timer_armed);
    suite_add_tcase(s, tc);
    return s;
}
