/* ZX_ERR_NO_MEMORY through zxconf_fail_allocations, and no leaks on those paths. */
#include "ref_test.h"

START_TEST(every_creating_call_fails_cleanly) {
    struct fixture f;
    fixture_setup(&f, BLOB(exit));
    int fds = count_fds();
    zx_handle_t h, port;
    ASSERT_OK(zx_port_create(0, &port));
    zx_port_packet_t packet = {0};
    struct {
        const char *call;
        zx_status_t status;
    } results[9];
    int n = 0;
#define TRY(expr) do { zxconf_fail_allocations(1); results[n].call = #expr; results[n++].status = (expr); } while (0)
    TRY(zx_event_create(0, &h));
    TRY(zx_port_create(0, &h));
    TRY(zx_vmo_create(PAGE, 0, &h));
    TRY(zxconf_hypervisor_resource(&h));
    TRY(zx_handle_duplicate(f.vmo, ZX_RIGHT_SAME_RIGHTS, &h));
    TRY(zx_port_queue(port, &packet));
    TRY(zx_guest_create(f.resource, 0, f.vmo, &h));
    TRY(zx_guest_set_trap(f.guest, ZX_GUEST_TRAP_IO, IO_PORT, 1, ZX_HANDLE_INVALID, 0));
    TRY(zx_vcpu_create(f.guest, 0, GUEST_ENTRY, &h));
#undef TRY
    zxconf_fail_allocations(0);
    for (int i = 0; i < n; i++)
        ck_assert_msg(results[i].status == ZX_ERR_NO_MEMORY, "%s: expected ZX_ERR_NO_MEMORY, got %d",
                      results[i].call, results[i].status);
    ck_assert_int_eq(count_fds(), fds + 0); /* nothing half-created stays open */
    ASSERT_STATUS(zx_port_wait(port, 0, &packet), ZX_ERR_TIMED_OUT);
    /* disarmed: everything works again */
    ASSERT_OK(zx_guest_set_trap(f.guest, ZX_GUEST_TRAP_IO, IO_PORT, 1, ZX_HANDLE_INVALID, 0));
    resume_and_clean_exit(&f);
    ASSERT_OK(zx_handle_close(port));
    fixture_teardown(&f);
}
END_TEST

START_TEST(count_fails_that_many) {
    zx_handle_t h[3];
    zxconf_fail_allocations(2);
    ASSERT_STATUS(zx_event_create(0, &h[0]), ZX_ERR_NO_MEMORY);
    ASSERT_STATUS(zx_event_create(0, &h[0]), ZX_ERR_NO_MEMORY);
    ASSERT_OK(zx_event_create(0, &h[0]));
    zxconf_fail_allocations(5);
    zxconf_fail_allocations(0);
    ASSERT_OK(zx_event_create(0, &h[1]));
    ASSERT_OK(zx_handle_close(h[0]));
    ASSERT_OK(zx_handle_close(h[1]));
}
END_TEST

Suite *fault_suite(void) {
    Suite *s = suite_create("fault_injection");
    TCase *t = tcase_create("no_memory");
    tcase_add_test(t, every_creating_call_fails_cleanly);
    tcase_add_test(t, count_fails_that_many);
    tcase_set_timeout(t, 120);
    suite_add_tcase(s, t);
    return s;
}
