/* 7. Wall time of the whole conformance suite (make conformance) and of the generator over all
 * of spec/. No raw baseline; skipped with a note when the command is absent. */
#include <stdio.h>
#include <stdlib.h>

#include "bench.h"
#include "spawn.h"

struct suite_bench {
    const char *command;
    char log[256];
};

static int setup(void **ctx, const struct bench_config *cfg, const char *command,
                 const char *name, struct bench *self) {
    if (command == NULL) {
        self->skipped = "not run: its command is absent from this tree";
        return 0;
    }
    struct suite_bench *b = calloc(1, sizeof(*b));
    if (b == NULL)
        return bench_error("out of memory");
    b->command = command;
    snprintf(b->log, sizeof(b->log), "%s/%s.log", cfg->build, name);
    *ctx = b;
    return 0;
}

static int setup_gen(void **ctx, const struct bench_config *cfg) {
    return setup(ctx, cfg, cfg->gen_cmd, "gen", &bench_suite_gen);
}
static int setup_conformance(void **ctx, const struct bench_config *cfg) {
    if (cfg->smoke) { /* make check runs the suite itself */
        bench_suite_conformance.skipped = "not run in smoke mode (make check runs the suite)";
        return 0;
    }
    return setup(ctx, cfg, cfg->conformance_cmd, "conformance", &bench_suite_conformance);
}

static int measure(void *ctx, enum bench_side side, double *seconds) {
    struct suite_bench *b = ctx;
    (void)side;
    remove(b->log); /* the log of the last round is kept */
    char *argv[] = {"/bin/sh", "-c", (char *)b->command, NULL};
    uint64_t start = bench_now_ns();
    int status = bench_spawn(argv, b->log);
    *seconds = (double)(bench_now_ns() - start) / 1e9;
    if (status < 0)
        return -1;
    /* A run that failed may have stopped early: its time says nothing. */
    if (status != 0)
        return bench_error("`%s` exited with %d (see %s)", b->command, status, b->log);
    return 0;
}

static void teardown(void *ctx) { free(ctx); }

struct bench bench_suite_gen = {
    .id = "generator_all_spec", .title = "generator over spec/", .unit = "s",
    .setup = setup_gen, .measure = measure, .teardown = teardown,
};
struct bench bench_suite_conformance = {
    .id = "conformance_suite", .title = "conformance suite", .unit = "s",
    .setup = setup_conformance, .measure = measure, .teardown = teardown,
};
