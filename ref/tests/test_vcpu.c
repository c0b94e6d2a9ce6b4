/* VCPU state access, its rules, and the thread binding. */
#include <string.h>

#include "ref_test.h"

#define X86_FLAGS_USER 0x244DD5ull

START_TEST(start_state) {
    struct fixture f;
    fixture_setup(&f, BLOB(exit));
    zx_vcpu_state_t state = read_state(f.vcpu);
    ck_assert_uint_eq(state.rsp, 0);
    ck_assert_uint_eq(state.rflags, 0); /* 0x2, masked to the user bits */
    fixture_teardown(&f);
}
END_TEST

START_TEST(write_read_state) {
    struct fixture f;
    fixture_setup(&f, BLOB(exit));
    zx_vcpu_state_t state;
    uint64_t *regs = (uint64_t *)&state;
    for (int i = 0; i < 16; i++)
        regs[i] = 0x1111111111111111ull * (uint64_t)(i + 1);
    state.rflags = 0x1 | 0x2 | 0x400 | 0x200; /* CF, reserved one, DF, IF (not a user bit) */
    ASSERT_OK(zx_vcpu_write_state(f.vcpu, ZX_VCPU_STATE, &state, sizeof(state)));
    zx_vcpu_state_t got = read_state(f.vcpu);
    ck_assert_mem_eq(&got, &state, 16 * sizeof(uint64_t));
    ck_assert_uint_eq(got.rflags, 0x401);
    /* without bit 1 the value is ignored */
    state.rflags = X86_FLAGS_USER;
    ASSERT_OK(zx_vcpu_write_state(f.vcpu, ZX_VCPU_STATE, &state, sizeof(state)));
    ck_assert_uint_eq(read_state(f.vcpu).rflags, 0x401);
    state.rflags = 0x2 | (X86_FLAGS_USER & ~0x100ull); /* all user bits but TF */
    ASSERT_OK(zx_vcpu_write_state(f.vcpu, ZX_VCPU_STATE, &state, sizeof(state)));
    ck_assert_uint_eq(read_state(f.vcpu).rflags, X86_FLAGS_USER & ~0x100ull);
    fixture_teardown(&f);
}
END_TEST

