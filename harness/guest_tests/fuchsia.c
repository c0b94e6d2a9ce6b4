/* Zircon's 2018 x86 hypervisor tests that the seed-era API supports and that no other file here
 * already covers: vcpu_resume, vcpu_pause, vcpu_vmcall, vcpu_extended_registers, the CR0 writes,
 * compatibility mode, SYSCALL/SYSENTER, ring 3 hypercalls, IO access sizes and BELL packets
 * that outlive their guest or meet a full port. */
#include <stdio.h>
#include <string.h>

#include "zxc.h"

#define CLAUSE "zx_vcpu_resume.DESCRIPTION.starts-resumes-execution-vcpu"

ZXC_TEST(fuchsia_vcpu_resume) {
    ZXC_COVERS("zx_vcpu_resume.DESCRIPTION.starts-resumes-execution-vcpu");
    struct zxc_guest g;
    zxc_resume_expect_exit(zxc_guest_with_vcpu(&g, ZXC_IMAGE(resume)), CLAUSE);
}

ZXC_TEST(fuchsia_vcpu_pause) {
    ZXC_COVERS("zx_vcpu_resume.DESCRIPTION.starts-resumes-execution-vcpu");
    struct zxc_guest g;
    zxc_resume_expect_exit(zxc_guest_with_vcpu(&g, ZXC_IMAGE(pause)), CLAUSE);
}

ZXC_TEST(fuchsia_vcpu_vmcall) {
    ZXC_COVERS("zx_vcpu_resume.DESCRIPTION.starts-resumes-execution-vcpu");
    struct zxc_guest g;
    zx_handle_t vcpu = zxc_guest_with_vcpu(&g, ZXC_IMAGE(vmcall));
    zxc_resume_expect_exit(vcpu, CLAUSE);
    zxc_expect_u64(CLAUSE, "rax after an unknown hypercall (-1000)", (uint64_t)-1000,
                   zxc_read_state(vcpu).rax);
}

ZXC_TEST(fuchsia_vcpu_extended_registers) {
    ZXC_COVERS("zx_vcpu_resume.DESCRIPTION.starts-resumes-execution-vcpu");
    struct zxc_guest g;
    zx_handle_t vcpu = zxc_guest_with_vcpu(&g, ZXC_IMAGE(xmm));
    zxc_resume_expect_exit(vcpu, CLAUSE);
    __asm__ volatile("pxor %%xmm0, %%xmm0" ::: "xmm0");
    zxc_resume_expect_exit(vcpu, CLAUSE);
    uint64_t host_xmm0;
    __asm__ volatile("movq %%xmm0, %0" : "=r"(host_xmm0));
    zxc_expect_u64(CLAUSE, "the host's xmm0 after running the guest", 0, host_xmm0);
    zx_vcpu_state_t s = zxc_read_state(vcpu);
    zxc_expect_u64(CLAUSE, "guest xmm0 low half (rax)", 0x89abcdef01234567, s.rax);
    zxc_expect_u64(CLAUSE, "guest xmm0 high half (rbx)", 0x76543210fedcba98, s.rbx);
}

#define CR0_NE (1u << 5)
#define CR0_NW (1u << 29)
#define CR0_CD (1u << 30)
#define GP_FAULT_VECTOR 13

/* Runs `image` to its EXIT write and returns the registers it left. */
static zx_vcpu_state_t run_to_exit(struct zxc_image image) {
    struct zxc_guest g;
    zx_handle_t vcpu = zxc_guest_with_vcpu(&g, image);
    zxc_resume_expect_exit(vcpu, CLAUSE);
    return zxc_read_state(vcpu);
}

/* vcpu_write_cr0: clearing CR0.NE does not stop the guest, and a valid CR0 (NE set, NW and CD
 * clear) reads back as written. Zircon 2018 also forced NE back on; the spec does not ask it. */
ZXC_TEST(fuchsia_vcpu_write_cr0) {
    ZXC_COVERS("zx_vcpu_resume.DESCRIPTION.starts-resumes-execution-vcpu");
    zxc_expect_u64(CLAUSE, "CR0 & (NE|NW|CD) read back after writing NE=1, NW=0, CD=0 (rax)",
                   CR0_NE, run_to_exit(ZXC_IMAGE(cr0)).rax & (CR0_NE | CR0_NW | CR0_CD));
}

/* vcpu_write_invalid_cr0: CR0 with CD = 0 and NW = 1 raises #GP in the guest. */
ZXC_TEST(fuchsia_vcpu_write_invalid_cr0) {
    ZXC_COVERS("zx_vcpu_resume.DESCRIPTION.starts-resumes-execution-vcpu");
    zxc_expect_u64(CLAUSE, "vector whose ISR ran (rax; 0: the write went through)",
                   GP_FAULT_VECTOR, run_to_exit(ZXC_IMAGE(cr0_invalid)).rax);
}

