/* zxconform: runs the conformance suite against one implementation loaded by path.
 *   zxconform --impl PATH [--filter SUBSTR]... [--results DIR] [--expect FILE] [--name NAME]
 *             [--jobs N] [--repeat N]
 *   zxconform --list [--filter SUBSTR]...
 * Exit status: 0 when every test passed or failed as expected, 1 otherwise, 2 on bad usage. */
#include <errno.h>
#include <getopt.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "results_junit.h"
#include "results_tap.h"
#include "soak.h"

#define MAX_FILTERS 32

static void usage(FILE *out) {
    fprintf(out,
            "usage: zxconform --impl PATH [--filter SUBSTR]... [--results DIR] [--expect FILE]"
            " [--name NAME] [--jobs N] [--repeat N]\n"
            "       zxconform --list [--filter SUBSTR]...\n"
            "  --impl PATH      the implementation: a .so exporting the zx_* calls\n"
            "  --filter SUBSTR  run only tests whose name, clause id or call contains SUBSTR\n"
            "                   (repeatable; a test matching any filter runs)\n"
            "  --results DIR    where NAME.json, NAME.tap and NAME.xml go (default: results)\n"
            "  --expect FILE    expected failures (default: DIR/NAME.expect if it exists)\n"
            "  --name NAME      the implementation's name (default: from the file name,\n"
            "                   libzxref.so -> zxref)\n"
            "  --jobs N         run N tests at once, each in its own process (default 1); the\n"
            "                   results are the same as a serial run's, in the same order\n"
            "  --repeat N       run the suite N times (a soak): progress lines only for\n"
            "                   unexpected results, then a table of each test's unexpected\n"
            "                   results over the runs, also in DIR/NAME.soak.json\n"
            "  --list           print the tests the filters select, with their clauses, and exit\n"
            "A test passes only when it runs to its end: a test process that ends any other way\n"
            "(a signal, or an exit with any status, 0 included) fails as a crash.\n");
}

/* "build/ref/libzxref.so" -> "zxref". */
static char *name_from_path(const char *path) {
    char *copy = strdup(path);
    char *name = strdup(basename(copy));
    free(copy);
    char *dot = strstr(name, ".so");
    if (dot != NULL) *dot = '\0';
    if (strncmp(name, "lib", 3) == 0 && name[3] != '\0') memmove(name, name + 3, strlen(name) - 2);
    return name;
}

static char *join(const char *dir, const char *name, const char *suffix) {
    char *path;
    if (asprintf(&path, "%s/%s%s", dir, name, suffix) < 0) abort();
    return path;
}

/* Attaches expectations to tests; names that match no test at all are errors (stale file). */
static bool apply_expectations(struct zxc_expectations *e, struct zxc_test_list *list,
                               const char *path) {
    for (size_t i = 0; i < list->count; i++)
        list->tests[i].expectation = zxc_expectation_find(e, list->tests[i].name);
    struct zxc_test_list all;
    zxc_tests_select(NULL, 0, &all);
    bool ok = true;
    for (size_t i = 0; i < e->count; i++) {
        bool known = false;
        for (size_t j = 0; j < all.count && !known; j++)
            known = strcmp(all.tests[j].name, e->items[i].test_name) == 0;
        if (!known) {
            fprintf(stderr, "%s: no test is named %s\n", path, e->items[i].test_name);
            ok = false;
        }
    }
    free(all.tests);
    return ok;
}

static int summarize(const struct zxc_run *run, const struct zxc_test_list *list,
                     const char *json_path) {
    size_t outcomes[4] = {0};
    size_t passed = 0;
    for (size_t i = 0; i < list->count; i++) {
        outcomes[list->tests[i].outcome]++;
        passed += list->tests[i].result == ZXC_RESULT_PASS;
    }
    printf("\nzxconform: %s: %zu tests: %zu passed, %zu failed (%zu expected, %zu unexpected),"
           " %zu unexpected passes\n",
           run->name, list->count, passed, list->count - passed,
           outcomes[ZXC_EXPECTED_FAILURE], outcomes[ZXC_UNEXPECTED_FAILURE],
           outcomes[ZXC_UNEXPECTED_PASS]);
    for (size_t i = 0; i < list->count; i++) {
        const struct zxc_test *t = &list->tests[i];
        if (t->outcome == ZXC_UNEXPECTED_FAILURE)
            printf("  FAIL  %s (%s): %s\n", t->name, zxc_result_name(t->result), t->message);
        else if (t->outcome == ZXC_UNEXPECTED_PASS)
            printf("  XPASS %s: expected to fail (%s) but passed\n", t->name,
                   t->expectation->reason);
    }
    printf("zxconform: results in %s (and .tap, .xml)\n", json_path);
    bool clean = outcomes[ZXC_UNEXPECTED_FAILURE] == 0 && outcomes[ZXC_UNEXPECTED_PASS] == 0;
    printf("zxconform: %s\n", clean ? "OK: nothing unexpected" : "FAILED: unexpected results");
    return clean ? 0 : 1;
}

static bool parse_count(const char *text, const char *option, int max, int *out) {
    char *end;
    long value = strtol(text, &end, 10);
    if (*text == '\0' || *end != '\0' || value < 1 || value > max) {
        fprintf(stderr, "zxconform: %s takes a number from 1 to %d, not '%s'\n", option, max,
                text);
        return false;
    }
    *out = (int)value;
    return true;
}