START_TEST(state_argument_rules) {
    struct fixture f;
    fixture_setup(&f, BLOB(exit));
    zx_vcpu_state_t state = read_state(f.vcpu);
    uint8_t big[sizeof(state) + 8] = {0};
    ASSERT_STATUS(zx_vcpu_read_state(f.vcpu, ZX_VCPU_STATE, &state, sizeof(state) - 1), ZX_ERR_INVALID_ARGS);
    ASSERT_STATUS(zx_vcpu_read_state(f.vcpu, ZX_VCPU_STATE, big, sizeof(big)), ZX_ERR_INVALID_ARGS);
    ASSERT_STATUS(zx_vcpu_read_state(f.vcpu, ZX_VCPU_IO, &state, sizeof(zx_vcpu_io_t)), ZX_ERR_INVALID_ARGS);
    ASSERT_STATUS(zx_vcpu_read_state(f.vcpu, 7, &state, sizeof(state)), ZX_ERR_INVALID_ARGS);
    ASSERT_STATUS(zx_vcpu_read_state(f.vcpu, ZX_VCPU_STATE, NULL, sizeof(state)), ZX_ERR_INVALID_ARGS);
    ASSERT_STATUS(zx_vcpu_read_state(f.vcpu, ZX_VCPU_STATE, readonly_page(), sizeof(state)), ZX_ERR_INVALID_ARGS);
    ASSERT_STATUS(zx_vcpu_read_state(f.vcpu, ZX_VCPU_STATE, unmapped_page(), sizeof(state)), ZX_ERR_INVALID_ARGS);
    ASSERT_STATUS(zx_vcpu_write_state(f.vcpu, ZX_VCPU_STATE, &state, sizeof(state) - 8), ZX_ERR_INVALID_ARGS);
    ASSERT_STATUS(zx_vcpu_write_state(f.vcpu, ZX_VCPU_STATE, big, sizeof(big)), ZX_ERR_INVALID_ARGS);
    ASSERT_STATUS(zx_vcpu_write_state(f.vcpu, 7, &state, sizeof(state)), ZX_ERR_INVALID_ARGS);
    ASSERT_STATUS(zx_vcpu_write_state(f.vcpu, ZX_VCPU_STATE, NULL, sizeof(state)), ZX_ERR_INVALID_ARGS);
    ASSERT_STATUS(zx_vcpu_write_state(f.vcpu, ZX_VCPU_STATE, unmapped_page(), sizeof(state)), ZX_ERR_INVALID_ARGS);
    ASSERT_OK(zx_vcpu_write_state(f.vcpu, ZX_VCPU_STATE, readonly_page(), sizeof(state)));
    /* ZX_VCPU_IO: access sizes 1, 2 and 4 only; exact size */
    for (unsigned size = 0; size < 256; size++) {
        zx_vcpu_io_t io = {.access_size = (uint8_t)size};
        zx_status_t expected = size == 1 || size == 2 || size == 4 ? ZX_OK : ZX_ERR_INVALID_ARGS;
        ASSERT_STATUS(zx_vcpu_write_state(f.vcpu, ZX_VCPU_IO, &io, sizeof(io)), expected);
    }
    zx_vcpu_io_t io = {.access_size = 1};
    ASSERT_STATUS(zx_vcpu_write_state(f.vcpu, ZX_VCPU_IO, &io, sizeof(io) - 1), ZX_ERR_INVALID_ARGS);
    /* handles and rights */
    zx_handle_t no_rights, event;
    ASSERT_OK(zx_handle_duplicate(f.vcpu, ZX_RIGHT_DUPLICATE, &no_rights));
    ASSERT_OK(zx_event_create(0, &event));
    zx_port_packet_t packet;
    ASSERT_STATUS(zx_vcpu_read_state(no_rights, ZX_VCPU_STATE, &state, sizeof(state)), ZX_ERR_ACCESS_DENIED);
    ASSERT_STATUS(zx_vcpu_write_state(no_rights, ZX_VCPU_STATE, &state, sizeof(state)), ZX_ERR_ACCESS_DENIED);
    ASSERT_STATUS(zx_vcpu_resume(no_rights, &packet), ZX_ERR_ACCESS_DENIED);
    ASSERT_STATUS(zx_vcpu_interrupt(no_rights, 32), ZX_ERR_ACCESS_DENIED);
    ASSERT_STATUS(zx_vcpu_read_state(event, ZX_VCPU_STATE, &state, sizeof(state)), ZX_ERR_WRONG_TYPE);
    ASSERT_STATUS(zx_vcpu_write_state(event, ZX_VCPU_STATE, &state, sizeof(state)), ZX_ERR_WRONG_TYPE);
    ASSERT_STATUS(zx_vcpu_resume(event, &packet), ZX_ERR_WRONG_TYPE);
    ASSERT_STATUS(zx_vcpu_interrupt(event, 32), ZX_ERR_WRONG_TYPE);
    ASSERT_STATUS(zx_vcpu_read_state(0x7, ZX_VCPU_STATE, &state, sizeof(state)), ZX_ERR_BAD_HANDLE);
    ASSERT_STATUS(zx_vcpu_write_state(0x7, ZX_VCPU_STATE, &state, sizeof(state)), ZX_ERR_BAD_HANDLE);
    ASSERT_STATUS(zx_vcpu_resume(0x7, &packet), ZX_ERR_BAD_HANDLE);
    ASSERT_STATUS(zx_vcpu_interrupt(0x7, 32), ZX_ERR_BAD_HANDLE);
    ASSERT_STATUS(zx_vcpu_interrupt(f.vcpu, 256), ZX_ERR_OUT_OF_RANGE);
    ASSERT_STATUS(zx_vcpu_interrupt(f.vcpu, UINT32_MAX), ZX_ERR_OUT_OF_RANGE);
    ASSERT_STATUS(zx_vcpu_resume(f.vcpu, NULL), ZX_ERR_INVALID_ARGS);
    ASSERT_STATUS(zx_vcpu_resume(f.vcpu, readonly_page()), ZX_ERR_INVALID_ARGS);
    resume_and_clean_exit(&f); /* the bad packet pointers did not run the guest */
    ASSERT_OK(zx_handle_close(no_rights));
    ASSERT_OK(zx_handle_close(event));
    fixture_teardown(&f);
}
END_TEST

