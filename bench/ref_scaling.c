/* 5. Scaling: 1, 8 and 64 VCPUs of one guest, each on its own thread, all running the IO exit
 * loop at once; the figure is the total of exits per second. Every round gets a fresh guest
 * (KVM frees VCPUs only with their VM); VCPU creation happens before the clock starts. */
#include <linux/kvm.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zircon/syscalls.h>

#include "bench.h"
#include "raw_kvm.h"

struct scaling_bench {
    int vcpus;
    uint64_t duration_ns;
};

struct scaling_round {
    enum bench_side side;
    zx_handle_t guest;
    struct raw_vm vm;
    pthread_barrier_t started; /* every VCPU created, plus the timing thread */
    atomic_bool stop;
    atomic_int failures;
    char error[256];
    pthread_mutex_t error_lock;
};

struct worker {
    struct scaling_round *round;
    unsigned index;
    long exits;
    pthread_t thread;
};

static void worker_fail(struct scaling_round *r, const char *what, long value) {
    pthread_mutex_lock(&r->error_lock);
    if (atomic_fetch_add(&r->failures, 1) == 0)
        snprintf(r->error, sizeof(r->error), "%s: %ld", what, value);
    pthread_mutex_unlock(&r->error_lock);
}

static void run_ref(struct worker *w) {
    struct scaling_round *r = w->round;
    zx_handle_t vcpu = ZX_HANDLE_INVALID;
    zx_status_t status = zx_vcpu_create(r->guest, 0, BENCH_GUEST_CODE_ADDR, &vcpu);
    if (status != ZX_OK)
        worker_fail(r, "zx_vcpu_create returned", status);
    pthread_barrier_wait(&r->started);
    while (status == ZX_OK && !atomic_load_explicit(&r->stop, memory_order_relaxed)) {
        zx_port_packet_t packet;
        status = zx_vcpu_resume(vcpu, &packet);
        if (status != ZX_OK || packet.type != ZX_PKT_TYPE_GUEST_IO)
            worker_fail(r, "zx_vcpu_resume: expected a GUEST_IO packet, got status", status);
        else
            w->exits++;
    }
    zx_handle_close(vcpu);
}

static void run_raw(struct worker *w) {
    struct scaling_round *r = w->round;
    struct raw_vcpu vcpu;
    int reason = raw_vcpu_create(&r->vm, w->index, BENCH_GUEST_CODE_ADDR, &vcpu);
    if (reason != 0)
        worker_fail(r, "raw VCPU creation failed, errno", -reason);
    pthread_barrier_wait(&r->started);
    while (reason == 0 && !atomic_load_explicit(&r->stop, memory_order_relaxed)) {
        if ((reason = raw_vcpu_run(&vcpu)) != KVM_EXIT_IO)
            worker_fail(r, "KVM_RUN: expected KVM_EXIT_IO, got", reason);
        else
            reason = 0, w->exits++;
    }
    raw_vcpu_destroy(&vcpu);
}

static void *worker_main(void *arg) {
    struct worker *w = arg;
    if (w->round->side == BENCH_REF)
        run_ref(w);
    else
        run_raw(w);
    return NULL;
}

/* Threads already started wait at the barrier for ever: nothing sensible is left to do. */
static void fatal_start_failure(const char *why) {
    fprintf(stderr, "bench: scaling: cannot start the VCPU threads: %s\n", why);
    exit(1);
}

static int prepare_guest(struct scaling_round *r) {
    size_t len = (size_t)(bench_io_loop_end - bench_io_loop);
    if (r->side == BENCH_REF) {
        if (ref_guest_create(bench_io_loop, len, &r->guest) != 0)
            return -1;
        zx_status_t status = zx_guest_set_trap(r->guest, ZX_GUEST_TRAP_IO, BENCH_IO_PORT, 1,
                                               ZX_HANDLE_INVALID, BENCH_TRAP_KEY);
        return status == ZX_OK ? 0 : bench_error("zx_guest_set_trap returned %d", status);
    }
    int err = raw_vm_create(&r->vm, BENCH_GUEST_MEM_SIZE);
    if (err != 0)
        return bench_error("raw VM: %s", strerror(-err));
    memcpy(r->vm.mem + BENCH_GUEST_CODE_ADDR, bench_io_loop, len);
    return 0;
}

