/* 4. The handle table: zx_handle_duplicate + zx_handle_close pairs, and lookups
 * (zx_vmo_get_size) with 1, 10^3 and 10^6 live handles. The raw baseline is the kernel's own
 * handle table, file descriptors: dup + close, and fcntl(F_GETFD) with as many live fds.
 * Lookups cycle over at most LOOKUP_SET handles spread evenly over the live ones, so the
 * figure shows the cost of the table's lookup, not of cache misses on a huge working set. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <unistd.h>
#include <zircon/syscalls.h>

#include "bench.h"

#define LOOKUP_SET 1024

struct handle_bench {
    long live;    /* live handles during lookups (0: the dup/close benchmark) */
    long ops;     /* pairs or lookups per round */
    zx_handle_t vmo;
    int memfd;
    zx_handle_t *handles; /* the live handles, handles[0] == vmo */
    int *fds;             /* the live fds, fds[0] == memfd */
    long filled_handles, filled_fds;
    zx_handle_t set[LOOKUP_SET];
    int set_fds[LOOKUP_SET];
};

/* Room for `live` descriptors besides the ones already open. */
static int raise_fd_limit(long live) {
    struct rlimit limit = {.rlim_cur = (rlim_t)live + 1024, .rlim_max = (rlim_t)live + 1024};
    struct rlimit now;
    if (getrlimit(RLIMIT_NOFILE, &now) == 0 && now.rlim_cur >= limit.rlim_cur)
        return 0;
    if (setrlimit(RLIMIT_NOFILE, &limit) != 0)
        return bench_error("setrlimit(RLIMIT_NOFILE, %ld) failed: %s (raw baseline needs %ld fds)",
                           (long)limit.rlim_cur, strerror(errno), live);
    return 0;
}

static int fill(struct handle_bench *b) {
    b->handles = calloc((size_t)b->live, sizeof(*b->handles));
    b->fds = calloc((size_t)b->live, sizeof(*b->fds));
    if (b->handles == NULL || b->fds == NULL)
        return bench_error("out of memory");
    b->handles[0] = b->vmo;
    b->fds[0] = b->memfd;
    for (b->filled_handles = 1; b->filled_handles < b->live; b->filled_handles++) {
        zx_status_t status = zx_handle_duplicate(b->vmo, ZX_RIGHT_SAME_RIGHTS,
                                                 &b->handles[b->filled_handles]);
        if (status != ZX_OK)
            return bench_error("zx_handle_duplicate returned %d with %ld live handles (needs %ld)",
                               status, b->filled_handles, b->live);
    }
    if (raise_fd_limit(b->live) != 0)
        return -1;
    for (b->filled_fds = 1; b->filled_fds < b->live; b->filled_fds++)
        if ((b->fds[b->filled_fds] = dup(b->memfd)) < 0)
            return bench_error("dup failed with %ld live fds: %s", b->filled_fds, strerror(errno));
    long step = b->live < LOOKUP_SET ? 1 : b->live / LOOKUP_SET;
    for (long i = 0; i < LOOKUP_SET; i++) {
        b->set[i] = b->handles[(i * step) % b->live];
        b->set_fds[i] = b->fds[(i * step) % b->live];
    }
    return 0;
}

static int setup(void **ctx, const struct bench_config *cfg, long live) {
    struct handle_bench *b = calloc(1, sizeof(*b));
    if (b == NULL)
        return bench_error("out of memory");
    *ctx = b;
    b->live = live;
    b->memfd = -1;
    /* A million duplicate/close pairs, as asked; lookups need fewer for a stable figure. */
    b->ops = cfg->smoke ? 10000 : live > 0 ? 200000 : 1000000;
    zx_status_t status = zx_vmo_create(4096, 0, &b->vmo);
    if (status != ZX_OK)
        return bench_error("zx_vmo_create returned %d", status);
    if ((b->memfd = memfd_create("bench-handles", MFD_CLOEXEC)) < 0)
        return bench_error("memfd_create: %s", strerror(errno));
    return live > 0 ? fill(b) : 0;
}
static int setup_pairs(void **ctx, const struct bench_config *cfg) { return setup(ctx, cfg, 0); }
static int setup_1(void **ctx, const struct bench_config *cfg) { return setup(ctx, cfg, 1); }
static int setup_1k(void **ctx, const struct bench_config *cfg) { return setup(ctx, cfg, 1000); }
static int setup_1m(void **ctx, const struct bench_config *cfg) { return setup(ctx, cfg, 1000000); }