/* --list: each selected test, its kind and the clauses it cites. */
static int list_tests(const char *const *filters, int n_filters) {
    struct zxc_test_list list;
    if (!zxc_tests_select(filters, n_filters, &list)) return 2;
    for (size_t i = 0; i < list.count; i++) {
        const struct zxc_test *t = &list.tests[i];
        printf("%-60s %-5s", t->name, t->row ? "table" : "guest");
        for (int c = 0; c < t->n_clauses; c++) printf(" %s", t->clauses[c]);
        putchar('\n');
    }
    printf("zxconform: %zu tests selected\n", list.count);
    return list.count ? 0 : 2;
}

int main(int argc, char **argv) {
    static const struct option options[] = {
        {"impl", required_argument, NULL, 'i'},   {"filter", required_argument, NULL, 'f'},
        {"results", required_argument, NULL, 'r'}, {"expect", required_argument, NULL, 'e'},
        {"name", required_argument, NULL, 'n'},    {"help", no_argument, NULL, 'h'},
        {"jobs", required_argument, NULL, 'j'},    {"repeat", required_argument, NULL, 'R'},
        {"list", no_argument, NULL, 'l'},
        {NULL, 0, NULL, 0},
    };
    const char *filters[MAX_FILTERS];
    struct zxc_run run = {.filters = filters};
    const char *results_dir = "results";
    char *expect_path = NULL;
    int jobs = 1, repeat = 1;
    bool list_only = false;
    int opt;
    while ((opt = getopt_long(argc, argv, "", options, NULL)) != -1) {
        switch (opt) {
        case 'i': run.impl_path = optarg; break;
        case 'f':
            if (run.n_filters == MAX_FILTERS) {
                fprintf(stderr, "zxconform: at most %d filters\n", MAX_FILTERS);
                return 2;
            }
            filters[run.n_filters++] = optarg;
            break;
        case 'r': results_dir = optarg; break;
        case 'e': expect_path = optarg; break;
        case 'n': run.name = optarg; break;
        case 'j':
            if (!parse_count(optarg, "--jobs", 64, &jobs)) return 2;
            break;
        case 'R':
            if (!parse_count(optarg, "--repeat", 1000000, &repeat)) return 2;
            break;
        case 'l': list_only = true; break;
        case 'h': usage(stdout); return 0;
        default: usage(stderr); return 2;
        }
    }
    if (list_only && optind == argc) return list_tests(filters, run.n_filters);
    if (run.impl_path == NULL || optind != argc) {
        usage(stderr);
        return 2;
    }
    if (run.name == NULL) run.name = name_from_path(run.impl_path);
    bool expect_required = expect_path != NULL;
    if (expect_path == NULL) expect_path = join(results_dir, run.name, ".expect");

    if (mkdir(results_dir, 0777) != 0 && errno != EEXIST) {
        perror(results_dir);
        return 2;
    }
    struct zxc_expectations expectations;
    if (!zxc_expectations_load(expect_path, expect_required, &expectations)) return 2;
    run.expect_path = expectations.count || expect_required ? expect_path : NULL;
    if (!zxc_run_info_collect(run.impl_path, &run.info)) return 2;
    if (!zxc_impl_load(run.impl_path)) return 2;

    struct zxc_test_list list;
    if (!zxc_tests_select(filters, run.n_filters, &list)) return 2;
    if (!apply_expectations(&expectations, &list, expect_path)) return 2;
    if (list.count == 0) {
        fprintf(stderr, "zxconform: no test matches the filters\n");
        return 2;
    }
    printf("zxconform: %s (%s, sha256 %.16s...): running %zu tests%s", run.name, run.impl_path,
           run.info.sha256, list.count, jobs > 1 ? "" : "\n");
    if (jobs > 1) printf(", %d at once\n", jobs);
    fflush(stdout);

    struct zxc_soak soak;
    zxc_soak_init(&soak, &list);
    for (int r = 1; r <= repeat; r++) {
        zxc_tests_run(&list, jobs, repeat > 1);
        int unexpected = zxc_soak_add(&soak, &list);
        if (repeat > 1) {
            printf("zxconform: run %d of %d: %d unexpected results\n", r, repeat, unexpected);
            fflush(stdout);
        }
    }
    /* JSON, TAP and JUnit describe the last run; a soak's every run is in NAME.soak.json. */
    char *tap = join(results_dir, run.name, ".tap");
    char *xml = join(results_dir, run.name, ".xml");
    char *json = join(results_dir, run.name, ".json");
    if (!zxc_results_write_tap(tap, &list)) return 2;
    if (!zxc_results_write_json(json, &run, &list)) return 2;
    if (!zxc_results_write_junit(xml, &run, &list)) return 2;
    if (repeat > 1) {
        char *soak_json = join(results_dir, run.name, ".soak.json");
        if (!zxc_soak_write_json(soak_json, &run, &soak, &list)) return 2;
        zxc_soak_print(&soak, &list, stdout);
        printf("zxconform: results in %s (the last run: %s, .tap, .xml)\n", soak_json, json);
        if (soak.unclean_runs == 0) {
            printf("zxconform: OK: nothing unexpected in %d runs\n", repeat);
            return 0;
        }
        printf("zxconform: FAILED: unexpected results in %d of %d runs\n", soak.unclean_runs,
               repeat);
        return 1;
    }
    return summarize(&run, &list, json);
}
