/* Handles: values, rights, duplicate/replace/close, get_info, lookup order, thread safety. */
#include <pthread.h>

#include "ref_test.h"

static zx_info_handle_basic_t basic_info(zx_handle_t h) {
    zx_info_handle_basic_t info;
    size_t actual = 0, avail = 0;
    ASSERT_OK(zx_object_get_info(h, ZX_INFO_HANDLE_BASIC, &info, sizeof(info), &actual, &avail));
    ck_assert_uint_eq(actual, 1);
    ck_assert_uint_eq(avail, 1);
    return info;
}

START_TEST(values_have_low_bits_set_and_are_not_reused) {
    zx_handle_t a, b;
    ASSERT_OK(zx_event_create(0, &a));
    ck_assert_uint_eq(a & ZX_HANDLE_FIXED_BITS_MASK, ZX_HANDLE_FIXED_BITS_MASK);
    ASSERT_OK(zx_handle_close(a));
    ASSERT_OK(zx_event_create(0, &b));
    ck_assert_uint_ne(a, b);
    ck_assert_uint_eq(b & ZX_HANDLE_FIXED_BITS_MASK, ZX_HANDLE_FIXED_BITS_MASK);
    ASSERT_STATUS(zx_handle_close(a), ZX_ERR_BAD_HANDLE); /* the old value names nothing */
    ASSERT_OK(zx_handle_close(b));
}
END_TEST

START_TEST(close_rules) {
    ASSERT_OK(zx_handle_close(ZX_HANDLE_INVALID));
    ASSERT_STATUS(zx_handle_close(0x12345673), ZX_ERR_BAD_HANDLE);
    ASSERT_STATUS(zx_handle_close(0xFFFFFFFC), ZX_ERR_BAD_HANDLE); /* low bits clear */
}
END_TEST

START_TEST(default_rights_and_types) {
    struct {
        zx_handle_t h;
        zx_obj_type_t type;
        zx_rights_t rights;
    } cases[4];
    ASSERT_OK(zx_event_create(0, &cases[0].h));
    cases[0].type = ZX_OBJ_TYPE_EVENT, cases[0].rights = ZX_DEFAULT_EVENT_RIGHTS;
    ASSERT_OK(zx_port_create(0, &cases[1].h));
    cases[1].type = ZX_OBJ_TYPE_PORT, cases[1].rights = ZX_DEFAULT_PORT_RIGHTS;
    ASSERT_OK(zx_vmo_create(PAGE, 0, &cases[2].h));
    cases[2].type = ZX_OBJ_TYPE_VMO, cases[2].rights = ZX_DEFAULT_VMO_RIGHTS;
    ASSERT_OK(zxconf_hypervisor_resource(&cases[3].h));
    cases[3].type = ZX_OBJ_TYPE_RESOURCE, cases[3].rights = ZX_DEFAULT_RESOURCE_RIGHTS;
    for (int i = 0; i < 4; i++) {
        zx_info_handle_basic_t info = basic_info(cases[i].h);
        ck_assert_uint_eq(info.type, cases[i].type);
        ck_assert_uint_eq(info.rights, cases[i].rights);
        ck_assert_uint_ne(info.koid, ZX_KOID_INVALID);
        ASSERT_OK(zx_handle_close(cases[i].h));
    }
}
END_TEST

START_TEST(duplicate_rules) {
    zx_handle_t event, dup, weaker, none;
    ASSERT_OK(zx_event_create(0, &event));
    ASSERT_OK(zx_handle_duplicate(event, ZX_RIGHT_SAME_RIGHTS, &dup));
    ck_assert_uint_ne(dup, event);
    ck_assert_uint_eq(basic_info(dup).rights, ZX_DEFAULT_EVENT_RIGHTS);
    ck_assert_uint_eq(basic_info(dup).koid, basic_info(event).koid);
    ASSERT_OK(zx_handle_duplicate(event, ZX_RIGHT_TRANSFER, &weaker));
    ck_assert_uint_eq(basic_info(weaker).rights, ZX_RIGHT_TRANSFER);
    /* more rights than the source: INVALID_ARGS; no DUPLICATE right: ACCESS_DENIED */
    ASSERT_STATUS(zx_handle_duplicate(weaker, ZX_RIGHT_TRANSFER | ZX_RIGHT_READ, &none),
                  ZX_ERR_ACCESS_DENIED);
    ASSERT_STATUS(zx_handle_duplicate(event, ZX_RIGHT_READ, &none), ZX_ERR_INVALID_ARGS);
    ASSERT_STATUS(zx_handle_duplicate(0x7, ZX_RIGHT_SAME_RIGHTS, &none), ZX_ERR_BAD_HANDLE);
    ASSERT_STATUS(zx_handle_duplicate(event, ZX_RIGHT_SAME_RIGHTS, NULL), ZX_ERR_INVALID_ARGS);
    ASSERT_STATUS(zx_handle_duplicate(event, ZX_RIGHT_SAME_RIGHTS, readonly_page()),
                  ZX_ERR_INVALID_ARGS);
    ASSERT_STATUS(zx_handle_duplicate(event, ZX_RIGHT_SAME_RIGHTS, unmapped_page()),
                  ZX_ERR_INVALID_ARGS);
    ASSERT_OK(zx_handle_close(event));
    ASSERT_OK(zx_handle_close(dup));
    ASSERT_OK(zx_handle_close(weaker));
}
END_TEST

