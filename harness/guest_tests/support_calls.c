/* The supporting calls the hypervisor tests lean on (handles, object info, VMOs, port deadlines,
 * VCPU state) do what their DESCRIPTION says, and a guest can have more VCPUs than the host has
 * CPUs. */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "zxc.h"

/* ---- Handles and object info ------------------------------------------------------------- */

/* After close the handle names nothing: info, a second close and duplicate all see a bad handle. */
ZXC_TEST(support_close_invalidates_handle) {
    ZXC_COVERS("zx_handle_close.DESCRIPTION.closes-handle-no-longer");
    const char *clause = "zx_handle_close.DESCRIPTION.closes-handle-no-longer";
    zx_handle_t vmo = zxc_vmo_new(ZXC_PAGE_SIZE);
    zxc_expect_status(clause, "get_info(HANDLE_VALID) before close", ZX_OK,
                      ZX(zx_object_get_info)(vmo, ZX_INFO_HANDLE_VALID, NULL, 0, NULL, NULL));
    zxc_expect_status(clause, "zx_handle_close", ZX_OK, ZX(zx_handle_close)(vmo));
    zxc_expect_status(clause, "get_info(HANDLE_VALID) after close", ZX_ERR_BAD_HANDLE,
                      ZX(zx_object_get_info)(vmo, ZX_INFO_HANDLE_VALID, NULL, 0, NULL, NULL));
    zx_handle_t copy = ZX_HANDLE_INVALID;
    zxc_expect_status(clause, "zx_handle_duplicate of the closed handle", ZX_ERR_BAD_HANDLE,
                      ZX(zx_handle_duplicate)(vmo, ZX_RIGHT_SAME_RIGHTS, &copy));
    zxc_expect_status(clause, "a second zx_handle_close", ZX_ERR_BAD_HANDLE,
                      ZX(zx_handle_close)(vmo));
}

/* Closing ZX_HANDLE_INVALID succeeds, however often. */
ZXC_TEST(support_close_invalid_handle) {
    ZXC_COVERS("zx_handle_close.DESCRIPTION.closing-handle_invalid-nothing-succeeds");
    for (int i = 0; i < 2; i++)
        zxc_expect_status("zx_handle_close.DESCRIPTION.closing-handle_invalid-nothing-succeeds",
                          "zx_handle_close(ZX_HANDLE_INVALID)",
                          ZX_OK, ZX(zx_handle_close)(ZX_HANDLE_INVALID));
}

/* A port lives while one of its two handles is open, and is gone once the last one closes: a
 * BELL ring reaches it after the first close, and finds no port after the second. */
ZXC_TEST(support_close_last_handle_destroys) {
    ZXC_COVERS("zx_handle_close.DESCRIPTION.object-destroyed-last-handle");
    const char *clause = "zx_handle_close.DESCRIPTION.object-destroyed-last-handle";
    struct zxc_guest g;
    zx_handle_t vcpu = zxc_guest_with_vcpu(&g, ZXC_IMAGE(bell_twice));
    zx_handle_t port = zxc_port_new();
    zx_handle_t second = zxc_duplicate(port, ZX_RIGHT_SAME_RIGHTS);
    zxc_set_trap(&g, ZX_GUEST_TRAP_BELL, ZXC_TRAP_ADDR, ZXC_PAGE_SIZE, port, ZXC_TRAP_KEY);
    zxc_close(port);
    zxc_resume_expect_exit(vcpu, clause);
    zx_port_packet_t p;
    if (!zxc_port_poll(second, &p, 1000))
        zxc_fail(clause, "no BELL packet on the port's remaining handle: the port was destroyed "
                         "while a handle to it was still open");
    zxc_expect_u64(clause, "type of the packet on the remaining handle", ZX_PKT_TYPE_GUEST_BELL,
                   p.type);
    zxc_close(second);
    zxc_expect_status(clause, "zx_vcpu_resume when the guest rings a BELL whose port had its "
                              "last handle closed (zx_vcpu_resume.DESCRIPTION.6)",
                      ZX_ERR_BAD_STATE, ZX(zx_vcpu_resume)(vcpu, &p));
}

