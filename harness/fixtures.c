/* Fixtures shared by the table runner and the guest tests. A fixture that cannot be built ends
 * the test with the failing call and status: a test never passes on a broken setup. */
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#include "zxc.h"

#define SETUP_OK(call)                                                                   \
    do {                                                                                 \
        zx_status_t setup_status = (call);                                               \
        if (setup_status != ZX_OK)                                                       \
            zxc_fail(NULL, "setup: %s returned %s", #call, zxc_status_name(setup_status)); \
    } while (0)

zx_handle_t zxc_hypervisor_resource(void) {
    zx_handle_t resource = ZX_HANDLE_INVALID;
    SETUP_OK(ZX(zxconf_hypervisor_resource)(&resource));
    return resource;
}

zx_handle_t zxc_vmo_new(uint64_t size) {
    zx_handle_t vmo = ZX_HANDLE_INVALID;
    SETUP_OK(ZX(zx_vmo_create)(size, 0, &vmo));
    return vmo;
}

zx_handle_t zxc_port_new(void) {
    zx_handle_t port = ZX_HANDLE_INVALID;
    SETUP_OK(ZX(zx_port_create)(0, &port));
    return port;
}

zx_handle_t zxc_unrelated_handle(void) {
    zx_handle_t event = ZX_HANDLE_INVALID;
    SETUP_OK(ZX(zx_event_create)(0, &event));
    return event;
}

void zxc_close(zx_handle_t handle) {
    SETUP_OK(ZX(zx_handle_close)(handle));
}

zx_info_handle_basic_t zxc_handle_info(zx_handle_t handle) {
    zx_info_handle_basic_t info;
    size_t actual = 0, avail = 0;
    memset(&info, 0, sizeof info);
    SETUP_OK(ZX(zx_object_get_info)(handle, ZX_INFO_HANDLE_BASIC, &info, sizeof info, &actual,
                                    &avail));
    return info;
}

zx_handle_t zxc_duplicate(zx_handle_t handle, zx_rights_t rights) {
    zx_handle_t copy = ZX_HANDLE_INVALID;
    SETUP_OK(ZX(zx_handle_duplicate)(handle, rights, &copy));
    return copy;
}

void zxc_guest_write(const struct zxc_guest *g, uint64_t gpa, const void *data, size_t len) {
    SETUP_OK(ZX(zx_vmo_write)(g->vmo, data, gpa, len));
}

void zxc_guest_read(const struct zxc_guest *g, uint64_t gpa, void *data, size_t len) {
    SETUP_OK(ZX(zx_vmo_read)(g->vmo, data, gpa, len));
}

void zxc_guest_fill(const struct zxc_guest *g, uint64_t gpa, uint8_t byte, size_t len) {
    uint8_t chunk[ZXC_PAGE_SIZE];
    memset(chunk, byte, sizeof chunk);
    while (len > 0) {
        size_t n = len < sizeof chunk ? len : sizeof chunk;
        zxc_guest_write(g, gpa, chunk, n);
        gpa += n;
        len -= n;
    }
}

void zxc_guest_load(const struct zxc_guest *g, uint64_t gpa, struct zxc_image image) {
    zxc_guest_write(g, gpa, image.start, (size_t)(image.end - image.start));
}

void zxc_set_trap(const struct zxc_guest *g, uint32_t kind, uint64_t addr, size_t len,
                  zx_handle_t port, uint64_t key) {
    SETUP_OK(ZX(zx_guest_set_trap)(g->guest, kind, addr, len, port, key));
}

void zxc_guest_init(struct zxc_guest *g) {
    g->resource = zxc_hypervisor_resource();
    g->vmo = zxc_vmo_new(ZXC_GUEST_MEM_SIZE);
    SETUP_OK(ZX(zx_guest_create)(g->resource, 0, g->vmo, &g->guest));
    /* The first VCPU starts in long mode with CR3 = 0: PML4 at 0, PDPT at 0x1000, and a page
     * directory identity-mapping the first 1 GiB with 2 MiB pages. Zircon's tests use one 1 GiB
     * page instead, but not every KVM host offers 1 GiB pages to its guests. */
    const uint64_t present_writable_user = 0x7, large_page = 0x80;
    const uint64_t pml4e = 0x1000 | present_writable_user;
    const uint64_t pdpte = ZXC_PAGE_DIRECTORY_ADDR | present_writable_user;
    uint64_t pdes[512];
    for (uint64_t i = 0; i < 512; i++) pdes[i] = (i << 21) | large_page | present_writable_user;
    zxc_guest_write(g, 0, &pml4e, sizeof pml4e);
    zxc_guest_write(g, 0x1000, &pdpte, sizeof pdpte);
    zxc_guest_write(g, ZXC_PAGE_DIRECTORY_ADDR, pdes, sizeof pdes);
    zxc_set_trap(g, ZX_GUEST_TRAP_MEM, ZXC_EXIT_ADDR, ZXC_PAGE_SIZE, ZX_HANDLE_INVALID, 0);
}

zx_handle_t zxc_vcpu_new(const struct zxc_guest *g, uint64_t entry) {
    zx_handle_t vcpu = ZX_HANDLE_INVALID;
    SETUP_OK(ZX(zx_vcpu_create)(g->guest, 0, entry, &vcpu));
    return vcpu;
}

zx_handle_t zxc_guest_with_vcpu(struct zxc_guest *g, struct zxc_image image) {
    zxc_guest_init(g);
    zxc_guest_load(g, ZXC_GUEST_ENTRY, image);
    return zxc_vcpu_new(g, ZXC_GUEST_ENTRY);
}

zx_port_packet_t zxc_resume(zx_handle_t vcpu, const char *clause) {
    zx_port_packet_t packet;
    memset(&packet, 0, sizeof packet);
    zx_status_t status = ZX(zx_vcpu_resume)(vcpu, &packet);
    /* An implementation that says why (zxconf_last_failure, optional) has it in the message. */
    const char *why = status != ZX_OK && zxc_impl.zxconf_last_failure != NULL
                          ? zxc_impl.zxconf_last_failure() : "";
    if (why != NULL && why[0] != '\0')
        zxc_fail(clause, "zx_vcpu_resume: expected ZX_OK, got %s; the implementation says: %s",
                 zxc_status_name(status), why);
    zxc_expect_status(clause, "zx_vcpu_resume", ZX_OK, status);
    return packet;
}

void zxc_resume_expect_exit(zx_handle_t vcpu, const char *clause) {
    zx_port_packet_t packet = zxc_resume(vcpu, clause);
    zxc_expect_u64(clause, "packet type (guest writes the EXIT page)", ZX_PKT_TYPE_GUEST_MEM,
                   packet.type);
    zxc_expect_u64(clause, "guest_mem.addr (guest writes the EXIT page)", ZXC_EXIT_ADDR,
                   packet.guest_mem.addr);
}

zx_vcpu_state_t zxc_read_state(zx_handle_t vcpu) {
    zx_vcpu_state_t state;
    memset(&state, 0, sizeof state);
    SETUP_OK(ZX(zx_vcpu_read_state)(vcpu, ZX_VCPU_STATE, &state, sizeof state));
    return state;
}

void zxc_write_state(zx_handle_t vcpu, const zx_vcpu_state_t *state) {
    SETUP_OK(ZX(zx_vcpu_write_state)(vcpu, ZX_VCPU_STATE, state, sizeof *state));
}

bool zxc_port_poll(zx_handle_t port, zx_port_packet_t *packet, int timeout_ms) {
    /* Deadline 0 polls, so the harness needs no notion of the implementation's clock. */
    for (int waited = 0;; waited++) {
        zx_status_t status = ZX(zx_port_wait)(port, 0, packet);
        if (status == ZX_OK) return true;
        if (status != ZX_ERR_TIMED_OUT)
            zxc_fail(NULL, "zx_port_wait(deadline 0) returned %s", zxc_status_name(status));
        if (waited >= timeout_ms) return false;
        zxc_sleep_ms(1);
    }
}

void *zxc_unmapped_page(void) {
    void *page = mmap(NULL, ZXC_PAGE_SIZE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (page == MAP_FAILED) zxc_fail(NULL, "setup: mmap(PROT_NONE) failed");
    return page;
}

void *zxc_readonly_page(void) {
    void *page = mmap(NULL, ZXC_PAGE_SIZE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (page == MAP_FAILED) zxc_fail(NULL, "setup: mmap(PROT_READ) failed");
    return page;
}

void zxc_sleep_ms(int ms) {
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

uint64_t zxc_now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t)t.tv_sec * 1000000000ull + (uint64_t)t.tv_nsec;
}