START_TEST(replace_rules) {
    zx_handle_t event, replaced, none;
    ASSERT_OK(zx_event_create(0, &event));
    ASSERT_STATUS(zx_handle_replace(event, ZX_RIGHT_READ, &none), ZX_ERR_INVALID_ARGS);
    ASSERT_STATUS(zx_handle_replace(event, ZX_RIGHT_SAME_RIGHTS, NULL), ZX_ERR_INVALID_ARGS);
    ASSERT_STATUS(zx_handle_replace(event, ZX_RIGHT_SAME_RIGHTS, readonly_page()),
                  ZX_ERR_INVALID_ARGS);
    basic_info(event); /* failures leave the original handle */
    ASSERT_OK(zx_handle_replace(event, ZX_RIGHT_TRANSFER, &replaced));
    ck_assert_uint_eq(basic_info(replaced).rights, ZX_RIGHT_TRANSFER);
    ASSERT_STATUS(zx_handle_close(event), ZX_ERR_BAD_HANDLE);
    ASSERT_STATUS(zx_handle_replace(event, ZX_RIGHT_SAME_RIGHTS, &none), ZX_ERR_BAD_HANDLE);
    ASSERT_OK(zx_handle_close(replaced));
}
END_TEST

START_TEST(get_info_rules) {
    zx_handle_t event;
    ASSERT_OK(zx_event_create(0, &event));
    zx_info_handle_basic_t info;
    size_t actual = 7, avail = 7;
    ASSERT_STATUS(zx_object_get_info(event, ZX_INFO_HANDLE_BASIC, &info, sizeof(info) - 1,
                                     &actual, &avail), ZX_ERR_BUFFER_TOO_SMALL);
    ck_assert_uint_eq(actual, 0);
    ck_assert_uint_eq(avail, 1);
    ASSERT_STATUS(zx_object_get_info(event, ZX_INFO_HANDLE_BASIC, NULL, sizeof(info), NULL, NULL),
                  ZX_ERR_INVALID_ARGS);
    ASSERT_STATUS(zx_object_get_info(event, ZX_INFO_HANDLE_BASIC, readonly_page(), sizeof(info),
                                     NULL, NULL), ZX_ERR_INVALID_ARGS);
    ASSERT_STATUS(zx_object_get_info(event, ZX_INFO_HANDLE_BASIC, &info, sizeof(info),
                                     readonly_page(), NULL), ZX_ERR_INVALID_ARGS);
    ASSERT_STATUS(zx_object_get_info(event, ZX_INFO_HANDLE_BASIC, &info, sizeof(info), NULL,
                                     unmapped_page()), ZX_ERR_INVALID_ARGS);
    ASSERT_STATUS(zx_object_get_info(event, 0xFFFF, &info, sizeof(info), NULL, NULL),
                  ZX_ERR_NOT_SUPPORTED);
    ASSERT_OK(zx_object_get_info(event, ZX_INFO_HANDLE_VALID, NULL, 0, NULL, NULL));
    ASSERT_STATUS(zx_object_get_info(0x7, ZX_INFO_HANDLE_BASIC, &info, sizeof(info), NULL, NULL),
                  ZX_ERR_BAD_HANDLE);
    ASSERT_OK(zx_handle_close(event));
}
END_TEST