/* Duplicate and replace with ZX_RIGHT_SAME_RIGHTS keep the (reduced) rights of the original. */
ZXC_TEST(support_same_rights) {
    ZXC_COVERS("zx_handle_duplicate.DESCRIPTION.rights-right_same_rights-new-handle");
    ZXC_COVERS("zx_handle_replace.DESCRIPTION.rights-right_same_rights-new-handle");
    const zx_rights_t reduced = ZX_RIGHT_DUPLICATE | ZX_RIGHT_READ | ZX_RIGHT_WRITE;
    zx_handle_t vmo = zxc_vmo_new(ZXC_PAGE_SIZE);
    zx_handle_t original = zxc_duplicate(vmo, reduced);
    zx_handle_t copy = ZX_HANDLE_INVALID;
    zxc_expect_status("zx_handle_duplicate.DESCRIPTION.rights-right_same_rights-new-handle",
                      "zx_handle_duplicate(SAME_RIGHTS)",
                      ZX_OK, ZX(zx_handle_duplicate)(original, ZX_RIGHT_SAME_RIGHTS, &copy));
    zxc_expect_u64("zx_handle_duplicate.DESCRIPTION.rights-right_same_rights-new-handle",
                   "rights of the duplicate", reduced,
                   zxc_handle_info(copy).rights);
    zx_handle_t replaced = ZX_HANDLE_INVALID;
    zxc_expect_status("zx_handle_replace.DESCRIPTION.rights-right_same_rights-new-handle",
                      "zx_handle_replace(SAME_RIGHTS)", ZX_OK,
                      ZX(zx_handle_replace)(copy, ZX_RIGHT_SAME_RIGHTS, &replaced));
    zxc_expect_u64("zx_handle_replace.DESCRIPTION.rights-right_same_rights-new-handle",
                   "rights of the replacement", reduced,
                   zxc_handle_info(replaced).rights);
}

/* HANDLE_BASIC describes the handle (its rights) and its object (koid shared by every handle to
 * it, distinct between objects; the object's type); actual and avail count one record. */
ZXC_TEST(support_info_handle_basic) {
    ZXC_COVERS("zx_object_get_info.DESCRIPTION.writes-buffer-information-about");
    ZXC_COVERS("zx_object_get_info.DESCRIPTION.info_handle_basic-zx-info-handle");
    ZXC_COVERS("zx_object_get_info.DESCRIPTION.not-null-actual-receives");
    const char *clause = "zx_object_get_info.DESCRIPTION.info_handle_basic-zx-info-handle";
    struct zxc_guest g;
    zx_handle_t vcpu = zxc_guest_with_vcpu(&g, ZXC_IMAGE(exit));
    const struct {
        const char *name;
        zx_handle_t handle;
        zx_obj_type_t type;
    } objects[] = {{"VMO", g.vmo, ZX_OBJ_TYPE_VMO},
                   {"port", zxc_port_new(), ZX_OBJ_TYPE_PORT},
                   {"event", zxc_unrelated_handle(), ZX_OBJ_TYPE_EVENT},
                   {"resource", g.resource, ZX_OBJ_TYPE_RESOURCE},
                   {"guest", g.guest, ZX_OBJ_TYPE_GUEST},
                   {"VCPU", vcpu, ZX_OBJ_TYPE_VCPU}};
    const size_t count = sizeof objects / sizeof objects[0];
    zx_koid_t koids[sizeof objects / sizeof objects[0]];
    for (size_t i = 0; i < count; i++) {
        char what[96];
        zx_info_handle_basic_t info;
        memset(&info, 0xcc, sizeof info);
        size_t actual = 99, avail = 99;
        snprintf(what, sizeof what, "get_info(HANDLE_BASIC) of a %s", objects[i].name);
        zxc_expect_status("zx_object_get_info.DESCRIPTION.writes-buffer-information-about",
                          what, ZX_OK,
                          ZX(zx_object_get_info)(objects[i].handle, ZX_INFO_HANDLE_BASIC, &info,
                                                 sizeof info, &actual, &avail));
        zxc_expect_u64("zx_object_get_info.DESCRIPTION.not-null-actual-receives",
                       "actual (records written)", 1, actual);
        zxc_expect_u64("zx_object_get_info.DESCRIPTION.not-null-actual-receives",
                       "avail (records available)", 1, avail);
        snprintf(what, sizeof what, "type of a %s", objects[i].name);
        zxc_expect_u64(clause, what, objects[i].type, info.type);
        if (info.koid == ZX_KOID_INVALID) zxc_fail(clause, "a %s has koid 0", objects[i].name);
        for (size_t j = 0; j < i; j++)
            if (koids[j] == info.koid)
                zxc_fail(clause, "the %s and the %s share koid %llu", objects[j].name,
                         objects[i].name, (unsigned long long)info.koid);
        koids[i] = info.koid;

        /* A second handle with fewer rights: same object, the handle's own rights. */
        zx_handle_t reduced = zxc_duplicate(objects[i].handle, ZX_RIGHT_DUPLICATE);
        zx_info_handle_basic_t reduced_info;
        memset(&reduced_info, 0xcc, sizeof reduced_info);
        zxc_expect_status("zx_object_get_info.DESCRIPTION.writes-buffer-information-about",
                          what, ZX_OK,
                          ZX(zx_object_get_info)(reduced, ZX_INFO_HANDLE_BASIC, &reduced_info,
                                                 sizeof reduced_info, NULL, NULL));
        snprintf(what, sizeof what, "koid through a second handle to the %s", objects[i].name);
        zxc_expect_u64(clause, what, info.koid, reduced_info.koid);
        snprintf(what, sizeof what, "rights of a DUPLICATE-only handle to the %s",
                 objects[i].name);
        zxc_expect_u64(clause, what, ZX_RIGHT_DUPLICATE, reduced_info.rights);
        snprintf(what, sizeof what, "type through a second handle to the %s", objects[i].name);
        zxc_expect_u64(clause, what, info.type, reduced_info.type);
        snprintf(what, sizeof what, "related koid through a second handle to the %s",
                 objects[i].name);
        zxc_expect_u64(clause, what, info.related_koid, reduced_info.related_koid);
        snprintf(what, sizeof what, "props through a second handle to the %s", objects[i].name);
        zxc_expect_u64(clause, what, info.props, reduced_info.props);
        zxc_close(reduced);
    }
}

