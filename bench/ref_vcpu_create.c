/* 3. VCPU creation: zx_vcpu_create + zx_handle_close against the raw minimum that also starts a
 * VCPU at entry (KVM_CREATE_VCPU, mmap of kvm_run, CPUID for long mode, registers, close).
 * KVM destroys VCPUs only with their VM, so every creation gets a fresh VM, made untimed. */
#include <stdlib.h>
#include <string.h>
#include <zircon/syscalls.h>

#include "bench.h"
#include "raw_kvm.h"

struct create_bench {
    int count; /* creations per round */
    zx_handle_t *guests;
    struct raw_vm *vms;
};

static int setup(void **ctx, const struct bench_config *cfg) {
    struct create_bench *b = calloc(1, sizeof(*b));
    if (b == NULL)
        return bench_error("out of memory");
    *ctx = b;
    b->count = cfg->smoke ? 4 : 64;
    b->guests = calloc((size_t)b->count, sizeof(*b->guests));
    b->vms = calloc((size_t)b->count, sizeof(*b->vms));
    if (b->guests == NULL || b->vms == NULL)
        return bench_error("out of memory");
    for (int i = 0; i < b->count; i++)
        b->vms[i] = (struct raw_vm){.kvm_fd = -1, .vm_fd = -1}; /* nothing to close yet */
    return 0;
}

static int measure_ref(struct create_bench *b, double *ns) {
    for (int i = 0; i < b->count; i++)
        if (ref_guest_create(bench_io_loop, (size_t)(bench_io_loop_end - bench_io_loop),
                             &b->guests[i]) != 0)
            return -1;
    int result = 0;
    uint64_t start = bench_now_ns();
    for (int i = 0; i < b->count && result == 0; i++) {
        zx_handle_t vcpu;
        zx_status_t status = zx_vcpu_create(b->guests[i], 0, BENCH_GUEST_CODE_ADDR, &vcpu);
        if (status != ZX_OK)
            result = bench_error("zx_vcpu_create returned %d", status);
        else if ((status = zx_handle_close(vcpu)) != ZX_OK)
            result = bench_error("zx_handle_close(vcpu) returned %d", status);
    }
    *ns = (double)(bench_now_ns() - start) / b->count;
    for (int i = 0; i < b->count; i++) {
        zx_handle_close(b->guests[i]);
        b->guests[i] = ZX_HANDLE_INVALID;
    }
    return result;
}

static int measure_raw(struct create_bench *b, double *ns) {
    int result = 0;
    for (int i = 0; i < b->count && result == 0; i++) {
        int err = raw_vm_create(&b->vms[i], BENCH_GUEST_MEM_SIZE);
        if (err != 0)
            result = bench_error("raw VM: %s", strerror(-err));
    }
    uint64_t start = bench_now_ns();
    for (int i = 0; i < b->count && result == 0; i++) {
        struct raw_vcpu vcpu;
        int err = raw_vcpu_create(&b->vms[i], 0, BENCH_GUEST_CODE_ADDR, &vcpu);
        if (err != 0)
            result = bench_error("raw VCPU: %s", strerror(-err));
        raw_vcpu_destroy(&vcpu);
    }
    *ns = (double)(bench_now_ns() - start) / b->count;
    for (int i = 0; i < b->count; i++)
        raw_vm_destroy(&b->vms[i]);
    return result;
}

static int measure(void *ctx, enum bench_side side, double *ns_per_create) {
    return side == BENCH_REF ? measure_ref(ctx, ns_per_create) : measure_raw(ctx, ns_per_create);
}

static void teardown(void *ctx) {
    struct create_bench *b = ctx;
    if (b != NULL) {
        free(b->guests);
        free(b->vms);
    }
    free(b);
}

struct bench bench_vcpu_create = {
    .id = "vcpu_create", .title = "VCPU create + close", .unit = "ns/vcpu",
    .target_kind = BENCH_TARGET_RATIO_MAX, .target = 1.2, .has_raw = true,
    .setup = setup, .measure = measure, .teardown = teardown,
};