/* vcpu_compat_mode: the guest runs 32-bit and 16-bit code segments and returns to 64-bit. */
ZXC_TEST(fuchsia_vcpu_compat_mode) {
    ZXC_COVERS("zx_vcpu_resume.DESCRIPTION.starts-resumes-execution-vcpu");
    zx_vcpu_state_t s = run_to_exit(ZXC_IMAGE(compat));
    zxc_expect_u64(CLAUSE, "rbx after `inc %ebx` (0x43) in 32-bit code", 1, s.rbx);
    zxc_expect_u64(CLAUSE, "bytes a push moved the stack in 16-bit code (rcx)", 2, s.rcx);
}

/* vcpu_syscall: SYSRET reaches ring 3 and SYSCALL returns to ring 0. */
ZXC_TEST(fuchsia_vcpu_syscall) {
    ZXC_COVERS("zx_vcpu_resume.DESCRIPTION.starts-resumes-execution-vcpu");
    zxc_expect_u64(CLAUSE, "CS in ring 3 (rax)", 0x2b, run_to_exit(ZXC_IMAGE(syscall)).rax);
}

/* vcpu_sysenter: SYSEXIT (64-bit) reaches ring 3 and SYSENTER returns to ring 0 (on AMD, whose
 * long mode has no SYSENTER, the guest exits from ring 3). */
ZXC_TEST(fuchsia_vcpu_sysenter) {
    ZXC_COVERS("zx_vcpu_resume.DESCRIPTION.starts-resumes-execution-vcpu");
    zxc_expect_u64(CLAUSE, "CS in ring 3 (rax)", 0x2b, run_to_exit(ZXC_IMAGE(sysenter)).rax);
}

/* vcpu_sysenter_compat: SYSEXIT (32-bit) reaches 32-bit ring 3 and, on Intel, SYSENTER returns
 * (on AMD, whose long mode has no SYSENTER, the guest exits from ring 3). */
ZXC_TEST(fuchsia_vcpu_sysenter_compat) {
    ZXC_COVERS("zx_vcpu_resume.DESCRIPTION.starts-resumes-execution-vcpu");
    zxc_expect_u64(CLAUSE, "CS in 32-bit ring 3 (rax)", 0x1b,
                   run_to_exit(ZXC_IMAGE(sysenter_compat)).rax);
}

/* vcpu_vmcall_invalid_cpl: a hypercall from ring 3 returns -1 without an exit. */
ZXC_TEST(fuchsia_vcpu_vmcall_invalid_cpl) {
    ZXC_COVERS("zx_vcpu_resume.DESCRIPTION.starts-resumes-execution-vcpu");
    zxc_expect_u64(CLAUSE, "rax after a hypercall from ring 3 (-1)", (uint64_t)-1,
                   run_to_exit(ZXC_IMAGE(vmcall_cpl)).rax);
}

/* vcpu_write_state_io_invalid_size: ZX_VCPU_IO takes access sizes 1, 2 and 4 only. */
ZXC_TEST(fuchsia_vcpu_write_state_io_invalid_size) {
    ZXC_COVERS("zx_vcpu_write_state.DESCRIPTION.vcpu_io-buffer-holds-zx");
    const char *clause = "zx_vcpu_write_state.DESCRIPTION.vcpu_io-buffer-holds-zx";
    struct zxc_guest g;
    zx_handle_t vcpu = zxc_guest_with_vcpu(&g, ZXC_IMAGE(exit));
    static const struct {
        uint8_t size;
        zx_status_t expected;
    } cases[] = {{1, ZX_OK}, {2, ZX_OK}, {4, ZX_OK}, {0, ZX_ERR_INVALID_ARGS},
                 {3, ZX_ERR_INVALID_ARGS}, {5, ZX_ERR_INVALID_ARGS}, {255, ZX_ERR_INVALID_ARGS}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        zx_vcpu_io_t io;
        memset(&io, 0, sizeof io);
        io.access_size = cases[i].size;
        char what[64];
        snprintf(what, sizeof what, "write_state(ZX_VCPU_IO, access_size %u)", cases[i].size);
        zxc_expect_status(clause, what, cases[i].expected,
                          ZX(zx_vcpu_write_state)(vcpu, ZX_VCPU_IO, &io, sizeof io));
    }
}

/* A guest with the bell guest loaded and a BELL trap on TRAP_ADDR that queues on `port`. */
static zx_handle_t bell_guest(struct zxc_guest *g, zx_handle_t port) {
    zxc_guest_init(g);
    zxc_guest_load(g, ZXC_GUEST_ENTRY, ZXC_IMAGE(bell));
    zxc_set_trap(g, ZX_GUEST_TRAP_BELL, ZXC_TRAP_ADDR, ZXC_PAGE_SIZE, port, ZXC_TRAP_KEY);
    return zxc_vcpu_new(g, ZXC_GUEST_ENTRY);
}

static void destroy_guest(struct zxc_guest *g, zx_handle_t vcpu) {
    zxc_close(vcpu);
    zxc_close(g->guest);
    zxc_close(g->vmo);
    zxc_close(g->resource);
}

