/* Selecting and running tests. Each test is its own libcheck TCase, run in a forked process with
 * a time limit, so a crashing or hanging implementation fails that test only. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "table_runner.h"
#include "tests.h"

/* Time limits in seconds, scaled by libcheck's CK_TIMEOUT_MULTIPLIER. */
#define ROW_TIMEOUT_S 10
#define GUEST_TEST_TIMEOUT_S 20

static struct zxc_test_list *running;
static SRunner *runner;
static size_t current;
static struct timespec started;

static bool contains(const char *haystack, const char *needle) {
    return haystack != NULL && strstr(haystack, needle) != NULL;
}

static bool matches(const struct zxc_test *t, const char *filter) {
    if (contains(t->name, filter)) return true;
    if (t->row != NULL && contains(t->row->call->name, filter)) return true;
    /* Clause ids begin with the call name, so this also selects guest tests by call. */
    for (int i = 0; i < t->n_clauses; i++) {
        if (contains(t->clauses[i], filter)) return true;
    }
    return false;
}

static int by_clause_id(const void *a, const void *b) {
    return strverscmp(*(const char *const *)a, *(const char *const *)b);
}

/* The linker keeps no source order, so a test's clauses are listed in id order. */
static void add_guest_clauses(struct zxc_test *t) {
    for (const struct zxc_cover *c = __start_zxc_covers; c < __stop_zxc_covers; c++) {
        if (strcmp(c->test_name, t->name) == 0 && t->n_clauses < ZXC_MAX_CLAUSES_PER_TEST)
            t->clauses[t->n_clauses++] = c->clause_id;
    }
    qsort(t->clauses, (size_t)t->n_clauses, sizeof t->clauses[0], by_clause_id);
}

/* Linkers lay out a section's entries in no promised order: sort by file, then name. */
static int by_file_and_name(const void *a, const void *b) {
    const struct zxc_test *x = a, *y = b;
    int files = strcmp(x->guest->file, y->guest->file);
    return files ? files : strcmp(x->name, y->name);
}

bool zxc_tests_select(const char *const *filters, int n_filters, struct zxc_test_list *out) {
    size_t n_guest = (size_t)(__stop_zxc_guest_tests - __start_zxc_guest_tests);
    struct zxc_test *all = calloc(zxc_n_rows + n_guest, sizeof *all);
    size_t n = 0;
    for (size_t i = 0; i < zxc_n_rows; i++) {
        all[n] = (struct zxc_test){.name = zxc_rows[i].test_name, .row = &zxc_rows[i]};
        all[n].clauses[all[n].n_clauses++] = zxc_rows[i].clause_id;
        n++;
    }
    for (size_t i = 0; i < n_guest; i++) {
        all[n] = (struct zxc_test){.name = __start_zxc_guest_tests[i].name,
                                   .guest = &__start_zxc_guest_tests[i]};
        add_guest_clauses(&all[n]);
        n++;
    }
    qsort(all + zxc_n_rows, n_guest, sizeof *all, by_file_and_name);
    bool ok = true;
    for (size_t i = 0; i < n; i++) {
        for (size_t j = i + 1; j < n; j++) {
            if (strcmp(all[i].name, all[j].name) == 0) {
                fprintf(stderr, "zxconform: two tests are named %s\n", all[i].name);
                ok = false;
            }
        }
    }
    out->tests = all;
    out->count = 0;
    for (size_t i = 0; i < n; i++) {
        bool selected = n_filters == 0;
        for (int f = 0; f < n_filters && !selected; f++) selected = matches(&all[i], filters[f]);
        if (selected) out->tests[out->count++] = all[i];
    }
    return ok;
}

/* Runs inside the forked test process. */
START_TEST(run_one_test) {
    const struct zxc_test *t = &running->tests[_i];
    if (t->row != NULL)
        zxc_run_row(t->row);
    else
        t->guest->fn();
}
END_TEST

static double seconds_since(const struct timespec *start) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - start->tv_sec) + (double)(now.tv_nsec - start->tv_nsec) / 1e9;
}

/* Unchecked fixtures run in the parent around each TCase (one test each): timing and
 * progress. */