/* HANDLE_VALID leaves buffer, actual and avail alone and only judges the handle. */
ZXC_TEST(support_info_handle_valid) {
    ZXC_COVERS("zx_object_get_info.DESCRIPTION.info_handle_valid-nothing-written-call");
    const char *clause = "zx_object_get_info.DESCRIPTION.info_handle_valid-nothing-written-call";
    zx_handle_t vmo = zxc_vmo_new(ZXC_PAGE_SIZE);
    uint8_t buffer[sizeof(zx_info_handle_basic_t)];
    memset(buffer, 0xcc, sizeof buffer);
    zxc_expect_status(clause, "get_info(HANDLE_VALID) of a live handle", ZX_OK,
                      ZX(zx_object_get_info)(vmo, ZX_INFO_HANDLE_VALID, buffer, sizeof buffer,
                                             NULL, NULL));
    for (size_t i = 0; i < sizeof buffer; i++)
        zxc_expect_u64(clause, "buffer byte after get_info(HANDLE_VALID)", 0xcc, buffer[i]);
    zxc_close(vmo);
    zxc_expect_status(clause, "get_info(HANDLE_VALID) of a closed handle", ZX_ERR_BAD_HANDLE,
                      ZX(zx_object_get_info)(vmo, ZX_INFO_HANDLE_VALID, buffer, sizeof buffer,
                                             NULL, NULL));
}

/* ---- VMOs -------------------------------------------------------------------------------- */

