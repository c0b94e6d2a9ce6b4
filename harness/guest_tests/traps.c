/* zx_guest_set_trap: IO out/in, MEM (address, instruction, operand size, key), BELL (packet on
 * the port while the guest continues), closing a BELL trap's port, duplicate trap addresses. */
#include <stdio.h>
#include <string.h>

#include "zxc.h"

static void expect_io(const zx_port_packet_t *p, bool input, unsigned size, uint32_t data) {
    const char *clause = "zx_guest_set_trap.DESCRIPTION.guest_trap_io-range-i-o";
    zxc_expect_u64(clause, "packet type", ZX_PKT_TYPE_GUEST_IO, p->type);
    zxc_expect_u64("zx_guest_set_trap.DESCRIPTION.makes-access-vcpu-guest",
                   "packet key", ZXC_TRAP_KEY, p->key);
    zxc_expect_u64(clause, "guest_io.port", ZXC_TRAP_PORT, p->guest_io.port);
    zxc_expect_u64(clause, "guest_io.input", input, p->guest_io.input);
    zxc_expect_u64(clause, "guest_io.access_size", size, p->guest_io.access_size);
    if (!input) {
        uint32_t mask = size == 4 ? 0xffffffffu : (1u << (8 * size)) - 1;
        zxc_expect_u64(clause, "guest_io data", data, p->guest_io.u32 & mask);
    }
}

static void give_input(zx_handle_t vcpu, unsigned size, uint32_t value) {
    zx_vcpu_io_t io;
    memset(&io, 0, sizeof io);
    io.access_size = (uint8_t)size;
    io.u32 = value;
    zxc_expect_status("zx_vcpu_write_state.DESCRIPTION.vcpu_io-buffer-holds-zx",
                      "write_state(ZX_VCPU_IO)", ZX_OK,
                      ZX(zx_vcpu_write_state)(vcpu, ZX_VCPU_IO, &io, sizeof io));
}

ZXC_TEST(trap_io_out_and_in) {
    ZXC_COVERS("zx_guest_set_trap.DESCRIPTION.makes-access-vcpu-guest");
    ZXC_COVERS("zx_guest_set_trap.DESCRIPTION.guest_trap_io-range-i-o");
    ZXC_COVERS("zx_vcpu_write_state.DESCRIPTION.vcpu_io-buffer-holds-zx");
    struct zxc_guest g;
    zxc_guest_init(&g);
    zxc_guest_load(&g, ZXC_GUEST_ENTRY, ZXC_IMAGE(io));
    zxc_set_trap(&g, ZX_GUEST_TRAP_IO, ZXC_TRAP_PORT, 1, ZX_HANDLE_INVALID, ZXC_TRAP_KEY);
    zx_handle_t vcpu = zxc_vcpu_new(&g, ZXC_GUEST_ENTRY);
    const char *clause = "zx_vcpu_resume.DESCRIPTION.starts-resumes-execution-vcpu";
    zx_port_packet_t p = zxc_resume(vcpu, clause);
    expect_io(&p, false, 1, 0xab);
    p = zxc_resume(vcpu, clause);
    expect_io(&p, false, 2, 0xcdef);
    p = zxc_resume(vcpu, clause);
    expect_io(&p, false, 4, 0x12345678);
    p = zxc_resume(vcpu, clause);
    expect_io(&p, true, 1, 0);
    give_input(vcpu, 1, 0x5a);
    p = zxc_resume(vcpu, clause);
    expect_io(&p, true, 2, 0);
    give_input(vcpu, 2, 0xbeef);
    p = zxc_resume(vcpu, clause);
    expect_io(&p, true, 4, 0);
    give_input(vcpu, 4, 0xcafef00d);
    zxc_resume_expect_exit(vcpu, clause);
    zx_vcpu_state_t s = zxc_read_state(vcpu);
    const char *io_clause = "zx_vcpu_write_state.DESCRIPTION.vcpu_io-buffer-holds-zx";
    zxc_expect_u64(io_clause, "value a 1-byte IN read (rbx)", 0x5a, s.rbx);
    zxc_expect_u64(io_clause, "value a 2-byte IN read (rcx)", 0xbeef, s.rcx);
    zxc_expect_u64(io_clause, "rax after a 4-byte IN", 0xcafef00d, s.rax);
}

