/* VMOs, ports and events: creation, data, ranges, rights, pointers. */
#include <string.h>

#include "ref_test.h"

START_TEST(vmo_create_rules) {
    zx_handle_t vmo;
    uint64_t size = 0;
    ASSERT_STATUS(zx_vmo_create(PAGE, 1, &vmo), ZX_ERR_INVALID_ARGS);
    ASSERT_STATUS(zx_vmo_create(PAGE, 0, NULL), ZX_ERR_INVALID_ARGS);
    ASSERT_STATUS(zx_vmo_create(PAGE, 0, readonly_page()), ZX_ERR_INVALID_ARGS);
    ASSERT_OK(zx_vmo_create(100, 0, &vmo));
    ASSERT_OK(zx_vmo_get_size(vmo, &size));
    ck_assert_uint_eq(size, PAGE); /* rounded up to pages */
    ASSERT_STATUS(zx_vmo_get_size(vmo, NULL), ZX_ERR_INVALID_ARGS);
    ASSERT_STATUS(zx_vmo_get_size(vmo, readonly_page()), ZX_ERR_INVALID_ARGS);
    ASSERT_OK(zx_handle_close(vmo));
    ASSERT_STATUS(zx_vmo_create(UINT64_MAX, 0, &vmo), ZX_ERR_OUT_OF_RANGE);
}
END_TEST

START_TEST(vmo_read_write) {
    zx_handle_t vmo, read_only, write_only, event;
    ASSERT_OK(zx_vmo_create(2 * PAGE, 0, &vmo));
    char out[16] = "hello, vmo", in[16] = {0};
    ASSERT_OK(zx_vmo_write(vmo, out, PAGE - 4, sizeof(out)));
    ASSERT_OK(zx_vmo_read(vmo, in, PAGE - 4, sizeof(in)));
    ck_assert_mem_eq(in, out, sizeof(out));
    ASSERT_OK(zx_vmo_read(vmo, NULL, 0, 0));
    ASSERT_STATUS(zx_vmo_read(vmo, in, 2 * PAGE - 1, 2), ZX_ERR_OUT_OF_RANGE);
    ASSERT_STATUS(zx_vmo_write(vmo, out, UINT64_MAX, 2), ZX_ERR_OUT_OF_RANGE);
    ASSERT_STATUS(zx_vmo_read(vmo, NULL, 0, 4), ZX_ERR_INVALID_ARGS);
    ASSERT_STATUS(zx_vmo_read(vmo, unmapped_page(), 0, 4), ZX_ERR_INVALID_ARGS);
    ASSERT_STATUS(zx_vmo_read(vmo, readonly_page(), 0, 4), ZX_ERR_INVALID_ARGS);
    ASSERT_STATUS(zx_vmo_write(vmo, NULL, 0, 4), ZX_ERR_INVALID_ARGS);
    ASSERT_STATUS(zx_vmo_write(vmo, unmapped_page(), 0, 4), ZX_ERR_INVALID_ARGS);
    ASSERT_OK(zx_vmo_write(vmo, readonly_page(), 0, 4)); /* reading from it is fine */
    ASSERT_OK(zx_handle_duplicate(vmo, ZX_RIGHT_READ, &read_only));
    ASSERT_OK(zx_handle_duplicate(vmo, ZX_RIGHT_WRITE, &write_only));
    ASSERT_STATUS(zx_vmo_write(read_only, out, 0, 1), ZX_ERR_ACCESS_DENIED);
    ASSERT_STATUS(zx_vmo_read(write_only, in, 0, 1), ZX_ERR_ACCESS_DENIED);
    ASSERT_OK(zx_event_create(0, &event));
    ASSERT_STATUS(zx_vmo_read(event, in, 0, 1), ZX_ERR_WRONG_TYPE);
    ASSERT_STATUS(zx_vmo_get_size(event, (uint64_t *)in), ZX_ERR_WRONG_TYPE);
    ASSERT_STATUS(zx_vmo_write(0x7, out, 0, 1), ZX_ERR_BAD_HANDLE);
    zx_handle_t handles[] = {vmo, read_only, write_only, event};
    for (size_t i = 0; i < 4; i++)
        ASSERT_OK(zx_handle_close(handles[i]));
}
END_TEST