/* Sizes round up to whole pages, and vmo_get_size reports the rounded size. */
ZXC_TEST(support_vmo_size_in_pages) {
    ZXC_COVERS("zx_vmo_get_size.DESCRIPTION.writes-size-bytes-vmo");
    ZXC_COVERS("zx_vmo_get_size.DESCRIPTION.size-always-whole-number");
    static const struct {
        uint64_t requested, expected;
    } cases[] = {{1, ZXC_PAGE_SIZE},
                 {ZXC_PAGE_SIZE, ZXC_PAGE_SIZE},
                 {ZXC_PAGE_SIZE + 1, 2 * ZXC_PAGE_SIZE},
                 {5 * ZXC_PAGE_SIZE - 7, 5 * ZXC_PAGE_SIZE},
                 {ZXC_GUEST_MEM_SIZE, ZXC_GUEST_MEM_SIZE}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        zx_handle_t vmo = zxc_vmo_new(cases[i].requested);
        uint64_t size = 0xdeadbeef;
        char what[80];
        snprintf(what, sizeof what, "zx_vmo_get_size of a VMO created with size %llu",
                 (unsigned long long)cases[i].requested);
        zxc_expect_status("zx_vmo_get_size.DESCRIPTION.writes-size-bytes-vmo", what, ZX_OK,
                          ZX(zx_vmo_get_size)(vmo, &size));
        zxc_expect_u64("zx_vmo_get_size.DESCRIPTION.size-always-whole-number",
                       "size modulo the page size", 0,
                       size % ZXC_PAGE_SIZE);
        zxc_expect_u64("zx_vmo_get_size.DESCRIPTION.writes-size-bytes-vmo",
                       what, cases[i].expected, size);
        zxc_close(vmo);
    }
}

/* A new VMO reads as zeros, all through its last page. */
ZXC_TEST(support_vmo_new_reads_zero) {
    ZXC_COVERS("zx_vmo_create.DESCRIPTION.memory-new-vmo-reads");
    const size_t size = 3 * ZXC_PAGE_SIZE;
    zx_handle_t vmo = zxc_vmo_new(size);
    static uint8_t data[3 * ZXC_PAGE_SIZE];
    memset(data, 0xcc, sizeof data);
    zxc_expect_status("zx_vmo_create.DESCRIPTION.memory-new-vmo-reads",
                      "zx_vmo_read of a new VMO", ZX_OK,
                      ZX(zx_vmo_read)(vmo, data, 0, size));
    for (size_t i = 0; i < size; i++)
        if (data[i] != 0)
            zxc_fail("zx_vmo_create.DESCRIPTION.memory-new-vmo-reads",
                     "byte %zu of a new VMO: expected 0, got 0x%02x",
                     i, data[i]);
}

/* vmo_write stores exactly len bytes at offset (across a page boundary) and vmo_read returns
 * exactly them: the bytes around stay zero, and a read at an inner offset sees the middle. */
ZXC_TEST(support_vmo_write_read_offsets) {
    ZXC_COVERS("zx_vmo_read.DESCRIPTION.copies-len-bytes-vmo");
    ZXC_COVERS("zx_vmo_write.DESCRIPTION.copies-len-bytes-data");
    zx_handle_t vmo = zxc_vmo_new(2 * ZXC_PAGE_SIZE);
    uint8_t pattern[100];
    for (size_t i = 0; i < sizeof pattern; i++) pattern[i] = (uint8_t)(i * 7 + 1);
    const uint64_t offset = ZXC_PAGE_SIZE - 37;
    zxc_expect_status("zx_vmo_write.DESCRIPTION.copies-len-bytes-data",
                      "zx_vmo_write(100 bytes at 4096-37)", ZX_OK,
                      ZX(zx_vmo_write)(vmo, pattern, offset, sizeof pattern));
    static uint8_t whole[2 * ZXC_PAGE_SIZE];
    zxc_expect_status("zx_vmo_read.DESCRIPTION.copies-len-bytes-vmo",
                      "zx_vmo_read of the whole VMO", ZX_OK,
                      ZX(zx_vmo_read)(vmo, whole, 0, sizeof whole));
    for (size_t i = 0; i < sizeof whole; i++) {
        bool written = i >= offset && i < offset + sizeof pattern;
        uint8_t expected = written ? pattern[i - offset] : 0;
        if (whole[i] != expected)
            zxc_fail("zx_vmo_write.DESCRIPTION.copies-len-bytes-data",
                     "byte %zu after writing 100 bytes at %llu: expected 0x%02x, got 0x%02x", i,
                     (unsigned long long)offset, expected, whole[i]);
    }
    uint8_t middle[10];
    memset(middle, 0xcc, sizeof middle);
    zxc_expect_status("zx_vmo_read.DESCRIPTION.copies-len-bytes-vmo",
                      "zx_vmo_read(10 bytes at 4096-37+50)", ZX_OK,
                      ZX(zx_vmo_read)(vmo, middle, offset + 50, sizeof middle));
    for (size_t i = 0; i < sizeof middle; i++)
        zxc_expect_u64("zx_vmo_read.DESCRIPTION.copies-len-bytes-vmo",
                       "byte read at an inner offset",
                       pattern[50 + i], middle[i]);
}

