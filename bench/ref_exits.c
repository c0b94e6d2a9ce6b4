/* 1. IO exit and 2. MEM exit round trips: zx_vcpu_resume with an IO (MEM) trap against KVM_RUN
 * on the same guest loop, one exit per iteration. */
#include <linux/kvm.h>
#include <stdlib.h>
#include <string.h>
#include <zircon/syscalls.h>

#include "bench.h"
#include "raw_kvm.h"

struct exit_loops {
    bool mem;
    zx_handle_t guest, vcpu;
    struct raw_vm raw_vm;
    struct raw_vcpu raw_vcpu;
};

static int set_ref_trap(struct exit_loops *l) {
    zx_status_t status =
        l->mem ? zx_guest_set_trap(l->guest, ZX_GUEST_TRAP_MEM, BENCH_MEM_TRAP_ADDR, 0x1000,
                                   ZX_HANDLE_INVALID, BENCH_TRAP_KEY)
               : zx_guest_set_trap(l->guest, ZX_GUEST_TRAP_IO, BENCH_IO_PORT, 1,
                                   ZX_HANDLE_INVALID, BENCH_TRAP_KEY);
    return status == ZX_OK ? 0 : bench_error("zx_guest_set_trap returned %d", status);
}

int exit_loops_create(bool mem, struct exit_loops **out) {
    const uint8_t *code = mem ? bench_mem_loop : bench_io_loop;
    size_t len = (size_t)((mem ? bench_mem_loop_end : bench_io_loop_end) - code);
    struct exit_loops *l = calloc(1, sizeof(*l));
    if (l == NULL)
        return bench_error("out of memory");
    *l = (struct exit_loops){.mem = mem, .raw_vm = {.kvm_fd = -1, .vm_fd = -1},
                             .raw_vcpu = {.fd = -1}};
    *out = l;
    if (ref_guest_create(code, len, &l->guest) != 0 || set_ref_trap(l) != 0)
        return -1;
    zx_status_t status = zx_vcpu_create(l->guest, 0, BENCH_GUEST_CODE_ADDR, &l->vcpu);
    if (status != ZX_OK)
        return bench_error("zx_vcpu_create returned %d", status);
    int err = raw_vm_create(&l->raw_vm, BENCH_GUEST_MEM_SIZE);
    if (err != 0)
        return bench_error("raw VM: %s", strerror(-err));
    memcpy(l->raw_vm.mem + BENCH_GUEST_CODE_ADDR, code, len);
    err = raw_vcpu_create(&l->raw_vm, 0, BENCH_GUEST_CODE_ADDR, &l->raw_vcpu);
    return err == 0 ? 0 : bench_error("raw VCPU: %s", strerror(-err));
}

void exit_loops_destroy(struct exit_loops *l) {
    if (l == NULL)
        return;
    zx_handle_close(l->vcpu);
    zx_handle_close(l->guest);
    raw_vcpu_destroy(&l->raw_vcpu);
    raw_vm_destroy(&l->raw_vm);
    free(l);
}

__attribute__((noinline)) int bench_ref_exits(struct exit_loops *l, long exits) {
    uint32_t expected = l->mem ? ZX_PKT_TYPE_GUEST_MEM : ZX_PKT_TYPE_GUEST_IO;
    for (long i = 0; i < exits; i++) {
        zx_port_packet_t packet;
        zx_status_t status = zx_vcpu_resume(l->vcpu, &packet);
        if (status != ZX_OK || packet.type != expected)
            return bench_error("exit %ld: zx_vcpu_resume returned %d, packet type %u (expected "
                               "ZX_OK, type %u)", i, status, packet.type, expected);
    }
    return 0;
}

__attribute__((noinline)) int bench_raw_exits(struct exit_loops *l, long exits) {
    int expected = l->mem ? KVM_EXIT_MMIO : KVM_EXIT_IO;
    for (long i = 0; i < exits; i++) {
        int reason = raw_vcpu_run(&l->raw_vcpu);
        if (reason != expected)
            return bench_error("exit %ld: KVM_RUN gave %d (expected exit reason %d)", i, reason,
                               expected);
    }
    return 0;
}

static long exits_per_round(const struct bench_config *cfg) { return cfg->smoke ? 1000 : 50000; }

struct exit_bench {
    struct exit_loops *loops;
    long exits;
};

static int setup(void **ctx, const struct bench_config *cfg, bool mem) {
    struct exit_bench *b = calloc(1, sizeof(*b));
    if (b == NULL)
        return bench_error("out of memory");
    *ctx = b;
    b->exits = exits_per_round(cfg);
    return exit_loops_create(mem, &b->loops);
}
static int setup_io(void **ctx, const struct bench_config *cfg) { return setup(ctx, cfg, false); }
static int setup_mem(void **ctx, const struct bench_config *cfg) { return setup(ctx, cfg, true); }

static int measure(void *ctx, enum bench_side side, double *ns_per_exit) {
    struct exit_bench *b = ctx;
    uint64_t start = bench_now_ns();
    int status = side == BENCH_REF ? bench_ref_exits(b->loops, b->exits)
                                   : bench_raw_exits(b->loops, b->exits);
    *ns_per_exit = (double)(bench_now_ns() - start) / (double)b->exits;
    return status;
}

/* What reading the guest's registers at every exit costs raw KVM: the same raw loop with
 * KVM_CAP_SYNC_REGS copying regs and sregs into kvm_run, as the reference asks (it needs RIP,
 * RAX, RDX and the paging registers to tell plain from string IO), against the loop without. */
static int measure_synced(void *ctx, enum bench_side side, double *ns_per_exit) {
    struct exit_bench *b = ctx;
    struct kvm_run *run = b->loops->raw_vcpu.run;
    run->kvm_valid_regs = side == BENCH_REF ? KVM_SYNC_X86_REGS | KVM_SYNC_X86_SREGS : 0;
    int status = measure(ctx, BENCH_RAW, ns_per_exit);
    run->kvm_valid_regs = 0;
    return status;
}

static void teardown(void *ctx) {
    struct exit_bench *b = ctx;
    if (b != NULL)
        exit_loops_destroy(b->loops);
    free(b);
}

struct bench bench_io_exit = {
    .id = "io_exit", .title = "IO exit round trip", .unit = "ns/exit",
    .target_kind = BENCH_TARGET_RATIO_MAX, .target = 1.05, .has_raw = true,
    .setup = setup_io, .measure = measure, .teardown = teardown,
};

struct bench bench_mem_exit = {
    .id = "mem_exit", .title = "MEM trap round trip", .unit = "ns/exit",
    .target_kind = BENCH_TARGET_RATIO_MAX, .target = 1.15, .has_raw = true,
    .setup = setup_mem, .measure = measure, .teardown = teardown,
};

struct bench bench_io_exit_synced = {
    .id = "io_exit_raw_synced", .title = "IO exit, raw KVM: registers synced (ref column) or not",
    .unit = "ns/exit", .target_kind = BENCH_TARGET_NONE, .has_raw = true,
    .setup = setup_io, .measure = measure_synced, .teardown = teardown,
};