START_TEST(port_queue_wait) {
    zx_handle_t port;
    ASSERT_STATUS(zx_port_create(2, &port), ZX_ERR_INVALID_ARGS);
    ASSERT_STATUS(zx_port_create(0, NULL), ZX_ERR_INVALID_ARGS);
    ASSERT_OK(zx_port_create(0, &port));
    zx_port_packet_t packet = {.key = 1, .type = 0x55, .status = -3};
    packet.user.u64[0] = 0xABCD;
    ASSERT_OK(zx_port_queue(port, &packet));
    packet.key = 2;
    ASSERT_OK(zx_port_queue(port, &packet));
    zx_port_packet_t got;
    ASSERT_OK(zx_port_wait(port, ZX_TIME_INFINITE, &got));
    ck_assert_uint_eq(got.key, 1); /* FIFO */
    ck_assert_uint_eq(got.type, ZX_PKT_TYPE_USER);
    ck_assert_int_eq(got.status, -3);
    ck_assert_uint_eq(got.user.u64[0], 0xABCD);
    ASSERT_STATUS(zx_port_wait(port, 0, NULL), ZX_ERR_INVALID_ARGS);
    ASSERT_STATUS(zx_port_wait(port, 0, readonly_page()), ZX_ERR_INVALID_ARGS);
    ASSERT_OK(zx_port_wait(port, 0, &got)); /* the bad pointers did not lose it */
    ck_assert_uint_eq(got.key, 2);
    ASSERT_STATUS(zx_port_wait(port, 0, &got), ZX_ERR_TIMED_OUT);
    ASSERT_STATUS(zx_port_queue(port, NULL), ZX_ERR_INVALID_ARGS);
    ASSERT_STATUS(zx_port_queue(port, unmapped_page()), ZX_ERR_INVALID_ARGS);
    zx_handle_t no_read, no_write;
    ASSERT_OK(zx_handle_duplicate(port, ZX_RIGHT_WRITE, &no_read));
    ASSERT_OK(zx_handle_duplicate(port, ZX_RIGHT_READ, &no_write));
    ASSERT_STATUS(zx_port_wait(no_read, 0, &got), ZX_ERR_ACCESS_DENIED);
    ASSERT_STATUS(zx_port_queue(no_write, &packet), ZX_ERR_ACCESS_DENIED);
    ASSERT_OK(zx_handle_close(no_read));
    ASSERT_OK(zx_handle_close(no_write));
    ASSERT_OK(zx_handle_close(port));
}
END_TEST

START_TEST(port_full_of_user_packets) {
    zx_handle_t port;
    ASSERT_OK(zx_port_create(0, &port));
    zx_port_packet_t packet = {.key = 9};
    int queued = 0;
    zx_status_t status;
    while ((status = zx_port_queue(port, &packet)) == ZX_OK)
        queued++;
    ck_assert_int_eq(status, ZX_ERR_SHOULD_WAIT);
    ck_assert_int_gt(queued, 1000);
    ASSERT_OK(zx_handle_close(port)); /* frees them all */
}
END_TEST

START_TEST(event_create_rules) {
    zx_handle_t event;
    ASSERT_STATUS(zx_event_create(1, &event), ZX_ERR_INVALID_ARGS);
    ASSERT_STATUS(zx_event_create(0, NULL), ZX_ERR_INVALID_ARGS);
    ASSERT_STATUS(zx_event_create(0, unmapped_page()), ZX_ERR_INVALID_ARGS);
    ASSERT_STATUS(zxconf_hypervisor_resource(NULL), ZX_ERR_INVALID_ARGS);
}
END_TEST

Suite *vmo_port_suite(void) {
    Suite *s = suite_create("vmo_port_event");
    TCase *t = tcase_create("objects");
    tcase_add_test(t, vmo_create_rules);
    tcase_add_test(t, vmo_read_write);
    tcase_add_test(t, port_queue_wait);
    tcase_add_test(t, port_full_of_user_packets);
    tcase_add_test(t, event_create_rules);
    tcase_set_timeout(t, 60);
    suite_add_tcase(s, t);
    return s;
}