/* The guest loads what the host wrote with vmo_write, and the host reads with vmo_read what the
 * guest stored. */
ZXC_TEST(support_vmo_guest_sees_same_bytes) {
    ZXC_COVERS("zx_vmo_read.DESCRIPTION.vmo-used-guest-memory");
    ZXC_COVERS("zx_vmo_write.DESCRIPTION.vmo-used-guest-memory");
    const uint64_t host_value = 0x0123456789abcdefull, guest_value = 0xfedcba9876543210ull;
    struct zxc_guest g;
    zx_handle_t vcpu = zxc_guest_with_vcpu(&g, ZXC_IMAGE(load_store));
    zxc_expect_status("zx_vmo_write.DESCRIPTION.vmo-used-guest-memory",
                      "zx_vmo_write(guest memory at 0x5000)", ZX_OK,
                      ZX(zx_vmo_write)(g.vmo, &host_value, 0x5000, sizeof host_value));
    zx_vcpu_state_t state = zxc_read_state(vcpu);
    state.rbx = guest_value;
    zxc_write_state(vcpu, &state);
    zxc_resume_expect_exit(vcpu, "zx_vmo_write.DESCRIPTION.vmo-used-guest-memory");
    zxc_expect_u64("zx_vmo_write.DESCRIPTION.vmo-used-guest-memory",
                   "rax after the guest loaded GPA 0x5000",
                   host_value, zxc_read_state(vcpu).rax);
    uint64_t read_back = 0;
    zxc_expect_status("zx_vmo_read.DESCRIPTION.vmo-used-guest-memory",
                      "zx_vmo_read(guest memory at 0x6000)", ZX_OK,
                      ZX(zx_vmo_read)(g.vmo, &read_back, 0x6000, sizeof read_back));
    zxc_expect_u64("zx_vmo_read.DESCRIPTION.vmo-used-guest-memory",
                   "bytes the guest stored at GPA 0x6000",
                   guest_value, read_back);
}

/* ---- Port deadlines ---------------------------------------------------------------------- */

struct delayed_packet {
    zx_handle_t port;
    int delay_ms;
    volatile bool cancelled;
    zx_status_t status;
};

/* Queues a user packet after delay_ms unless cancelled first. */
static void *queue_after_delay(void *arg) {
    struct delayed_packet *d = arg;
    for (int waited = 0; waited < d->delay_ms; waited += 10) {
        if (d->cancelled) return NULL;
        zxc_sleep_ms(10);
    }
    zx_port_packet_t p;
    memset(&p, 0, sizeof p);
    p.key = 0x77;
    p.type = ZX_PKT_TYPE_USER;
    d->status = ZX(zx_port_queue)(d->port, &p);
    return NULL;
}

/* A deadline 100 ms ahead on the monotonic clock passes after about 100 ms (a packet queued at
 * 3 s would show it read as relative), and ZX_TIME_INFINITE waits for a packet 200 ms away. */
