/* zx_guest_create, zx_guest_set_trap, zx_vcpu_create: argument, handle and rights rules;
 * object lifetime and fd leaks. */
#include <string.h>

#include "ref_test.h"

static zx_rights_t rights_of(zx_handle_t h) {
    zx_info_handle_basic_t info;
    ASSERT_OK(zx_object_get_info(h, ZX_INFO_HANDLE_BASIC, &info, sizeof(info), NULL, NULL));
    return info.rights;
}

START_TEST(guest_create_rules) {
    zx_handle_t resource, vmo, vmo_no_exec, event, guest;
    ASSERT_OK(zxconf_hypervisor_resource(&resource));
    ASSERT_OK(zx_vmo_create(VMO_SIZE, 0, &vmo));
    ASSERT_OK(zx_event_create(0, &event));
    ASSERT_OK(zx_handle_duplicate(vmo, ZX_RIGHT_READ | ZX_RIGHT_WRITE | ZX_RIGHT_MAP, &vmo_no_exec));
    /* options first, before any handle is looked up */
    ASSERT_STATUS(zx_guest_create(0x7, 1, 0x7, &guest), ZX_ERR_INVALID_ARGS);
    ASSERT_STATUS(zx_guest_create(0x7, 0, vmo, &guest), ZX_ERR_BAD_HANDLE);
    ASSERT_STATUS(zx_guest_create(event, 0, vmo, &guest), ZX_ERR_WRONG_TYPE);
    ASSERT_STATUS(zx_guest_create(resource, 0, 0x7, &guest), ZX_ERR_BAD_HANDLE);
    ASSERT_STATUS(zx_guest_create(resource, 0, event, &guest), ZX_ERR_WRONG_TYPE);
    ASSERT_STATUS(zx_guest_create(resource, 0, vmo_no_exec, &guest), ZX_ERR_ACCESS_DENIED);
    ASSERT_STATUS(zx_guest_create(resource, 0, vmo, NULL), ZX_ERR_INVALID_ARGS);
    ASSERT_STATUS(zx_guest_create(resource, 0, vmo, readonly_page()), ZX_ERR_INVALID_ARGS);
    ASSERT_STATUS(zx_guest_create(resource, 0, vmo, unmapped_page()), ZX_ERR_INVALID_ARGS);
    ASSERT_OK(zx_guest_create(resource, 0, vmo, &guest));
    ck_assert_uint_eq(rights_of(guest), ZX_DEFAULT_GUEST_RIGHTS);
    ck_assert_uint_eq(rights_of(guest), 0x0002800B);
    zx_handle_t handles[] = {guest, vmo_no_exec, event, vmo, resource};
    for (size_t i = 0; i < 5; i++)
        ASSERT_OK(zx_handle_close(handles[i]));
}
END_TEST

