/* zxconform: runs the conformance suite against one implementation loaded by path.
 *   zxconform --impl PATH [--filter SUBSTR]... [--results DIR] [--expect FILE] [--name NAME]
 * Exit status: 0 when every test passed or failed as expected, 1 otherwise, 2 on bad usage. */
#include <errno.h>
#include <getopt.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "results_junit.h"

#define MAX_FILTERS 32

static void usage(FILE *out) {
    fprintf(out,
            "usage: zxconform --impl PATH [--filter SUBSTR]... [--results DIR] [--expect FILE]"
            " [--name NAME]\n"
            "  --impl PATH      the implementation: a .so exporting the zx_* calls\n"
            "  --filter SUBSTR  run only tests whose name, clause id or call contains SUBSTR\n"
            "                   (repeatable; a test matching any filter runs)\n"
            "  --results DIR    where NAME.json, NAME.tap and NAME.xml go (default: results)\n"
            "  --expect FILE    expected failures (default: DIR/NAME.expect if it exists)\n"
            "  --name NAME      the implementation's name (default: from the file name,\n"
            "                   libzxref.so -> zxref)\n");
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
        passed += strcmp(list->tests[i].status, "pass") == 0;
    }
    printf("\nzxconform: %s: %zu tests: %zu passed, %zu failed (%zu expected, %zu unexpected),"
           " %zu unexpected passes\n",
           run->name, list->count, passed, list->count - passed,
           outcomes[ZXC_EXPECTED_FAILURE], outcomes[ZXC_UNEXPECTED_FAILURE],
           outcomes[ZXC_UNEXPECTED_PASS]);
    for (size_t i = 0; i < list->count; i++) {
        const struct zxc_test *t = &list->tests[i];
        if (t->outcome == ZXC_UNEXPECTED_FAILURE)
            printf("  FAIL  %s (%s): %s\n", t->name, t->status, t->message);
        else if (t->outcome == ZXC_UNEXPECTED_PASS)
            printf("  XPASS %s: expected to fail (%s) but passed\n", t->name,
                   t->expectation->reason);
    }
    printf("zxconform: results in %s (and .tap, .xml)\n", json_path);
    bool clean = outcomes[ZXC_UNEXPECTED_FAILURE] == 0 && outcomes[ZXC_UNEXPECTED_PASS] == 0;
    printf("zxconform: %s\n", clean ? "OK: nothing unexpected" : "FAILED: unexpected results");
    return clean ? 0 : 1;
}

int main(int argc, char **argv) {
    static const struct option options[] = {
        {"impl", required_argument, NULL, 'i'},   {"filter", required_argument, NULL, 'f'},
        {"results", required_argument, NULL, 'r'}, {"expect", required_argument, NULL, 'e'},
        {"name", required_argument, NULL, 'n'},    {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *filters[MAX_FILTERS];
    struct zxc_run run = {.filters = filters};
    const char *results_dir = "results";
    char *expect_path = NULL;
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
        case 'h': usage(stdout); return 0;
        default: usage(stderr); return 2;
        }
    }
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
    printf("zxconform: %s (%s, sha256 %.16s...): running %zu tests\n", run.name, run.impl_path,
           run.info.sha256, list.count);
    fflush(stdout);

    char *tap = join(results_dir, run.name, ".tap");
    char *xml = join(results_dir, run.name, ".xml");
    char *json = join(results_dir, run.name, ".json");
    /* libcheck writes the TAP; its own XML is not JUnit, so the harness writes that. */
    zxc_tests_run(&list, tap, NULL);
    if (!zxc_results_write_json(json, &run, &list)) return 2;
    if (!zxc_results_write_junit(xml, &run, &list)) return 2;
    return summarize(&run, &list, json);
}