ZXC_TEST(support_port_wait_deadline) {
    ZXC_COVERS("zx_port_wait.DESCRIPTION.deadline-absolute-time-monotonic");
    const char *clause = "zx_port_wait.DESCRIPTION.deadline-absolute-time-monotonic";
    zx_handle_t port = zxc_port_new();
    struct delayed_packet rescue = {.port = port, .delay_ms = 3000};
    pthread_t thread;
    pthread_create(&thread, NULL, queue_after_delay, &rescue);
    zx_port_packet_t p;
    int64_t start = (int64_t)zxc_now_ns();
    zx_status_t status = ZX(zx_port_wait)(port, start + 100 * 1000000, &p);
    int64_t waited_ms = ((int64_t)zxc_now_ns() - start) / 1000000;
    rescue.cancelled = true;
    pthread_join(thread, NULL);
    zxc_expect_status(clause, "zx_port_wait(empty port, deadline now + 100 ms)",
                      ZX_ERR_TIMED_OUT, status);
    if (waited_ms < 95 || waited_ms > 2000)
        zxc_fail(clause, "zx_port_wait(deadline now + 100 ms) returned after %lld ms",
                 (long long)waited_ms);

    struct delayed_packet later = {.port = port, .delay_ms = 200};
    pthread_create(&thread, NULL, queue_after_delay, &later);
    start = (int64_t)zxc_now_ns();
    status = ZX(zx_port_wait)(port, ZX_TIME_INFINITE, &p);
    waited_ms = ((int64_t)zxc_now_ns() - start) / 1000000;
    pthread_join(thread, NULL);
    zxc_expect_status(clause, "zx_port_queue from the helper thread", ZX_OK, later.status);
    zxc_expect_status(clause, "zx_port_wait(ZX_TIME_INFINITE)", ZX_OK, status);
    zxc_expect_u64(clause, "key of the packet queued after 200 ms", 0x77, p.key);
    if (waited_ms < 150)
        zxc_fail(clause, "zx_port_wait(ZX_TIME_INFINITE) returned after %lld ms, before the "
                         "packet was queued", (long long)waited_ms);
}

/* ---- VCPUs ------------------------------------------------------------------------------- */

/* read_state fills exactly len bytes at buffer, and write_state sets the state from them: what
 * is written reads back, without the guest running. */
ZXC_TEST(support_vcpu_state_copies) {
    ZXC_COVERS("zx_vcpu_read_state.DESCRIPTION.copies-state-vcpu-kind");
    ZXC_COVERS("zx_vcpu_write_state.DESCRIPTION.sets-state-vcpu-kind");
    struct zxc_guest g;
    zx_handle_t vcpu = zxc_guest_with_vcpu(&g, ZXC_IMAGE(exit));
    struct {
        zx_vcpu_state_t state;
        uint8_t guard[64];
    } out;
    memset(&out, 0xcc, sizeof out);
    zxc_expect_status("zx_vcpu_read_state.DESCRIPTION.copies-state-vcpu-kind",
                      "zx_vcpu_read_state", ZX_OK,
                      ZX(zx_vcpu_read_state)(vcpu, ZX_VCPU_STATE, &out.state, sizeof out.state));
    for (size_t i = 0; i < sizeof out.guard; i++)
        zxc_expect_u64("zx_vcpu_read_state.DESCRIPTION.copies-state-vcpu-kind",
                       "byte past len after read_state", 0xcc,
                       out.guard[i]);
    zx_vcpu_state_t written = out.state;
    uint64_t *regs = &written.rax;
    for (int i = 0; i < 16; i++) regs[i] = 0x1111111111111111ull * (uint64_t)(i % 15 + 1);
    zxc_expect_status("zx_vcpu_write_state.DESCRIPTION.sets-state-vcpu-kind",
                      "zx_vcpu_write_state", ZX_OK,
                      ZX(zx_vcpu_write_state)(vcpu, ZX_VCPU_STATE, &written, sizeof written));
    zx_vcpu_state_t after = zxc_read_state(vcpu);
    static const char *names[16] = {"rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi",
                                    "r8",  "r9",  "r10", "r11", "r12", "r13", "r14", "r15"};
    const uint64_t *after_regs = &after.rax;
    for (int i = 0; i < 16; i++) {
        char what[64];
        snprintf(what, sizeof what, "%s read back after write_state", names[i]);
        zxc_expect_u64("zx_vcpu_write_state.DESCRIPTION.sets-state-vcpu-kind",
                       what, regs[i], after_regs[i]);
    }
}

struct secondary {
    const struct zxc_guest *guest;
    pthread_barrier_t *all_created;
    uint64_t entry;
    zx_status_t create, resume;
    zx_port_packet_t packet;
};

/* Creates a VCPU bound to this thread and, once every VCPU exists, runs it to its report. */
static void *run_secondary(void *arg) {
    struct secondary *s = arg;
    zx_handle_t vcpu = ZX_HANDLE_INVALID;
    s->create = ZX(zx_vcpu_create)(s->guest->guest, 0, s->entry, &vcpu);
    pthread_barrier_wait(s->all_created);
    if (s->create == ZX_OK) s->resume = ZX(zx_vcpu_resume)(vcpu, &s->packet);
    return NULL;
}

