/* The x2APIC in user space: MSR exits answered by the library, a #GP for an unknown MSR, the
 * ICR's packet, the timer waking HLT, and a VCPU closed while its timer is armed. */
#include <string.h>
#include <unistd.h>

#include "ref_test.h"

#define LVT_ONE_SHOT 0u
#define LVT_PERIODIC (1u << 17)

static void resume_expect(struct fixture *f, uint32_t type) {
    zx_port_packet_t packet;
    memset(&packet, 0, sizeof(packet));
    ASSERT_OK(zx_vcpu_resume(f->vcpu, &packet));
    ck_assert_uint_eq(packet.type, type);
}

START_TEST(apic_base_and_id) {
    struct fixture f;
    fixture_setup(&f, BLOB(guest_apic_ids));
    resume_and_clean_exit(&f);
    zx_vcpu_state_t state = read_state(f.vcpu);
    ck_assert_uint_eq(state.rbx, 0xfee00d00); /* x2APIC + xAPIC enable, BSP */
    ck_assert_uint_eq(state.rax, 0);
    fixture_teardown(&f);
}
END_TEST

START_TEST(unknown_msr_general_protection) {
    struct fixture f;
    fixture_setup(&f, BLOB(guest_msr_gp));
    resume_and_clean_exit(&f);
    ck_assert_uint_eq(read_state(f.vcpu).rax, 13);
    fixture_teardown(&f);
}
END_TEST

START_TEST(icr_packet_then_guest_continues) {
    struct fixture f;
    fixture_setup(&f, BLOB(guest_icr_self));
    zx_port_packet_t packet;
    ASSERT_OK(zx_vcpu_resume(f.vcpu, &packet));
    ck_assert_uint_eq(packet.type, ZX_PKT_TYPE_GUEST_VCPU);
    ck_assert_uint_eq(packet.guest_vcpu.type, ZX_PKT_GUEST_VCPU_INTERRUPT);
    ck_assert_uint_eq(packet.guest_vcpu.interrupt.mask, 1);
    ck_assert_uint_eq(packet.guest_vcpu.interrupt.vector, 0x41);
    resume_and_clean_exit(&f); /* the WRMSR is not repeated */
    fixture_teardown(&f);
}
END_TEST

static void run_timer_guest(struct fixture *f, uint32_t mode, uint32_t count) {
    fixture_setup(f, BLOB(guest_timer_hlt));
    zx_vcpu_state_t state = read_state(f->vcpu);
    state.rbx = mode;
    state.r12 = count;
    ASSERT_OK(zx_vcpu_write_state(f->vcpu, ZX_VCPU_STATE, &state, sizeof(state)));
    resume_expect(f, ZX_PKT_TYPE_GUEST_MEM);
    ck_assert_uint_eq(read_state(f->vcpu).rax, 32);
}

START_TEST(timer_wakes_hlt) {
    struct fixture f;
    run_timer_guest(&f, LVT_ONE_SHOT, 10000000);
    fixture_teardown(&f);
}
END_TEST

/* The timer thread must forget a VCPU that goes away with its periodic timer armed (ASan would
 * see it touch freed memory). */
START_TEST(close_with_timer_armed) {
    struct fixture f;
    run_timer_guest(&f, LVT_PERIODIC, 10000000);
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