/* Zircon's order: bad handle, then wrong type, then access denied. */
START_TEST(lookup_order) {
    zx_handle_t port, port_no_rights, vmo, vmo_no_rights;
    ASSERT_OK(zx_port_create(0, &port));
    ASSERT_OK(zx_handle_duplicate(port, ZX_RIGHT_DUPLICATE, &port_no_rights));
    ASSERT_OK(zx_vmo_create(PAGE, 0, &vmo));
    ASSERT_OK(zx_handle_duplicate(vmo, ZX_RIGHT_DUPLICATE, &vmo_no_rights));
    uint8_t byte;
    ASSERT_STATUS(zx_vmo_read(port_no_rights, &byte, 0, 1), ZX_ERR_WRONG_TYPE);
    ASSERT_STATUS(zx_vmo_read(vmo_no_rights, &byte, 0, 1), ZX_ERR_ACCESS_DENIED);
    ASSERT_STATUS(zx_vmo_read(vmo_no_rights ^ 0x100000, &byte, 0, 1), ZX_ERR_BAD_HANDLE);
    ASSERT_OK(zx_handle_close(port));
    ASSERT_OK(zx_handle_close(port_no_rights));
    ASSERT_OK(zx_handle_close(vmo));
    ASSERT_OK(zx_handle_close(vmo_no_rights));
}
END_TEST

static void *churn(void *arg) {
    (void)arg;
    for (int i = 0; i < 2000; i++) {
        zx_handle_t h, d;
        if (zx_event_create(0, &h) != ZX_OK || zx_handle_duplicate(h, ZX_RIGHT_SAME_RIGHTS, &d) ||
            zx_handle_close(h) != ZX_OK || zx_handle_close(d) != ZX_OK)
            return (void *)1;
    }
    return NULL;
}

START_TEST(thread_safe) {
    pthread_t threads[4];
    for (int i = 0; i < 4; i++)
        ck_assert_int_eq(pthread_create(&threads[i], NULL, churn, NULL), 0);
    for (int i = 0; i < 4; i++) {
        void *result;
        pthread_join(threads[i], &result);
        ck_assert_ptr_null(result);
    }
}
END_TEST

/* The table grows past any fixed size; lookups still find every handle, and a value closed
 * and created again many times over does not come back at once. */
START_TEST(many_live_handles) {
    enum { COUNT = 100000 };
    static zx_handle_t handles[COUNT];
    zx_handle_t event;
    ASSERT_OK(zx_event_create(0, &event));
    for (int i = 0; i < COUNT; i++) {
        ASSERT_OK(zx_handle_duplicate(event, ZX_RIGHT_SAME_RIGHTS, &handles[i]));
        ck_assert_uint_eq(handles[i] & ZX_HANDLE_FIXED_BITS_MASK, ZX_HANDLE_FIXED_BITS_MASK);
    }
    for (int i = 0; i < COUNT; i += 997)
        ck_assert_uint_eq(basic_info(handles[i]).koid, basic_info(event).koid);
    for (int i = 0; i < COUNT; i++)
        ASSERT_OK(zx_handle_close(handles[i]));
    ASSERT_STATUS(zx_handle_close(handles[COUNT / 2]), ZX_ERR_BAD_HANDLE);
    zx_handle_t first, again;
    ASSERT_OK(zx_handle_duplicate(event, ZX_RIGHT_SAME_RIGHTS, &first));
    ASSERT_OK(zx_handle_close(first));
    for (int i = 0; i < 1000; i++) {
        ASSERT_OK(zx_handle_duplicate(event, ZX_RIGHT_SAME_RIGHTS, &again));
        ck_assert_uint_ne(again, first);
        ASSERT_OK(zx_handle_close(again));
    }
    ASSERT_OK(zx_handle_close(event));
}
END_TEST

Suite *handle_suite(void) {
    Suite *s = suite_create("handles");
    TCase *t = tcase_create("handles");
    tcase_add_test(t, values_have_low_bits_set_and_are_not_reused);
    tcase_add_test(t, close_rules);
    tcase_add_test(t, default_rights_and_types);
    tcase_add_test(t, duplicate_rules);
    tcase_add_test(t, replace_rules);
    tcase_add_test(t, get_info_rules);
    tcase_add_test(t, lookup_order);
    tcase_add_test(t, thread_safe);
    tcase_add_test(t, many_live_handles);
    tcase_set_timeout(t, 60);
    suite_add_tcase(s, t);
    return s;
}
