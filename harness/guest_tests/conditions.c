/* Error conditions that depend on a combination of arguments, on object state or on what a guest
 * does, so the generated tables cannot reach them: zx_guest_set_trap's per-kind rules,
 * zx_vcpu_resume on a guest that cannot go on, and the order and limits of port queues. */
#include <string.h>

#include "zxc.h"

static void expect_trap(const struct zxc_guest *g, const char *clause, const char *what,
                        zx_status_t expected, uint32_t kind, uint64_t addr, size_t len,
                        zx_handle_t port) {
    zxc_expect_status(clause, what, expected,
                      ZX(zx_guest_set_trap)(g->guest, kind, addr, len, port, 0));
}

/* A BELL trap needs a port; MEM and IO traps take none. */
ZXC_TEST(trap_port_by_kind) {
    ZXC_COVERS("zx_guest_set_trap.ERRORS.INVALID_ARGS.bell-without-port");
    ZXC_COVERS("zx_guest_set_trap.ERRORS.INVALID_ARGS.sync-with-port");
    struct zxc_guest g;
    zxc_guest_init(&g);
    zx_handle_t port = zxc_port_new();
    expect_trap(&g, "zx_guest_set_trap.ERRORS.INVALID_ARGS.bell-without-port",
                "BELL trap without a port",
                ZX_ERR_INVALID_ARGS, ZX_GUEST_TRAP_BELL, ZXC_TRAP_ADDR, ZXC_PAGE_SIZE,
                ZX_HANDLE_INVALID);
    expect_trap(&g, "zx_guest_set_trap.ERRORS.INVALID_ARGS.sync-with-port",
                "MEM trap with a port", ZX_ERR_INVALID_ARGS,
                ZX_GUEST_TRAP_MEM, ZXC_TRAP_ADDR, ZXC_PAGE_SIZE, port);
    expect_trap(&g, "zx_guest_set_trap.ERRORS.INVALID_ARGS.sync-with-port",
                "IO trap with a port", ZX_ERR_INVALID_ARGS,
                ZX_GUEST_TRAP_IO, ZXC_TRAP_PORT, 1, port);
    /* The same arguments with the right kind of port are fine: the kind made the difference. */
    expect_trap(&g, "zx_guest_set_trap.ERRORS.INVALID_ARGS.bell-without-port",
                "BELL trap with a port", ZX_OK,
                ZX_GUEST_TRAP_BELL, ZXC_TRAP_ADDR, ZXC_PAGE_SIZE, port);
    expect_trap(&g, "zx_guest_set_trap.ERRORS.INVALID_ARGS.sync-with-port",
                "IO trap without a port", ZX_OK,
                ZX_GUEST_TRAP_IO, ZXC_TRAP_PORT, 1, ZX_HANDLE_INVALID);
}

/* BELL and MEM traps need a page-aligned addr and len; IO traps do not. */
ZXC_TEST(trap_alignment_by_kind) {
    ZXC_COVERS("zx_guest_set_trap.ERRORS.INVALID_ARGS.addr-not-page-aligned");
    ZXC_COVERS("zx_guest_set_trap.ERRORS.INVALID_ARGS.len-not-page-aligned");
    const char *addr_clause = "zx_guest_set_trap.ERRORS.INVALID_ARGS.addr-not-page-aligned";
    const char *len_clause = "zx_guest_set_trap.ERRORS.INVALID_ARGS.len-not-page-aligned";
    struct zxc_guest g;
    zxc_guest_init(&g);
    zx_handle_t port = zxc_port_new();
    expect_trap(&g, addr_clause, "MEM trap at an unaligned addr", ZX_ERR_INVALID_ARGS,
                ZX_GUEST_TRAP_MEM, ZXC_TRAP_ADDR + 8, ZXC_PAGE_SIZE, ZX_HANDLE_INVALID);
    expect_trap(&g, addr_clause, "BELL trap at an unaligned addr", ZX_ERR_INVALID_ARGS,
                ZX_GUEST_TRAP_BELL, ZXC_TRAP_ADDR + 8, ZXC_PAGE_SIZE, port);
    expect_trap(&g, len_clause, "MEM trap with an unaligned len", ZX_ERR_INVALID_ARGS,
                ZX_GUEST_TRAP_MEM, ZXC_TRAP_ADDR, 8, ZX_HANDLE_INVALID);
    expect_trap(&g, len_clause, "BELL trap with an unaligned len", ZX_ERR_INVALID_ARGS,
                ZX_GUEST_TRAP_BELL, ZXC_TRAP_ADDR, 8, port);
    expect_trap(&g, addr_clause, "IO trap at an odd port with an odd len", ZX_OK,
                ZX_GUEST_TRAP_IO, 0x61, 3, ZX_HANDLE_INVALID);
}

