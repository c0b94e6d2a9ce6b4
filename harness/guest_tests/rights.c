/* Default rights, read with zx_object_get_info(ZX_INFO_HANDLE_BASIC) and shown by using each
 * right on the handle the call returned. */
#include <string.h>

#include "zxc.h"

static void expect_rights(const char *clause, const char *what, zx_handle_t handle,
                          zx_rights_t expected) {
    zx_rights_t rights = zxc_handle_info(handle).rights;
    if ((rights & expected) != expected)
        zxc_fail(clause, "rights of %s: expected %#x included, got %#x (missing %#x)", what,
                 expected, rights, expected & ~rights);
}

ZXC_TEST(rights_guest_default_used) {
    ZXC_COVERS("zx_guest_create.RIGHTS.duplicate");
    ZXC_COVERS("zx_guest_create.RIGHTS.transfer");
    ZXC_COVERS("zx_guest_create.RIGHTS.write");
    const char *clause = "zx_guest_create.RIGHTS.write";
    struct zxc_guest g;
    zxc_guest_init(&g);
    expect_rights(clause, "the guest", g.guest,
                  ZX_RIGHT_DUPLICATE | ZX_RIGHT_TRANSFER | ZX_RIGHT_WRITE);
    zx_handle_t copy = ZX_HANDLE_INVALID;
    zxc_expect_status(clause, "ZX_RIGHT_DUPLICATE: zx_handle_duplicate of the guest", ZX_OK,
                      ZX(zx_handle_duplicate)(g.guest, ZX_RIGHT_SAME_RIGHTS, &copy));
    zxc_expect_status(clause, "ZX_RIGHT_WRITE: zx_guest_set_trap on the guest", ZX_OK,
                      ZX(zx_guest_set_trap)(g.guest, ZX_GUEST_TRAP_MEM, ZXC_TRAP_ADDR,
                                            ZXC_PAGE_SIZE, ZX_HANDLE_INVALID, 0));
    zx_handle_t vcpu = ZX_HANDLE_INVALID;
    zxc_expect_status(clause, "ZX_RIGHT_WRITE: zx_vcpu_create on the guest", ZX_OK,
                      ZX(zx_vcpu_create)(g.guest, 0, ZXC_GUEST_ENTRY, &vcpu));
}

ZXC_TEST(rights_vcpu_default_used) {
    ZXC_COVERS("zx_vcpu_create.RIGHTS.duplicate");
    ZXC_COVERS("zx_vcpu_create.RIGHTS.execute");
    ZXC_COVERS("zx_vcpu_create.RIGHTS.signal");
    ZXC_COVERS("zx_vcpu_create.RIGHTS.read");
    ZXC_COVERS("zx_vcpu_create.RIGHTS.write");
    const char *clause = "zx_vcpu_create.RIGHTS.duplicate";
    struct zxc_guest g;
    zx_handle_t vcpu = zxc_guest_with_vcpu(&g, ZXC_IMAGE(exit));
    expect_rights(clause, "the VCPU", vcpu,
                  ZX_RIGHT_DUPLICATE | ZX_RIGHT_TRANSFER | ZX_RIGHT_EXECUTE | ZX_RIGHT_SIGNAL |
                      ZX_RIGHT_READ | ZX_RIGHT_WRITE);
    zx_handle_t copy = ZX_HANDLE_INVALID;
    zxc_expect_status(clause, "ZX_RIGHT_DUPLICATE: zx_handle_duplicate of the VCPU", ZX_OK,
                      ZX(zx_handle_duplicate)(vcpu, ZX_RIGHT_SAME_RIGHTS, &copy));
    zx_vcpu_state_t state;
    memset(&state, 0, sizeof state);
    zxc_expect_status(clause, "ZX_RIGHT_READ: zx_vcpu_read_state", ZX_OK,
                      ZX(zx_vcpu_read_state)(vcpu, ZX_VCPU_STATE, &state, sizeof state));
    zxc_expect_status(clause, "ZX_RIGHT_WRITE: zx_vcpu_write_state", ZX_OK,
                      ZX(zx_vcpu_write_state)(vcpu, ZX_VCPU_STATE, &state, sizeof state));
    zxc_expect_status(clause, "ZX_RIGHT_SIGNAL: zx_vcpu_interrupt", ZX_OK,
                      ZX(zx_vcpu_interrupt)(vcpu, 32));
    zx_port_packet_t packet;
    zxc_expect_status(clause, "ZX_RIGHT_EXECUTE: zx_vcpu_resume", ZX_OK,
                      ZX(zx_vcpu_resume)(vcpu, &packet));
}
