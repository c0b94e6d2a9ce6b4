/* 6. User-space instructions per IO exit (and, without a target, per MEM exit), reference
 * minus raw, counted by callgrind. This program re-runs itself under valgrind in child mode
 * (--count-exits), and callgrind counts only inside bench_ref_exits or bench_raw_exits
 * (--toggle-collect), callees included, so setup costs nothing; the count divided by the exits
 * is exact and repeats run to run. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"
#include "spawn.h"

struct instructions_bench {
    const struct bench_config *cfg;
    bool mem;
    long exits;
};

int bench_count_exits_child(const char *side, const char *kind, long exits) {
    struct exit_loops *loops = NULL;
    int status = exit_loops_create(strcmp(kind, "mem") == 0, &loops);
    if (status == 0)
        status = strcmp(side, "ref") == 0 ? bench_ref_exits(loops, exits)
                                          : bench_raw_exits(loops, exits);
    exit_loops_destroy(loops);
    return status == 0 ? 0 : 1;
}

/* The instructions callgrind counted ("totals:" line of its output), or 0. */
static uint64_t read_total(const char *path) {
    FILE *f = fopen(path, "r");
    if (f == NULL)
        return 0;
    char line[512];
    uint64_t total = 0;
    while (fgets(line, sizeof(line), f) != NULL)
        if (sscanf(line, "totals: %" SCNu64, &total) == 1 ||
            sscanf(line, "summary: %" SCNu64, &total) == 1)
            break;
    fclose(f);
    return total;
}

static int setup(void **ctx, const struct bench_config *cfg, bool mem) {
    struct instructions_bench *b = calloc(1, sizeof(*b));
    if (b == NULL)
        return bench_error("out of memory");
    *b = (struct instructions_bench){.cfg = cfg, .mem = mem, .exits = cfg->smoke ? 200 : 2000};
    *ctx = b;
    return 0;
}
static int setup_io(void **ctx, const struct bench_config *cfg) { return setup(ctx, cfg, false); }
static int setup_mem(void **ctx, const struct bench_config *cfg) { return setup(ctx, cfg, true); }

static int measure(void *ctx, enum bench_side side, double *per_exit) {
    struct instructions_bench *b = ctx;
    const char *name = side == BENCH_REF ? "ref" : "raw", *kind = b->mem ? "mem" : "io";
    char out[512], log[512], toggle[64], exits[32];
    snprintf(out, sizeof(out), "--callgrind-out-file=%s/callgrind.%s.%s.out", b->cfg->build, kind,
             name);
    snprintf(log, sizeof(log), "%s/callgrind.%s.%s.log", b->cfg->build, kind, name);
    snprintf(toggle, sizeof(toggle), "--toggle-collect=bench_%s_exits", name);
    snprintf(exits, sizeof(exits), "%ld", b->exits);
    remove(out + strlen("--callgrind-out-file="));
    remove(log);
    char *argv[] = {"valgrind", "--tool=callgrind", out, toggle, "--error-exitcode=0",
                    (char *)b->cfg->self, "--count-exits", (char *)name, (char *)kind, exits,
                    NULL};
    int status = bench_spawn(argv, log);
    if (status != 0)
        return status < 0 ? -1 : bench_error("valgrind exited with %d (see %s)", status, log);
    uint64_t total = read_total(out + strlen("--callgrind-out-file="));
    if (total == 0)
        return bench_error("no instruction total in %s (see %s)",
                           out + strlen("--callgrind-out-file="), log);
    *per_exit = (double)total / (double)b->exits;
    return 0;
}

static void teardown(void *ctx) { free(ctx); }

struct bench bench_instructions = {
    .id = "instructions_per_io_exit", .title = "user instructions per IO exit",
    .unit = "instr/exit", .target_kind = BENCH_TARGET_DIFF_MAX, .target = 150, .has_raw = true,
    .by_difference = true, .setup = setup_io, .measure = measure, .teardown = teardown,
};

struct bench bench_mem_instructions = {
    .id = "instructions_per_mem_exit", .title = "user instructions per MEM exit",
    .unit = "instr/exit", .target_kind = BENCH_TARGET_NONE, .has_raw = true,
    .by_difference = true, .setup = setup_mem, .measure = measure, .teardown = teardown,
};