/* One guest gets more VCPUs than the host has CPUs, each on its own thread, all existing at
 * once; every one of them runs its code. */
ZXC_TEST(support_vcpus_beyond_host_cpus) {
    ZXC_COVERS("zx_vcpu_create.DESCRIPTION.guest-several-vcpus-how");
    const char *clause = "zx_vcpu_create.DESCRIPTION.guest-several-vcpus-how";
    enum { MAX_SECONDARIES = 15 };
    long host_cpus = sysconf(_SC_NPROCESSORS_ONLN);
    int secondaries = host_cpus + 1 < MAX_SECONDARIES ? (int)host_cpus + 1 : MAX_SECONDARIES;
    if (secondaries < 3) secondaries = 3;
    struct zxc_guest g;
    zx_handle_t first = zxc_guest_with_vcpu(&g, ZXC_IMAGE(exit));
    zxc_set_trap(&g, ZX_GUEST_TRAP_IO, ZXC_TRAP_PORT, 1, ZX_HANDLE_INVALID, ZXC_TRAP_KEY);
    pthread_barrier_t all_created;
    pthread_barrier_init(&all_created, NULL, (unsigned)secondaries);
    struct secondary s[MAX_SECONDARIES];
    pthread_t threads[MAX_SECONDARIES];
    for (int i = 0; i < secondaries; i++) {
        s[i] = (struct secondary){.guest = &g, .all_created = &all_created,
                                  .entry = 0x100000 + (uint64_t)i * ZXC_PAGE_SIZE};
        zxc_guest_load(&g, s[i].entry, ZXC_IMAGE(report16));
        pthread_create(&threads[i], NULL, run_secondary, &s[i]);
    }
    for (int i = 0; i < secondaries; i++) pthread_join(threads[i], NULL);
    pthread_barrier_destroy(&all_created);
    for (int i = 0; i < secondaries; i++) {
        char what[96];
        snprintf(what, sizeof what, "zx_vcpu_create of VCPU %d of %d (host has %ld CPUs)", i + 2,
                 secondaries + 1, host_cpus);
        zxc_expect_status(clause, what, ZX_OK, s[i].create);
        snprintf(what, sizeof what, "zx_vcpu_resume of VCPU %d", i + 2);
        zxc_expect_status(clause, what, ZX_OK, s[i].resume);
        snprintf(what, sizeof what, "packet type from VCPU %d", i + 2);
        zxc_expect_u64(clause, what, ZX_PKT_TYPE_GUEST_IO, s[i].packet.type);
        snprintf(what, sizeof what, "IO port reported by VCPU %d", i + 2);
        zxc_expect_u64(clause, what, ZXC_TRAP_PORT, s[i].packet.guest_io.port);
    }
    zxc_resume_expect_exit(first, clause);
}

/* After each IO packet, resume continues the guest from the next instruction: the guest counts
 * its own progress in al across three stops. */
ZXC_TEST(support_resume_continues) {
    ZXC_COVERS("zx_vcpu_resume.DESCRIPTION.after-handling-packet-caller");
    const char *clause = "zx_vcpu_resume.DESCRIPTION.after-handling-packet-caller";
    struct zxc_guest g;
    zx_handle_t vcpu = zxc_guest_with_vcpu(&g, ZXC_IMAGE(count_io));
    zxc_set_trap(&g, ZX_GUEST_TRAP_IO, ZXC_TRAP_PORT, 1, ZX_HANDLE_INVALID, ZXC_TRAP_KEY);
    zx_vcpu_state_t state = zxc_read_state(vcpu);
    state.rax = 0;
    zxc_write_state(vcpu, &state);
    for (uint8_t count = 1; count <= 2; count++) {
        zx_port_packet_t p = zxc_resume(vcpu, clause);
        zxc_expect_u64(clause, "packet type", ZX_PKT_TYPE_GUEST_IO, p.type);
        zxc_expect_u64(clause, "al the guest sent (how many increments it has run)", count,
                       p.guest_io.u8);
    }
    zxc_resume_expect_exit(vcpu, clause);
    zxc_expect_u64(clause, "rax at exit", 2, zxc_read_state(vcpu).rax);
}
