/* The benchmark runner: runs every benchmark as interleaved rounds (ref, raw, ref, raw, ...)
 * after one warm-up round per side, prints a table of min, median and max with the comparison
 * of medians, and writes every figure to a JSON file. Missing a target is reported, never an
 * error; a benchmark that cannot run is, and makes the exit status 1. */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <time.h>

#include "bench.h"

#define MAX_ROUNDS 100
#define LOOKUP_FLATNESS_TARGET 1.5 /* lookup cost at 10^6 live handles / at 1 */

static struct bench *const all_benches[] = {
    &bench_io_exit,       &bench_io_exit_synced,   &bench_mem_exit,  &bench_vcpu_create,
    &bench_handle_dup_close, &bench_lookup_1,      &bench_lookup_1k,
    &bench_lookup_1m,     &bench_scaling_1,        &bench_scaling_8,
    &bench_scaling_64,    &bench_instructions,     &bench_mem_instructions, &bench_suite_gen,
    &bench_suite_conformance,
};
#define BENCH_COUNT (sizeof(all_benches) / sizeof(all_benches[0]))

static char last_error[512];

int bench_error(const char *fmt, ...) {
    va_list args;
    va_start(args, fmt);
    vsnprintf(last_error, sizeof(last_error), fmt, args);
    va_end(args);
    return -1;
}

uint64_t bench_now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

struct stats {
    int rounds;
    double values[MAX_ROUNDS];
    double min, median, max;
};

struct outcome {
    const struct bench *bench;
    enum { BENCH_OK, BENCH_ERROR, BENCH_SKIPPED } result;
    char error[sizeof(last_error)];
    struct stats ref, raw;
    double comparison; /* ratio or difference of medians */
    bool met;
};