/* The I/O port space ends at port 0xffff; the same range is fine for a MEM trap. */
ZXC_TEST(trap_out_of_range_by_kind) {
    ZXC_COVERS("zx_guest_set_trap.ERRORS.OUT_OF_RANGE.outside-address-space");
    const char *clause = "zx_guest_set_trap.ERRORS.OUT_OF_RANGE.outside-address-space";
    struct zxc_guest g;
    zxc_guest_init(&g);
    expect_trap(&g, clause, "IO trap at port 0x10000", ZX_ERR_OUT_OF_RANGE, ZX_GUEST_TRAP_IO,
                0x10000, 1, ZX_HANDLE_INVALID);
    expect_trap(&g, clause, "IO trap over ports 0xf000..0x10fff", ZX_ERR_OUT_OF_RANGE,
                ZX_GUEST_TRAP_IO, 0xf000, 0x2000, ZX_HANDLE_INVALID);
    expect_trap(&g, clause, "MEM trap over GPA 0xf000..0x10fff", ZX_OK, ZX_GUEST_TRAP_MEM,
                0xf000, 0x2000, ZX_HANDLE_INVALID);
}

/* A guest that triple-faults cannot go on: resume reports it instead of returning a packet. */
ZXC_TEST(resume_triple_fault_not_supported) {
    ZXC_COVERS("zx_vcpu_resume.ERRORS.NOT_SUPPORTED.unsupported-guest-operation");
    struct zxc_guest g;
    zx_handle_t vcpu = zxc_guest_with_vcpu(&g, ZXC_IMAGE(triple_fault));
    zx_port_packet_t p;
    zxc_expect_status("zx_vcpu_resume.ERRORS.NOT_SUPPORTED.unsupported-guest-operation",
                      "zx_vcpu_resume after ud2 with an empty IDT",
                      ZX_ERR_NOT_SUPPORTED, ZX(zx_vcpu_resume)(vcpu, &p));
}

/* An empty port with a deadline in the past times out at once. */
ZXC_TEST(port_wait_timed_out) {
    ZXC_COVERS("zx_port_wait.ERRORS.TIMED_OUT.deadline-passed");
    zx_handle_t port = zxc_port_new();
    zx_port_packet_t p;
    zxc_expect_status("zx_port_wait.ERRORS.TIMED_OUT.deadline-passed",
                      "zx_port_wait(empty port, deadline 0)",
                      ZX_ERR_TIMED_OUT, ZX(zx_port_wait)(port, 0, &p));
}

/* Packets leave a port whole and in the order they were queued. */
ZXC_TEST(port_queue_fifo) {
    ZXC_COVERS("zx_port_queue.DESCRIPTION.copies-packet-tail-queue");
    ZXC_COVERS("zx_port_queue.DESCRIPTION.packets-leave-port-order");
    ZXC_COVERS("zx_port_wait.DESCRIPTION.takes-packet-head-queue");
    zx_handle_t port = zxc_port_new();
    for (uint64_t i = 1; i <= 3; i++) {
        zx_port_packet_t p;
        memset(&p, 0, sizeof p);
        p.key = i;
        p.type = ZX_PKT_TYPE_USER;
        for (int w = 0; w < 4; w++) p.user.u64[w] = i * 0x100 + (uint64_t)w;
        zxc_expect_status("zx_port_queue.DESCRIPTION.copies-packet-tail-queue",
                          "zx_port_queue", ZX_OK,
                          ZX(zx_port_queue)(port, &p));
    }
    for (uint64_t i = 1; i <= 3; i++) {
        zx_port_packet_t p;
        memset(&p, 0xcc, sizeof p);
        zxc_expect_status("zx_port_wait.DESCRIPTION.takes-packet-head-queue", "zx_port_wait", ZX_OK,
                          ZX(zx_port_wait)(port, 0, &p));
        zxc_expect_u64("zx_port_queue.DESCRIPTION.packets-leave-port-order",
                       "key of the next packet (queue order)", i,
                       p.key);
        zxc_expect_u64("zx_port_queue.DESCRIPTION.copies-packet-tail-queue",
                       "packet type", ZX_PKT_TYPE_USER, p.type);
        for (int w = 0; w < 4; w++)
            zxc_expect_u64("zx_port_queue.DESCRIPTION.copies-packet-tail-queue",
                           "user payload word",
                           i * 0x100 + (uint64_t)w, p.user.u64[w]);
    }
}
