/* The VCPU starts at exactly `entry`: the first VCPU in long mode and a second one in real mode,
 * at entries that are unaligned, cross a page or a 2 MiB boundary, or sit high in guest memory.
 * The bytes around entry are `out %al,(%dx)` with dx = BAD_START_PORT, so a start anywhere else
 * reports itself. */
#include <pthread.h>
#include <string.h>

#include "zxc.h"

#define BAD_START_PORT 0xbad
#define FILL_BYTE 0xee /* out %al,(%dx) */
#define FILL_SPAN 0x3000

static void check_started_at_entry(const zx_port_packet_t *packet, const char *clause) {
    if (packet->type == ZX_PKT_TYPE_GUEST_IO && packet->guest_io.port == BAD_START_PORT)
        zxc_fail(clause, "the VCPU executed the bytes around entry: it did not start at entry");
    zxc_expect_u64(clause, "packet type (guest reports its start)", ZX_PKT_TYPE_GUEST_IO,
                   packet->type);
    zxc_expect_u64(clause, "guest_io.port", ZXC_TRAP_PORT, packet->guest_io.port);
}

/* Guest memory with the fill around `entry`, `image` at entry, and IO traps on both ports. */
static void prepare(struct zxc_guest *g, uint64_t entry, struct zxc_image image) {
    zxc_guest_init(g);
    zxc_guest_fill(g, entry - FILL_SPAN / 2, FILL_BYTE, FILL_SPAN);
    zxc_guest_load(g, entry, image);
    zxc_set_trap(g, ZX_GUEST_TRAP_IO, ZXC_TRAP_PORT, 4, ZX_HANDLE_INVALID, 0);
    zxc_set_trap(g, ZX_GUEST_TRAP_IO, BAD_START_PORT, 1, ZX_HANDLE_INVALID, 0);
}

static void set_bad_start_port(zx_handle_t vcpu) {
    zx_vcpu_state_t state = zxc_read_state(vcpu);
    state.rdx = BAD_START_PORT;
    zxc_write_state(vcpu, &state);
}

static void first_vcpu_starts_at(uint64_t entry) {
    const char *clause = "zx_vcpu_create.DESCRIPTION.entry-guest-physical-address";
    struct zxc_guest g;
    prepare(&g, entry, ZXC_IMAGE(entry64));
    zx_handle_t vcpu = zxc_vcpu_new(&g, entry);
    set_bad_start_port(vcpu);
    zx_port_packet_t packet = zxc_resume(vcpu, clause);
    check_started_at_entry(&packet, clause);
    zxc_expect_u64(clause, "guest_io.access_size", 4, packet.guest_io.access_size);
    zxc_expect_u64(clause, "RIP the guest reported (packet data)", (uint32_t)entry,
                   packet.guest_io.u32);
    zxc_expect_u64(clause, "RIP the guest reported (rax via read_state)", entry,
                   zxc_read_state(vcpu).rax);
    zxc_resume_expect_exit(vcpu, clause);
}

ZXC_TEST(entry_first_vcpu_page_aligned) {
    ZXC_COVERS("zx_vcpu_create.DESCRIPTION.entry-guest-physical-address");
    first_vcpu_starts_at(0x4000);
}

ZXC_TEST(entry_first_vcpu_unaligned) {
    ZXC_COVERS("zx_vcpu_create.DESCRIPTION.entry-guest-physical-address");
    first_vcpu_starts_at(0x4567);
}

ZXC_TEST(entry_first_vcpu_crosses_page) {
    ZXC_COVERS("zx_vcpu_create.DESCRIPTION.entry-guest-physical-address");
    first_vcpu_starts_at(0x6000 - 5);
}

ZXC_TEST(entry_first_vcpu_crosses_2mib) {
    ZXC_COVERS("zx_vcpu_create.DESCRIPTION.entry-guest-physical-address");
    first_vcpu_starts_at(0x200000 - 3);
}

ZXC_TEST(entry_first_vcpu_high) {
    ZXC_COVERS("zx_vcpu_create.DESCRIPTION.entry-guest-physical-address");
    first_vcpu_starts_at(ZXC_TRAP_ADDR - 0x2000 + 0x123);
}

struct second_vcpu {
    const struct zxc_guest *guest;
    uint64_t entry;
};

/* Runs on its own thread: the second VCPU of the guest is bound to it. */
static void *run_second_vcpu(void *arg) {
    const struct second_vcpu *s = arg;
    const char *clause = "zx_vcpu_create.DESCRIPTION.entry-guest-physical-address";
    zx_handle_t vcpu = zxc_vcpu_new(s->guest, s->entry);
    set_bad_start_port(vcpu);
    zx_port_packet_t packet = zxc_resume(vcpu, clause);
    check_started_at_entry(&packet, clause);
    zxc_expect_u64(clause, "guest_io.access_size", 2, packet.guest_io.access_size);
    zxc_expect_u64(clause, "offset of the first instruction from entry (real mode IP)", 0,
                   packet.guest_io.u16);
    return NULL;
}

static void second_vcpu_starts_at(uint64_t entry) {
    struct zxc_guest g;
    prepare(&g, entry, ZXC_IMAGE(entry16));
    zxc_guest_load(&g, ZXC_GUEST_ENTRY, ZXC_IMAGE(exit));
    zx_handle_t first = zxc_vcpu_new(&g, ZXC_GUEST_ENTRY);
    (void)first;
    struct second_vcpu s = {&g, entry};
    pthread_t thread;
    pthread_create(&thread, NULL, run_second_vcpu, &s);
    pthread_join(thread, NULL);
}

ZXC_TEST(entry_second_vcpu_unaligned) {
    ZXC_COVERS("zx_vcpu_create.DESCRIPTION.entry-guest-physical-address");
    second_vcpu_starts_at(0x8765);
}

ZXC_TEST(entry_second_vcpu_crosses_page) {
    ZXC_COVERS("zx_vcpu_create.DESCRIPTION.entry-guest-physical-address");
    second_vcpu_starts_at(0x9000 - 3);
}

ZXC_TEST(entry_second_vcpu_high) {
    ZXC_COVERS("zx_vcpu_create.DESCRIPTION.entry-guest-physical-address");
    second_vcpu_starts_at(0x300000 + 0x10);
}