static int compare_doubles(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static void finish_stats(struct stats *s) {
    double sorted[MAX_ROUNDS];
    memcpy(sorted, s->values, sizeof(double) * (size_t)s->rounds);
    qsort(sorted, (size_t)s->rounds, sizeof(double), compare_doubles);
    s->min = sorted[0];
    s->max = sorted[s->rounds - 1];
    int mid = s->rounds / 2;
    s->median = s->rounds % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

static int one_round(struct bench *b, void *ctx, enum bench_side side, double *value) {
    last_error[0] = '\0';
    return b->measure(ctx, side, value);
}

/* Warm-up, then the counted rounds, each side in turn. */
static int run_rounds(struct bench *b, void *ctx, const struct bench_config *cfg,
                      struct outcome *o) {
    double discard;
    if (one_round(b, ctx, BENCH_REF, &discard) != 0 ||
        (b->has_raw && one_round(b, ctx, BENCH_RAW, &discard) != 0))
        return -1;
    for (int r = 0; r < cfg->rounds; r++) {
        if (one_round(b, ctx, BENCH_REF, &o->ref.values[r]) != 0)
            return -1;
        o->ref.rounds++;
        if (b->has_raw) {
            if (one_round(b, ctx, BENCH_RAW, &o->raw.values[r]) != 0)
                return -1;
            o->raw.rounds++;
        }
    }
    return 0;
}

static void run_bench(struct bench *b, const struct bench_config *cfg, struct outcome *o) {
    *o = (struct outcome){.bench = b, .result = BENCH_OK};
    printf("bench: %-32s ", b->title);
    fflush(stdout);
    void *ctx = NULL;
    last_error[0] = '\0';
    uint64_t start = bench_now_ns();
    int status = b->setup(&ctx, cfg);
    if (status == 0 && b->skipped == NULL)
        status = run_rounds(b, ctx, cfg, o);
    if (b->teardown != NULL && b->skipped == NULL)
        b->teardown(ctx);
    if (status != 0) {
        o->result = BENCH_ERROR;
        snprintf(o->error, sizeof(o->error), "%s", last_error[0] ? last_error : "failed");
        printf("ERROR: %s\n", o->error);
        return;
    }
    if (b->skipped != NULL) {
        o->result = BENCH_SKIPPED;
        printf("skipped (%s)\n", b->skipped);
        return;
    }
    finish_stats(&o->ref);
    if (b->has_raw) {
        finish_stats(&o->raw);
        o->comparison = b->by_difference ? o->ref.median - o->raw.median
                                                                : o->ref.median / o->raw.median;
    }
    o->met = b->target_kind == BENCH_TARGET_NONE || o->comparison <= b->target;
    printf("done in %.1f s\n", (double)(bench_now_ns() - start) / 1e9);
}

/* Figures with 3 significant digits at least, no exponent. */
static void format_value(char *buf, size_t len, double v) {
    double a = fabs(v);
    snprintf(buf, len, a >= 1000 ? "%.0f" : a >= 100 ? "%.1f" : a >= 10 ? "%.2f" : "%.3f", v);
}

static void format_stats(char *buf, size_t len, const struct stats *s) {
    char med[32], lo[32], hi[32];
    format_value(med, sizeof(med), s->median);
    format_value(lo, sizeof(lo), s->min);
    format_value(hi, sizeof(hi), s->max);
    snprintf(buf, len, "%s (%s – %s)", med, lo, hi);
}

static void format_target(char *buf, size_t len, const struct bench *b) {
    switch (b->target_kind) {
    case BENCH_TARGET_RATIO_MAX: snprintf(buf, len, "ratio ≤ %.2f", b->target); break;
    case BENCH_TARGET_DIFF_MAX: snprintf(buf, len, "difference ≤ %.0f", b->target); break;
    default: snprintf(buf, len, "–");
    }
}

static const struct outcome *find(const struct outcome *o, int n, const struct bench *b) {
    for (int i = 0; i < n; i++)
        if (o[i].bench == b && o[i].result == BENCH_OK)
            return &o[i];
    return NULL;
}

/* Reference lookup cost at 10^6 live handles over that at 1, when both ran. */
static bool lookup_flatness(const struct outcome *o, int n, double *flatness) {
    const struct outcome *one = find(o, n, &bench_lookup_1), *million = find(o, n, &bench_lookup_1m);
    if (one == NULL || million == NULL)
        return false;
    *flatness = million->ref.median / one->ref.median;
    return true;
}

static void print_table(FILE *f, const struct outcome *o, int n, const struct bench_config *cfg) {
    fprintf(f, "| benchmark | unit | reference: median (min – max) | raw: median (min – max) "
               "| ref vs raw | target | |\n|---|---|---|---|---|---|---|\n");
    for (int i = 0; i < n; i++) {
        const struct bench *b = o[i].bench;
        char ref[128] = "", raw[128] = "–", cmp[32] = "–", target[32];
        format_target(target, sizeof(target), b);
        if (o[i].result != BENCH_OK) {
            fprintf(f, "| %s | %s | %s | | | %s | |\n", b->title, b->unit,
                    o[i].result == BENCH_ERROR ? "**error** (see below)" : "skipped",
                    target);
            continue;
        }
        format_stats(ref, sizeof(ref), &o[i].ref);
        if (b->has_raw) {
            format_stats(raw, sizeof(raw), &o[i].raw);
            snprintf(cmp, sizeof(cmp), b->by_difference ? "%+.1f" : "×%.3f",
                     o[i].comparison);
        }
        fprintf(f, "| %s | %s | %s | %s | %s | %s | %s |\n", b->title, b->unit, ref, raw, cmp,
                target, b->target_kind == BENCH_TARGET_NONE ? "" : o[i].met ? "met" : "**missed**");
    }
    double flatness;
    if (lookup_flatness(o, n, &flatness))
        fprintf(f, "\nHandle lookup cost, 10^6 live handles over 1: ×%.2f (flat means ≤ %.1f: %s).\n",
                flatness, LOOKUP_FLATNESS_TARGET, flatness <= LOOKUP_FLATNESS_TARGET ? "met" : "missed");
    fprintf(f, "\n%s mode, %d counted round%s per side after one warm-up, interleaved ref/raw.\n",
            cfg->smoke ? "Smoke" : "Full", cfg->rounds, cfg->rounds == 1 ? "" : "s");
    for (int i = 0; i < n; i++) {
        if (o[i].result == BENCH_ERROR)
            fprintf(f, "\nERROR %s: %s\n", o[i].bench->id, o[i].error);
        else if (o[i].result == BENCH_SKIPPED)
            fprintf(f, "\nskipped %s: %s\n", o[i].bench->id, o[i].bench->skipped);
        else if (o[i].bench->note[0] != '\0')
            fprintf(f, "\nnote %s: %s\n", o[i].bench->id, o[i].bench->note);
    }
}

static void host_cpu(char *buf, size_t len) {
    snprintf(buf, len, "unknown");
    FILE *f = fopen("/proc/cpuinfo", "r");
    if (f == NULL)
        return;
    char line[256];
    while (fgets(line, sizeof(line), f) != NULL) {
        char *colon = strchr(line, ':');
        if (strncmp(line, "model name", 10) == 0 && colon != NULL) {
            snprintf(buf, len, "%s", colon + 2);
            buf[strcspn(buf, "\n")] = '\0';
            break;
        }
    }
    fclose(f);
}

static void json_string(FILE *f, const char *s) {
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"' || *s == '\\')
            fprintf(f, "\\%c", *s);
        else if ((unsigned char)*s < 0x20)
            fprintf(f, "\\u%04x", *s);
        else
            fputc(*s, f);
    }
    fputc('"', f);
}

static void json_stats(FILE *f, const struct stats *s, const char *cpu, const char *kernel) {
    fprintf(f, "{\"median\": %.6g, \"min\": %.6g, \"max\": %.6g, \"rounds\": %d, \"values\": [",
            s->median, s->min, s->max, s->rounds);
    for (int i = 0; i < s->rounds; i++)
        fprintf(f, "%s%.6g", i ? ", " : "", s->values[i]);
    fprintf(f, "], \"host_cpu\": ");
    json_string(f, cpu);
    fprintf(f, ", \"kernel\": ");
    json_string(f, kernel);
    fprintf(f, "}");
}

static int write_json(const char *path, const struct outcome *o, int n,
                      const struct bench_config *cfg) {
    char cpu[256], tmp[1024];
    struct utsname uts;
    uname(&uts);
    host_cpu(cpu, sizeof(cpu));
    snprintf(tmp, sizeof(tmp), "%s.tmp", path);
    FILE *f = fopen(tmp, "w");
    if (f == NULL) {
        fprintf(stderr, "bench: cannot write %s: %s\n", tmp, strerror(errno));
        return -1;
    }
    fprintf(f, "{\n  \"mode\": \"%s\",\n  \"rounds\": %d,\n  \"host_cpu\": ",
            cfg->smoke ? "smoke" : "full", cfg->rounds);
    json_string(f, cpu);
    fprintf(f, ",\n  \"kernel\": ");
    json_string(f, uts.release);
    fprintf(f, ",\n  \"benchmarks\": [");
    for (int i = 0; i < n; i++) {
        const struct bench *b = o[i].bench;
        fprintf(f, "%s\n    {\"id\": \"%s\", \"title\": ", i ? "," : "", b->id);
        json_string(f, b->title);
        static const char *result_names[] = {"ok", "error", "skipped"};
        fprintf(f, ", \"unit\": \"%s\", \"status\": \"%s\"", b->unit, result_names[o[i].result]);
        if (o[i].result == BENCH_ERROR) {
            fprintf(f, ", \"error\": ");
            json_string(f, o[i].error);
        } else if (o[i].result == BENCH_SKIPPED) {
            fprintf(f, ", \"note\": ");
            json_string(f, b->skipped);
        } else {
            if (b->note[0] != '\0') {
                fprintf(f, ", \"note\": ");
                json_string(f, b->note);
            }
            fprintf(f, ",\n     \"reference\": ");
            json_stats(f, &o[i].ref, cpu, uts.release);
            if (b->has_raw) {
                fprintf(f, ",\n     \"raw\": ");
                json_stats(f, &o[i].raw, cpu, uts.release);
                fprintf(f, ",\n     \"%s\": %.6g", b->by_difference
                                                      ? "difference_of_medians"
                                                      : "ratio_of_medians",
                        o[i].comparison);
            }
            if (b->target_kind != BENCH_TARGET_NONE)
                fprintf(f, ", \"target\": %.6g, \"target_met\": %s", b->target,
                        o[i].met ? "true" : "false");
        }
        fprintf(f, "}");
    }
    fprintf(f, "\n  ]");
    double flatness;
    if (lookup_flatness(o, n, &flatness))
        fprintf(f, ",\n  \"handle_lookup_flatness\": {\"ratio_1e6_over_1\": %.6g, \"target\": %.2g, "
                   "\"target_met\": %s}",
                flatness, LOOKUP_FLATNESS_TARGET, flatness <= LOOKUP_FLATNESS_TARGET ? "true" : "false");
    fprintf(f, "\n}\n");
    if (fclose(f) != 0 || rename(tmp, path) != 0) {
        fprintf(stderr, "bench: cannot write %s: %s\n", path, strerror(errno));
        return -1;
    }
    return 0;
}

static void usage(FILE *f) {
    fprintf(f, "usage: bench [--smoke] [--rounds N] [--only ID[,ID...]] [--json PATH] [--build DIR]\n"
               "             [--gen-cmd CMD] [--conformance-cmd CMD]\n"
               "       bench --count-exits ref|raw io|mem N   (the child that callgrind counts)\n"
               "Benchmarks the reference implementation against raw KVM; needs /dev/kvm.\n");
}

static bool selected(const char *only, const char *id) {
    if (only == NULL)
        return true;
    size_t len = strlen(id);
    for (const char *p = only; (p = strstr(p, id)) != NULL; p += len)
        if ((p == only || p[-1] == ',') && (p[len] == ',' || p[len] == '\0'))
            return true;
    return false;
}

int main(int argc, char **argv) {
    struct bench_config cfg = {.rounds = 5, .self = argv[0], .build = "build/bench"};
    const char *json = NULL, *only = NULL;
    bool rounds_given = false;
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i], *value = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(arg, "--count-exits") == 0 && i + 3 < argc)
            return bench_count_exits_child(argv[i + 1], argv[i + 2], atol(argv[i + 3]));
        if (strcmp(arg, "--smoke") == 0) {
            cfg.smoke = true;
            continue;
        }
        if (strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0) {
            usage(stdout);
            return 0;
        }
        if (value == NULL) {
            usage(stderr);
            return 2;
        }
        i++;
        if (strcmp(arg, "--rounds") == 0)
            cfg.rounds = atoi(value), rounds_given = true;
        else if (strcmp(arg, "--only") == 0)
            only = value;
        else if (strcmp(arg, "--json") == 0)
            json = value;
        else if (strcmp(arg, "--build") == 0)
            cfg.build = value;
        else if (strcmp(arg, "--gen-cmd") == 0)
            cfg.gen_cmd = value;
        else if (strcmp(arg, "--conformance-cmd") == 0)
            cfg.conformance_cmd = value;
        else {
            usage(stderr);
            return 2;
        }
    }
    if (cfg.smoke && !rounds_given)
        cfg.rounds = 1;
    if (cfg.rounds < 1 || cfg.rounds > MAX_ROUNDS) {
        fprintf(stderr, "bench: --rounds must be 1 to %d\n", MAX_ROUNDS);
        return 2;
    }
    mkdir(cfg.build, 0755);
    printf("bench: %s mode, %d round%s per side after a warm-up; reference vs raw KVM\n",
           cfg.smoke ? "smoke" : "full", cfg.rounds, cfg.rounds == 1 ? "" : "s");
    struct outcome outcomes[BENCH_COUNT];
    int n = 0, errors = 0;
    for (size_t i = 0; i < BENCH_COUNT; i++) {
        if (!selected(only, all_benches[i]->id))
            continue;
        run_bench(all_benches[i], &cfg, &outcomes[n]);
        errors += outcomes[n].result == BENCH_ERROR;
        n++;
    }
    printf("\n");
    print_table(stdout, outcomes, n, &cfg);
    if (json != NULL && write_json(json, outcomes, n, &cfg) != 0)
        errors++;
    else if (json != NULL)
        printf("\nbench: figures written to %s\n", json);
    printf("bench: %d benchmark%s run, %d error%s\n", n, n == 1 ? "" : "s", errors,
           errors == 1 ? "" : "s");
    return errors == 0 ? 0 : 1;
}