/* After the guest is gone its BELL packet is either still queued or cancelled, nothing else. */
static void expect_bell_or_nothing(zx_handle_t port, const char *clause) {
    zx_port_packet_t p;
    zx_status_t status = ZX(zx_port_wait)(port, 0, &p);
    if (status == ZX_ERR_TIMED_OUT) return;
    zxc_expect_status(clause, "zx_port_wait after the guest was destroyed", ZX_OK, status);
    zxc_expect_u64(clause, "type of the packet left on the port", ZX_PKT_TYPE_GUEST_BELL, p.type);
    zxc_expect_u64(clause, "guest_bell.addr", ZXC_TRAP_ADDR, p.guest_bell.addr);
}

/* guest_set_trap_with_bell_drop: destroying a guest whose BELL packet is still queued on a
 * port that outlives it leaves the port working. */
ZXC_TEST(fuchsia_guest_set_trap_with_bell_drop) {
    ZXC_COVERS("zx_guest_set_trap.DESCRIPTION.guest_trap_bell-trap-asynchronous-packet");
    const char *clause = "zx_guest_set_trap.DESCRIPTION.guest_trap_bell-trap-asynchronous-packet";
    struct zxc_guest g;
    zx_handle_t port = zxc_port_new();
    zx_handle_t vcpu = bell_guest(&g, port);
    zxc_resume_expect_exit(vcpu, clause);
    destroy_guest(&g, vcpu);
    expect_bell_or_nothing(port, clause);
    zxc_expect_status(clause, "zx_handle_close of the port", ZX_OK, ZX(zx_handle_close)(port));
}

/* guest_set_trap_with_bell_and_user: a user packet with the trap's key, queued before the bell,
 * survives the destruction of the guest (which may cancel the bell packet). */
ZXC_TEST(fuchsia_guest_set_trap_with_bell_and_user) {
    ZXC_COVERS("zx_guest_set_trap.DESCRIPTION.guest_trap_bell-trap-asynchronous-packet");
    ZXC_COVERS("zx_port_queue.DESCRIPTION.copies-packet-tail-queue");
    const char *clause = "zx_port_queue.DESCRIPTION.copies-packet-tail-queue";
    struct zxc_guest g;
    zx_handle_t port = zxc_port_new();
    zx_port_packet_t user;
    memset(&user, 0, sizeof user);
    user.key = ZXC_TRAP_KEY;
    user.type = ZX_PKT_TYPE_USER;
    user.user.u64[0] = 0x5eed;
    zxc_expect_status(clause, "zx_port_queue(user packet)", ZX_OK, ZX(zx_port_queue)(port, &user));
    zx_handle_t vcpu = bell_guest(&g, port);
    zxc_resume_expect_exit(vcpu, "zx_guest_set_trap.DESCRIPTION.guest_trap_bell-trap-asynchronous-packet");
    destroy_guest(&g, vcpu);
    zx_port_packet_t p;
    zxc_expect_status(clause, "zx_port_wait for the user packet after the guest was destroyed",
                      ZX_OK, ZX(zx_port_wait)(port, 0, &p));
    zxc_expect_u64(clause, "packet type", ZX_PKT_TYPE_USER, p.type);
    zxc_expect_u64(clause, "packet key", ZXC_TRAP_KEY, p.key);
    zxc_expect_u64(clause, "user.u64[0]", 0x5eed, p.user.u64[0]);
    expect_bell_or_nothing(port, "zx_guest_set_trap.DESCRIPTION.guest_trap_bell-trap-asynchronous-packet");
}

/* guest_set_trap_with_bell_and_max_user: with the port full of user packets (queue gives
 * ZX_ERR_SHOULD_WAIT), the guest still rings its bell and exits cleanly. */
ZXC_TEST(fuchsia_guest_set_trap_with_bell_and_max_user) {
    ZXC_COVERS("zx_guest_set_trap.DESCRIPTION.guest_trap_bell-trap-asynchronous-packet");
    ZXC_COVERS("zx_port_queue.ERRORS.SHOULD_WAIT.port-already-holds-many");
    const char *clause = "zx_port_queue.ERRORS.SHOULD_WAIT.port-already-holds-many";
    const int most_packets = 1 << 20; /* a port that takes more is treated as unbounded */
    struct zxc_guest g;
    zx_handle_t port = zxc_port_new();
    zx_port_packet_t user;
    memset(&user, 0, sizeof user);
    zx_status_t status = ZX_OK;
    int queued = 0;
    while (queued < most_packets && (status = ZX(zx_port_queue)(port, &user)) == ZX_OK) queued++;
    if (status == ZX_OK)
        zxc_fail(clause, "zx_port_queue still returned ZX_OK after %d packets", queued);
    zxc_expect_status(clause, "zx_port_queue on a full port", ZX_ERR_SHOULD_WAIT, status);
    zx_handle_t vcpu = bell_guest(&g, port);
    zxc_resume_expect_exit(vcpu, "zx_guest_set_trap.DESCRIPTION.guest_trap_bell-trap-asynchronous-packet");
}
