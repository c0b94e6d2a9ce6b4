/* The benchmark runner's interface: each benchmark measures one figure per round for the
 * reference (libzxref.so) and, where it has one, for a raw baseline; bench_main.c runs the
 * rounds interleaved (ref, raw, ref, raw, ...) and reports min, median and max. */
#ifndef BENCH_BENCH_H
#define BENCH_BENCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <zircon/types.h>

/* Guest layout shared by the reference and raw guests: page tables at 0, the loop at
 * GUEST_CODE_ADDR, memory [0, GUEST_MEM_SIZE), the MEM trap page just past its end. */
#define BENCH_GUEST_MEM_SIZE 0x100000ull
#define BENCH_GUEST_CODE_ADDR 0x4000ull
#define BENCH_MEM_TRAP_ADDR 0x100000ull
#define BENCH_IO_PORT 0x11u
#define BENCH_TRAP_KEY 0x5eedull

/* Identity page tables for the first VCPU, which starts in long mode with CR3 = 0: PML4 at 0
 * -> PDPT at 0x1000 -> PD at 0x2000, whose entry 0 is a 2 MiB page at 0 (present, writable,
 * user). Not a 1 GiB page: nested KVM often lacks GBPAGES, and the guest then triple-faults. */
struct bench_pte {
    uint64_t gpa, value;
};
static const struct bench_pte bench_page_tables[] = {
    {0x0000, 0x1000 | 0x7}, {0x1000, 0x2000 | 0x7}, {0x2000, 0x87},
};
#define BENCH_PAGE_TABLE_ENTRIES (sizeof(bench_page_tables) / sizeof(bench_page_tables[0]))

/* The loops of guest_loops.S. */
extern const uint8_t bench_io_loop[], bench_io_loop_end[];
extern const uint8_t bench_mem_loop[], bench_mem_loop_end[];

enum bench_side { BENCH_REF, BENCH_RAW };

struct bench_config {
    bool smoke;         /* tiny sizes: proves each benchmark works, measures nothing */
    int rounds;         /* counted rounds per side, after one warm-up round per side */
    const char *self;   /* this program (callgrind re-runs it) */
    const char *build;  /* folder for scratch files (callgrind output, generated tables) */
    const char *gen_cmd;         /* the generator over spec/; NULL: absent, skipped */
    const char *conformance_cmd; /* the conformance suite; NULL: absent, skipped */
};

/* How the reference is compared with the raw baseline. */
enum bench_target_kind {
    BENCH_TARGET_NONE,
    BENCH_TARGET_RATIO_MAX, /* median(ref) / median(raw) <= target */
    BENCH_TARGET_DIFF_MAX,  /* median(ref) - median(raw) <= target (needs by_difference) */
};

struct bench {
    const char *id;    /* key in results/bench.json */
    const char *title; /* row of the table */
    const char *unit;
    enum bench_target_kind target_kind;
    double target;
    bool has_raw;
    bool by_difference; /* compares the medians by difference (counts), not by ratio (times) */
    /* Untimed preparation of both sides; 0, or -1 after bench_error(). */
    int (*setup)(void **ctx, const struct bench_config *cfg);
    /* One round of one side: its figure in *value; 0, or -1 after bench_error(). */
    int (*measure)(void *ctx, enum bench_side side, double *value);
    void (*teardown)(void *ctx);
    /* Set by setup: the benchmark was skipped (not an error); says why. */
    const char *skipped;
    /* Set by measure: something worth a footnote that is not an error. */
    char note[1024];
};

/* Records why the benchmark failed (shown with its id); always returns -1. */
int bench_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Monotonic time in nanoseconds. */
uint64_t bench_now_ns(void);

/* The benchmarks, by file. */
extern struct bench bench_io_exit, bench_mem_exit, bench_io_exit_synced;      /* ref_exits.c */
extern struct bench bench_vcpu_create;                                        /* ref_vcpu_create.c */
extern struct bench bench_handle_dup_close, bench_lookup_1, bench_lookup_1k,
    bench_lookup_1m;                                                          /* ref_handles.c */
extern struct bench bench_scaling_1, bench_scaling_8, bench_scaling_64;       /* ref_scaling.c */
extern struct bench bench_instructions, bench_mem_instructions;              /* ref_instructions.c */
extern struct bench bench_suite_gen, bench_suite_conformance;                 /* suite_time.c */

/* ref_exits.c: a reference guest and a raw guest, each with one VCPU running the IO loop (or
 * the MEM loop), for the exit benchmarks and the instruction counts. */
struct exit_loops;
int exit_loops_create(bool mem, struct exit_loops **out);
void exit_loops_destroy(struct exit_loops *loops);
/* Run `exits` exits; not inlined, so callgrind can count exactly these (--toggle-collect). */
int bench_ref_exits(struct exit_loops *loops, long exits);
int bench_raw_exits(struct exit_loops *loops, long exits);

/* ref_instructions.c: the child mode run under callgrind (`--count-exits ref|raw io|mem N`). */
int bench_count_exits_child(const char *side, const char *kind, long exits);

/* ref_guest.c: a reference guest running `code` at BENCH_GUEST_CODE_ADDR, with identity page
 * tables; the caller closes *guest. */
int ref_guest_create(const void *code, size_t len, zx_handle_t *guest);

#endif