START_TEST(set_trap_rules) {
    struct fixture f;
    fixture_setup(&f, BLOB(exit));
    zx_handle_t port, port_no_write, guest_no_write, event;
    ASSERT_OK(zx_port_create(0, &port));
    ASSERT_OK(zx_handle_duplicate(port, ZX_RIGHT_READ, &port_no_write));
    ASSERT_OK(zx_handle_duplicate(f.guest, ZX_RIGHT_DUPLICATE, &guest_no_write));
    ASSERT_OK(zx_event_create(0, &event));
    const zx_handle_t none = ZX_HANDLE_INVALID;
    const uint32_t MEM = ZX_GUEST_TRAP_MEM, BELL = ZX_GUEST_TRAP_BELL, IO = ZX_GUEST_TRAP_IO;
    /* handles */
    ASSERT_STATUS(zx_guest_set_trap(0x7, MEM, 0, PAGE, none, 0), ZX_ERR_BAD_HANDLE);
    ASSERT_STATUS(zx_guest_set_trap(event, MEM, 0, PAGE, none, 0), ZX_ERR_WRONG_TYPE);
    ASSERT_STATUS(zx_guest_set_trap(guest_no_write, MEM, 0, PAGE, none, 0), ZX_ERR_ACCESS_DENIED);
    ASSERT_STATUS(zx_guest_set_trap(f.guest, BELL, 0, PAGE, 0x7, 0), ZX_ERR_BAD_HANDLE);
    ASSERT_STATUS(zx_guest_set_trap(f.guest, BELL, 0, PAGE, event, 0), ZX_ERR_WRONG_TYPE);
    ASSERT_STATUS(zx_guest_set_trap(f.guest, BELL, 0, PAGE, port_no_write, 0), ZX_ERR_ACCESS_DENIED);
    /* len 0, overflow */
    ASSERT_STATUS(zx_guest_set_trap(f.guest, MEM, 0, 0, none, 0), ZX_ERR_INVALID_ARGS);
    ASSERT_STATUS(zx_guest_set_trap(f.guest, IO, 0, 0, none, 0), ZX_ERR_INVALID_ARGS);
    ASSERT_STATUS(zx_guest_set_trap(f.guest, MEM, -(uintptr_t)PAGE, 2 * PAGE, none, 0),
                  ZX_ERR_OUT_OF_RANGE);
    /* port required or forbidden by kind; unknown kind */
    ASSERT_STATUS(zx_guest_set_trap(f.guest, MEM, 0x10000, PAGE, port, 0), ZX_ERR_INVALID_ARGS);
    ASSERT_STATUS(zx_guest_set_trap(f.guest, BELL, 0x10000, PAGE, none, 0), ZX_ERR_INVALID_ARGS);
    ASSERT_STATUS(zx_guest_set_trap(f.guest, IO, 0x10, 1, port, 0), ZX_ERR_INVALID_ARGS);
    ASSERT_STATUS(zx_guest_set_trap(f.guest, 3, 0x10000, PAGE, none, 0), ZX_ERR_INVALID_ARGS);
    /* IO space ends at 0xFFFF */
    ASSERT_STATUS(zx_guest_set_trap(f.guest, IO, 0xFFFF, 1, none, 0), ZX_ERR_OUT_OF_RANGE);
    ASSERT_STATUS(zx_guest_set_trap(f.guest, IO, 0xFFF0, 0x100, none, 0), ZX_ERR_OUT_OF_RANGE);
    ASSERT_OK(zx_guest_set_trap(f.guest, IO, 0xFFFE, 1, none, 0));
    /* page alignment for MEM and BELL */
    ASSERT_STATUS(zx_guest_set_trap(f.guest, MEM, 0x10001, PAGE, none, 0), ZX_ERR_INVALID_ARGS);
    ASSERT_STATUS(zx_guest_set_trap(f.guest, MEM, 0x10000, 1, none, 0), ZX_ERR_INVALID_ARGS);
    ASSERT_STATUS(zx_guest_set_trap(f.guest, BELL, 0x10000, 1, port, 0), ZX_ERR_INVALID_ARGS);
    ASSERT_OK(zx_guest_set_trap(f.guest, IO, 0x101, 3, none, 0)); /* IO: no alignment */
    /* duplicate start address: MEM and BELL share a space, IO has its own */
    ASSERT_OK(zx_guest_set_trap(f.guest, MEM, 0x10000, PAGE, none, 0));
    ASSERT_STATUS(zx_guest_set_trap(f.guest, MEM, 0x10000, 2 * PAGE, none, 0),
                  ZX_ERR_ALREADY_EXISTS);
    ASSERT_STATUS(zx_guest_set_trap(f.guest, BELL, 0x10000, PAGE, port, 0), ZX_ERR_ALREADY_EXISTS);
    ASSERT_OK(zx_guest_set_trap(f.guest, MEM, 0x8000, PAGE, none, 0));
    ASSERT_OK(zx_guest_set_trap(f.guest, IO, 0x8000, 1, none, 0));
    ASSERT_STATUS(zx_guest_set_trap(f.guest, IO, 0x101, 1, none, 0), ZX_ERR_ALREADY_EXISTS);
    ASSERT_OK(zx_guest_set_trap(f.guest, BELL, 0x50000, PAGE, port, 0));
    ASSERT_OK(zx_guest_set_trap(f.guest, MEM, 0x80000000, PAGE, none, 0)); /* beyond memory */
    resume_and_clean_exit(&f); /* the memory slots still work after the splits */
    zx_handle_t handles[] = {port, port_no_write, guest_no_write, event};
    for (size_t i = 0; i < 4; i++)
        ASSERT_OK(zx_handle_close(handles[i]));
    fixture_teardown(&f);
}
END_TEST