static void other_thread_calls(void *arg) {
    struct fixture *f = arg;
    zx_vcpu_state_t state = {.rax = 99, .rflags = 0x3};
    zx_port_packet_t packet;
    zx_vcpu_io_t io = {.access_size = 1};
    ASSERT_STATUS(zx_vcpu_resume(f->vcpu, &packet), ZX_ERR_BAD_STATE);
    ASSERT_STATUS(zx_vcpu_read_state(f->vcpu, ZX_VCPU_STATE, &state, sizeof(state)), ZX_ERR_BAD_STATE);
    ASSERT_STATUS(zx_vcpu_write_state(f->vcpu, ZX_VCPU_STATE, &state, sizeof(state)), ZX_ERR_BAD_STATE);
    ASSERT_STATUS(zx_vcpu_write_state(f->vcpu, ZX_VCPU_IO, &io, sizeof(io)), ZX_ERR_BAD_STATE);
    ck_assert_uint_eq(state.rax, 99); /* nothing was read */
    ASSERT_OK(zx_vcpu_interrupt(f->vcpu, 32));
}

START_TEST(bound_to_creating_thread) {
    struct fixture f;
    fixture_setup(&f, BLOB(exit));
    zx_vcpu_state_t before = read_state(f.vcpu);
    run_on_thread(other_thread_calls, &f);
    zx_vcpu_state_t after = read_state(f.vcpu);
    ck_assert_mem_eq(&before, &after, sizeof(before)); /* untouched */
    resume_and_clean_exit(&f);                          /* and still runs */
    fixture_teardown(&f);
}
END_TEST

struct made_on_thread {
    zx_handle_t guest, vcpu;
};
static void create_vcpu(void *arg) {
    struct made_on_thread *m = arg;
    ASSERT_OK(zx_vcpu_create(m->guest, 0, GUEST_ENTRY, &m->vcpu));
}

/* Interrupt and close work after the owner thread has exited; resume does not. */
START_TEST(interrupt_after_owner_exited) {
    struct fixture f;
    fixture_setup(&f, BLOB(exit));
    ASSERT_OK(zx_handle_close(f.vcpu));
    struct made_on_thread m = {.guest = f.guest};
    run_on_thread(create_vcpu, &m);
    ASSERT_OK(zx_vcpu_interrupt(m.vcpu, 32));
    ASSERT_OK(zx_vcpu_interrupt(m.vcpu, 2));
    zx_port_packet_t packet;
    ASSERT_STATUS(zx_vcpu_resume(m.vcpu, &packet), ZX_ERR_BAD_STATE);
    f.vcpu = m.vcpu;
    fixture_teardown(&f);
}
END_TEST

Suite *vcpu_suite(void) {
    Suite *s = suite_create("vcpu");
    TCase *t = tcase_create("vcpu");
    tcase_add_test(t, start_state);
    tcase_add_test(t, write_read_state);
    tcase_add_test(t, state_argument_rules);
    tcase_add_test(t, bound_to_creating_thread);
    tcase_add_test(t, interrupt_after_owner_exited);
    tcase_set_timeout(t, 120);
    suite_add_tcase(s, t);
    return s;
}