ZXC_TEST(trap_mem_write_packet) {
    ZXC_COVERS("zx_guest_set_trap.DESCRIPTION.makes-access-vcpu-guest");
    ZXC_COVERS("zx_guest_set_trap.DESCRIPTION.guest_trap_mem-trap-synchronous-port");
    ZXC_COVERS("zx_guest_set_trap.DESCRIPTION.guest_trap_bell-guest_trap_mem-traps-share");
    const char *clause = "zx_guest_set_trap.DESCRIPTION.guest_trap_mem-trap-synchronous-port";
    struct zxc_guest g;
    zxc_guest_init(&g);
    struct zxc_image image = ZXC_IMAGE(mem);
    zxc_guest_load(&g, ZXC_GUEST_ENTRY, image);
    zxc_set_trap(&g, ZX_GUEST_TRAP_MEM, ZXC_TRAP_ADDR, ZXC_PAGE_SIZE, ZX_HANDLE_INVALID,
                 ZXC_TRAP_KEY);
    zx_handle_t vcpu = zxc_vcpu_new(&g, ZXC_GUEST_ENTRY);
    zx_port_packet_t p = zxc_resume(vcpu, "zx_vcpu_resume.DESCRIPTION.starts-resumes-execution-vcpu");
    zxc_expect_u64(clause, "packet type", ZX_PKT_TYPE_GUEST_MEM, p.type);
    zxc_expect_u64("zx_guest_set_trap.DESCRIPTION.makes-access-vcpu-guest",
                   "packet key", ZXC_TRAP_KEY, p.key);
    zxc_expect_u64(clause, "guest_mem.addr", ZXC_TRAP_ADDR, p.guest_mem.addr);
    zxc_expect_u64(clause, "guest_mem.inst_len (movq $0, abs32)", 12, p.guest_mem.inst_len);
    for (int i = 0; i < 12; i++) {
        char what[64];
        snprintf(what, sizeof what, "guest_mem.inst_buf[%d]", i);
        zxc_expect_u64(clause, what, image.start[i], p.guest_mem.inst_buf[i]);
    }
    zxc_expect_u64(clause, "guest_mem.default_operand_size (64-bit mode)", 4,
                   p.guest_mem.default_operand_size);
    zxc_resume_expect_exit(vcpu, "zx_vcpu_resume.DESCRIPTION.starts-resumes-execution-vcpu");
}

ZXC_TEST(trap_mem_read_value_from_write_state) {
    ZXC_COVERS("zx_guest_set_trap.DESCRIPTION.guest_trap_mem-trap-synchronous-port");
    ZXC_COVERS("zx_vcpu_resume.DESCRIPTION.synchronous-trap-stops-vcpu");
    const char *clause = "zx_vcpu_resume.DESCRIPTION.synchronous-trap-stops-vcpu";
    struct zxc_guest g;
    zxc_guest_init(&g);
    zxc_guest_load(&g, ZXC_GUEST_ENTRY, ZXC_IMAGE(mem_read));
    zxc_set_trap(&g, ZX_GUEST_TRAP_MEM, ZXC_TRAP_ADDR, ZXC_PAGE_SIZE, ZX_HANDLE_INVALID,
                 ZXC_TRAP_KEY);
    zx_handle_t vcpu = zxc_vcpu_new(&g, ZXC_GUEST_ENTRY);
    zx_port_packet_t p = zxc_resume(vcpu, "zx_vcpu_resume.DESCRIPTION.starts-resumes-execution-vcpu");
    zxc_expect_u64(clause, "packet type", ZX_PKT_TYPE_GUEST_MEM, p.type);
    zxc_expect_u64(clause, "guest_mem.addr", ZXC_TRAP_ADDR, p.guest_mem.addr);
    zxc_expect_u64(clause, "guest_mem.inst_len (mov abs32, %ebx)", 7, p.guest_mem.inst_len);
    /* The host emulates the read, as a VMM does: the value goes into rbx. */
    zx_vcpu_state_t s = zxc_read_state(vcpu);
    s.rbx = 0x600df00d;
    zxc_write_state(vcpu, &s);
    zxc_resume_expect_exit(vcpu, "zx_vcpu_resume.DESCRIPTION.starts-resumes-execution-vcpu");
    zxc_expect_u64("zx_vcpu_write_state.DESCRIPTION.vcpu_state-buffer-holds-zx",
                   "rbx after the emulated read",
                   0x600df00d, zxc_read_state(vcpu).rbx);
}