START_TEST(vcpu_create_rules) {
    struct fixture f;
    fixture_setup(&f, BLOB(exit));
    zx_handle_t vcpu, guest_no_write, event;
    ASSERT_OK(zx_handle_duplicate(f.guest, ZX_RIGHT_DUPLICATE, &guest_no_write));
    ASSERT_OK(zx_event_create(0, &event));
    ASSERT_STATUS(zx_vcpu_create(0x7, 1, 0, &vcpu), ZX_ERR_INVALID_ARGS); /* options first */
    ASSERT_STATUS(zx_vcpu_create(0x7, 0, 0, &vcpu), ZX_ERR_BAD_HANDLE);
    ASSERT_STATUS(zx_vcpu_create(event, 0, 0, &vcpu), ZX_ERR_WRONG_TYPE);
    ASSERT_STATUS(zx_vcpu_create(guest_no_write, 0, 0, &vcpu), ZX_ERR_ACCESS_DENIED);
    ASSERT_STATUS(zx_vcpu_create(f.guest, 0, 1ull << 48, &vcpu), ZX_ERR_INVALID_ARGS);
    ASSERT_STATUS(zx_vcpu_create(f.guest, 0, UINT64_MAX, &vcpu), ZX_ERR_INVALID_ARGS);
    ASSERT_STATUS(zx_vcpu_create(f.guest, 0, 0, NULL), ZX_ERR_INVALID_ARGS);
    ASSERT_STATUS(zx_vcpu_create(f.guest, 0, 0, readonly_page()), ZX_ERR_INVALID_ARGS);
    ck_assert_uint_eq(rights_of(f.vcpu), ZX_DEFAULT_VCPU_RIGHTS);
    ck_assert_uint_eq(rights_of(f.vcpu), 0x0000D01F);
    /* 64 VCPUs per guest; the 65th fails, and closing one frees its VPID */
    zx_handle_t vcpus[63];
    for (int i = 0; i < 63; i++)
        ASSERT_OK(zx_vcpu_create(f.guest, 0, i == 0 ? (1ull << 48) - 1 : 0, &vcpus[i]));
    ASSERT_STATUS(zx_vcpu_create(f.guest, 0, 0, &vcpu), ZX_ERR_NO_RESOURCES);
    ASSERT_OK(zx_handle_close(vcpus[5]));
    ASSERT_OK(zx_vcpu_create(f.guest, 0, 0, &vcpus[5]));
    for (int i = 0; i < 63; i++)
        ASSERT_OK(zx_handle_close(vcpus[i]));
    ASSERT_OK(zx_handle_close(guest_no_write));
    ASSERT_OK(zx_handle_close(event));
    fixture_teardown(&f);
}
END_TEST

/* A guest stays alive while a VCPU needs it, and its VMO while the guest needs it. */
START_TEST(objects_live_while_needed) {
    struct fixture f;
    fixture_setup(&f, BLOB(exit));
    ASSERT_OK(zx_handle_close(f.guest));
    ASSERT_OK(zx_handle_close(f.vmo));
    resume_and_clean_exit(&f);
    ASSERT_OK(zx_handle_close(f.vcpu));
    ASSERT_OK(zx_handle_close(f.resource));
}
END_TEST

/* Tearing down a guest with VCPUs, traps and ports leaves no fd behind. */
START_TEST(no_fd_leak) {
    int before = count_fds();
    for (int round = 0; round < 3; round++) {
        struct fixture f;
        fixture_setup(&f, BLOB(exit));
        zx_handle_t port, vcpu2;
        ASSERT_OK(zx_port_create(0, &port));
        ASSERT_OK(zx_guest_set_trap(f.guest, ZX_GUEST_TRAP_BELL, TRAP_ADDR, PAGE, port, 1));
        ASSERT_OK(zx_guest_set_trap(f.guest, ZX_GUEST_TRAP_IO, IO_PORT, 1, ZX_HANDLE_INVALID, 2));
        ASSERT_OK(zx_vcpu_create(f.guest, 0, AP_ENTRY, &vcpu2));
        resume_and_clean_exit(&f);
        ck_assert_int_gt(count_fds(), before);
        ASSERT_OK(zx_handle_close(vcpu2));
        ASSERT_OK(zx_handle_close(port));
        fixture_teardown(&f);
    }
    ck_assert_int_eq(count_fds(), before);
}
END_TEST

Suite *guest_suite(void) {
    Suite *s = suite_create("guest");
    TCase *t = tcase_create("guest");
    tcase_add_test(t, guest_create_rules);
    tcase_add_test(t, set_trap_rules);
    tcase_add_test(t, vcpu_create_rules);
    tcase_add_test(t, objects_live_while_needed);
    tcase_add_test(t, no_fd_leak);
    tcase_set_timeout(t, 120);
    suite_add_tcase(s, t);
    return s;
}