static int measure(void *ctx, enum bench_side side, double *exits_per_s) {
    struct scaling_bench *b = ctx;
    struct scaling_round r = {.side = side, .vm = {.kvm_fd = -1, .vm_fd = -1}};
    if (prepare_guest(&r) != 0) {
        zx_handle_close(r.guest);
        return -1;
    }
    pthread_mutex_init(&r.error_lock, NULL);
    pthread_barrier_init(&r.started, NULL, (unsigned)b->vcpus + 1);
    struct worker *workers = calloc((size_t)b->vcpus, sizeof(*workers));
    if (workers == NULL)
        fatal_start_failure("out of memory");
    for (int i = 0; i < b->vcpus; i++) {
        workers[i] = (struct worker){.round = &r, .index = (unsigned)i};
        if (pthread_create(&workers[i].thread, NULL, worker_main, &workers[i]) != 0)
            fatal_start_failure("pthread_create failed");
    }
    pthread_barrier_wait(&r.started);
    uint64_t start = bench_now_ns();
    struct timespec duration = {.tv_sec = (time_t)(b->duration_ns / 1000000000),
                                .tv_nsec = (long)(b->duration_ns % 1000000000)};
    nanosleep(&duration, NULL);
    atomic_store(&r.stop, true);
    uint64_t elapsed = bench_now_ns() - start;
    long exits = 0;
    for (int i = 0; i < b->vcpus; i++) {
        pthread_join(workers[i].thread, NULL);
        exits += workers[i].exits;
    }
    *exits_per_s = (double)exits * 1e9 / (double)elapsed;
    int result = 0;
    if (atomic_load(&r.failures) > 0)
        result = bench_error("%d of %d VCPU threads failed; first: %s", atomic_load(&r.failures),
                             b->vcpus, r.error);
    free(workers);
    pthread_barrier_destroy(&r.started);
    pthread_mutex_destroy(&r.error_lock);
    zx_handle_close(r.guest);
    raw_vm_destroy(&r.vm);
    return result;
}

static int setup(void **ctx, const struct bench_config *cfg, int vcpus) {
    struct scaling_bench *b = calloc(1, sizeof(*b));
    if (b == NULL)
        return bench_error("out of memory");
    *b = (struct scaling_bench){.vcpus = vcpus, .duration_ns = cfg->smoke ? 20000000 : 300000000};
    *ctx = b;
    return 0;
}
static int setup_1(void **ctx, const struct bench_config *cfg) { return setup(ctx, cfg, 1); }
static int setup_8(void **ctx, const struct bench_config *cfg) { return setup(ctx, cfg, 8); }
static int setup_64(void **ctx, const struct bench_config *cfg) { return setup(ctx, cfg, 64); }
static void teardown(void *ctx) { free(ctx); }

struct bench bench_scaling_1 = {
    .id = "scaling_1", .title = "exit loop, 1 VCPU thread", .unit = "exits/s",
    .has_raw = true, .setup = setup_1, .measure = measure, .teardown = teardown,
};
struct bench bench_scaling_8 = {
    .id = "scaling_8", .title = "exit loop, 8 VCPU threads", .unit = "exits/s",
    .has_raw = true, .setup = setup_8, .measure = measure, .teardown = teardown,
};
struct bench bench_scaling_64 = {
    .id = "scaling_64", .title = "exit loop, 64 VCPU threads", .unit = "exits/s",
    .has_raw = true, .setup = setup_64, .measure = measure, .teardown = teardown,
};