ZXC_TEST(trap_bell_packet_on_port) {
    ZXC_COVERS("zx_guest_set_trap.DESCRIPTION.makes-access-vcpu-guest");
    ZXC_COVERS("zx_guest_set_trap.DESCRIPTION.guest_trap_bell-trap-asynchronous-packet");
    const char *clause = "zx_guest_set_trap.DESCRIPTION.guest_trap_bell-trap-asynchronous-packet";
    struct zxc_guest g;
    zxc_guest_init(&g);
    zxc_guest_load(&g, ZXC_GUEST_ENTRY, ZXC_IMAGE(bell));
    zx_handle_t port = zxc_port_new();
    zxc_set_trap(&g, ZX_GUEST_TRAP_BELL, ZXC_TRAP_ADDR, ZXC_PAGE_SIZE, port, ZXC_TRAP_KEY);
    zx_handle_t vcpu = zxc_vcpu_new(&g, ZXC_GUEST_ENTRY);
    /* The guest does not stop at the bell: the first packet from resume is the EXIT write. */
    zxc_resume_expect_exit(vcpu, clause);
    zx_port_packet_t p;
    if (!zxc_port_poll(port, &p, 1000))
        zxc_fail(clause, "no packet on the BELL trap's port within 1 s");
    zxc_expect_u64(clause, "packet type", ZX_PKT_TYPE_GUEST_BELL, p.type);
    zxc_expect_u64("zx_guest_set_trap.DESCRIPTION.makes-access-vcpu-guest",
                   "packet key", ZXC_TRAP_KEY, p.key);
    zxc_expect_u64(clause, "guest_bell.addr", ZXC_TRAP_ADDR, p.guest_bell.addr);
    if (zxc_port_poll(port, &p, 0)) zxc_fail(clause, "a second packet for one bell");
}

ZXC_TEST(trap_bell_port_closed) {
    ZXC_COVERS("zx_guest_set_trap.DESCRIPTION.guest_trap_bell-trap-asynchronous-packet");
    ZXC_COVERS("zx_vcpu_resume.DESCRIPTION.guest-rings-guest_trap_bell-trap");
    const char *clause = "zx_vcpu_resume.DESCRIPTION.guest-rings-guest_trap_bell-trap";
    struct zxc_guest g;
    zxc_guest_init(&g);
    zxc_guest_load(&g, ZXC_GUEST_ENTRY, ZXC_IMAGE(bell));
    zx_handle_t port = zxc_port_new();
    zxc_set_trap(&g, ZX_GUEST_TRAP_BELL, ZXC_TRAP_ADDR, ZXC_PAGE_SIZE, port, ZXC_TRAP_KEY);
    zxc_close(port);
    zx_handle_t vcpu = zxc_vcpu_new(&g, ZXC_GUEST_ENTRY);
    /* As Zircon's guest_set_trap_close_port: BAD_STATE once, then the guest goes on to its exit. */
    zx_port_packet_t p;
    zxc_expect_status(clause, "zx_vcpu_resume after a bell whose port is closed",
                      ZX_ERR_BAD_STATE, ZX(zx_vcpu_resume)(vcpu, &p));
    zxc_resume_expect_exit(vcpu, clause);
}

ZXC_TEST(trap_duplicate_addresses) {
    ZXC_COVERS("zx_guest_set_trap.ERRORS.ALREADY_EXISTS.already-exists-same");
    const char *clause = "zx_guest_set_trap.ERRORS.ALREADY_EXISTS.already-exists-same";
    struct zxc_guest g;
    zxc_guest_init(&g);
    zx_handle_t port = zxc_port_new();
    zxc_set_trap(&g, ZX_GUEST_TRAP_MEM, ZXC_TRAP_ADDR, ZXC_PAGE_SIZE, ZX_HANDLE_INVALID, 1);
    zxc_expect_status(clause, "a second MEM trap at the same address", ZX_ERR_ALREADY_EXISTS,
                      ZX(zx_guest_set_trap)(g.guest, ZX_GUEST_TRAP_MEM, ZXC_TRAP_ADDR,
                                            ZXC_PAGE_SIZE, ZX_HANDLE_INVALID, 2));
    zxc_expect_status(clause, "a BELL trap at a MEM trap's address", ZX_ERR_ALREADY_EXISTS,
                      ZX(zx_guest_set_trap)(g.guest, ZX_GUEST_TRAP_BELL, ZXC_TRAP_ADDR,
                                            ZXC_PAGE_SIZE, port, 3));
    zxc_set_trap(&g, ZX_GUEST_TRAP_IO, ZXC_TRAP_PORT, 1, ZX_HANDLE_INVALID, 4);
    zxc_expect_status(clause, "a second IO trap at the same port", ZX_ERR_ALREADY_EXISTS,
                      ZX(zx_guest_set_trap)(g.guest, ZX_GUEST_TRAP_IO, ZXC_TRAP_PORT, 1,
                                            ZX_HANDLE_INVALID, 5));
}