static int measure_pairs(void *ctx, enum bench_side side, double *ns_per_pair) {
    struct handle_bench *b = ctx;
    uint64_t start = bench_now_ns();
    for (long i = 0; i < b->ops; i++) {
        if (side == BENCH_REF) {
            zx_handle_t dup;
            zx_status_t status = zx_handle_duplicate(b->vmo, ZX_RIGHT_SAME_RIGHTS, &dup);
            if (status != ZX_OK || (status = zx_handle_close(dup)) != ZX_OK)
                return bench_error("pair %ld: zx_handle_duplicate/close returned %d", i, status);
        } else {
            int fd = dup(b->memfd);
            if (fd < 0 || close(fd) != 0)
                return bench_error("pair %ld: dup/close failed: %s", i, strerror(errno));
        }
    }
    *ns_per_pair = (double)(bench_now_ns() - start) / (double)b->ops;
    return 0;
}

static int measure_lookups(void *ctx, enum bench_side side, double *ns_per_lookup) {
    struct handle_bench *b = ctx;
    uint64_t start = bench_now_ns();
    for (long i = 0; i < b->ops; i++) {
        if (side == BENCH_REF) {
            uint64_t size;
            zx_status_t status = zx_vmo_get_size(b->set[i % LOOKUP_SET], &size);
            if (status != ZX_OK)
                return bench_error("lookup %ld: zx_vmo_get_size returned %d", i, status);
        } else if (fcntl(b->set_fds[i % LOOKUP_SET], F_GETFD) < 0) {
            return bench_error("lookup %ld: fcntl(F_GETFD) failed: %s", i, strerror(errno));
        }
    }
    *ns_per_lookup = (double)(bench_now_ns() - start) / (double)b->ops;
    return 0;
}

static void teardown(void *ctx) {
    struct handle_bench *b = ctx;
    if (b == NULL)
        return;
    for (long i = 1; i < b->filled_handles; i++)
        zx_handle_close(b->handles[i]);
    for (long i = 1; i < b->filled_fds; i++)
        close(b->fds[i]);
    zx_handle_close(b->vmo);
    if (b->memfd >= 0)
        close(b->memfd);
    free(b->handles);
    free(b->fds);
    free(b);
}

struct bench bench_handle_dup_close = {
    .id = "handle_dup_close", .title = "handle duplicate + close", .unit = "ns/pair",
    .has_raw = true, .setup = setup_pairs, .measure = measure_pairs, .teardown = teardown,
};
struct bench bench_lookup_1 = {
    .id = "handle_lookup_1", .title = "lookup, 1 live handle", .unit = "ns/lookup",
    .has_raw = true, .setup = setup_1, .measure = measure_lookups, .teardown = teardown,
};
struct bench bench_lookup_1k = {
    .id = "handle_lookup_1e3", .title = "lookup, 10^3 live handles", .unit = "ns/lookup",
    .has_raw = true, .setup = setup_1k, .measure = measure_lookups, .teardown = teardown,
};
struct bench bench_lookup_1m = {
    .id = "handle_lookup_1e6", .title = "lookup, 10^6 live handles", .unit = "ns/lookup",
    .has_raw = true, .setup = setup_1m, .measure = measure_lookups, .teardown = teardown,
};