static void before_test(void) {
    clock_gettime(CLOCK_MONOTONIC, &started);
}

static const char *classify(TestResult *result) {
    const char *msg = tr_msg(result);
    switch (tr_rtype(result)) {
    case CK_PASS:
        return "pass";
    case CK_FAILURE:
        if (strncmp(msg, ZXC_MSG_NOT_IMPLEMENTED, strlen(ZXC_MSG_NOT_IMPLEMENTED)) == 0)
            return "not_implemented";
        if (strncmp(msg, ZXC_MSG_NOT_TESTABLE, strlen(ZXC_MSG_NOT_TESTABLE)) == 0)
            return "not_testable";
        return "fail";
    default:
        return strstr(msg, "timeout") != NULL ? "timeout" : "crash";
    }
}

/* A crash or timeout message from libcheck says nothing of the clause: add it. */
static char *describe(const struct zxc_test *t, const char *status, const char *msg) {
    char *text = NULL;
    if (strcmp(status, "crash") != 0 && strcmp(status, "timeout") != 0) return strdup(msg);
    const char *location = NULL;
    if (t->row != NULL) {
        static char row_location[512];
        snprintf(row_location, sizeof row_location, "%s:%d", t->row->spec_file,
                 t->row->spec_line);
        location = row_location;
    } else if (t->n_clauses > 0) {
        location = zxc_clause_location(t->clauses[0]);
    }
    if (asprintf(&text, "%s (while testing %s [%s])", msg,
                 location ? location : "spec: clause not found",
                 t->n_clauses ? t->clauses[0] : "no clause") < 0)
        return strdup(msg);
    return text;
}

const char *zxc_outcome_name(enum zxc_outcome outcome) {
    static const char *names[] = {"ok", "expected_failure", "unexpected_failure",
                                  "unexpected_pass"};
    return names[outcome];
}

static void after_test(void) {
    struct zxc_test *t = &running->tests[current];
    t->duration_s = seconds_since(&started);
    int n = srunner_ntests_run(runner);
    TestResult **results = srunner_results(runner);
    TestResult *last = results[n - 1];
    t->status = classify(last);
    t->message = describe(t, t->status, strcmp(t->status, "pass") == 0 ? "" : tr_msg(last));
    free(results);
    bool passed = strcmp(t->status, "pass") == 0;
    if (t->expectation == NULL)
        t->outcome = passed ? ZXC_OK : ZXC_UNEXPECTED_FAILURE;
    else
        t->outcome = passed ? ZXC_UNEXPECTED_PASS : ZXC_EXPECTED_FAILURE;
    static const char *labels[] = {"PASS ", "XFAIL", "FAIL ", "XPASS"};
    printf("[%4zu/%zu] %s %-16s %s (%.2f s)\n", current + 1, running->count,
           labels[t->outcome], passed ? "" : t->status, t->name, t->duration_s);
    if (!passed) printf("           %s\n", t->message);
    if (t->outcome == ZXC_UNEXPECTED_PASS)
        printf("           expected to fail: %s\n", t->expectation->reason);
    fflush(stdout);
    current++;
}

void zxc_tests_run(struct zxc_test_list *list, const char *tap_path, const char *xml_path) {
    running = list;
    current = 0;
    Suite *suite = suite_create("zxconform");
    for (size_t i = 0; i < list->count; i++) {
        TCase *tc = tcase_create(list->tests[i].name);
        tcase_set_timeout(tc, list->tests[i].row ? ROW_TIMEOUT_S : GUEST_TEST_TIMEOUT_S);
        tcase_add_unchecked_fixture(tc, before_test, after_test);
        tcase_add_loop_test(tc, run_one_test, (int)i, (int)i + 1);
        suite_add_tcase(suite, tc);
    }
    runner = srunner_create(suite);
    srunner_set_fork_status(runner, CK_FORK);
    srunner_set_tap(runner, tap_path);
    srunner_set_xml(runner, xml_path);
    srunner_run_all(runner, CK_SILENT);
    srunner_free(runner);
    runner = NULL;
}
