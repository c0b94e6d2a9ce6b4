/* The list of tests of one run (table rows and guest tests, after --filter) and their results. */
#ifndef ZXCONFORM_TESTS_H
#define ZXCONFORM_TESTS_H

#include <stdbool.h>
#include <stddef.h>

#include "expect.h"
#include "zxc.h"

#define ZXC_MAX_CLAUSES_PER_TEST 16

enum zxc_outcome { ZXC_OK, ZXC_EXPECTED_FAILURE, ZXC_UNEXPECTED_FAILURE, ZXC_UNEXPECTED_PASS };

/* How a test ended. zxc_result_name gives the word the results files use. */
enum zxc_result {
    ZXC_RESULT_PASS,
    ZXC_RESULT_FAIL,            /* a check failed, naming its clause */
    ZXC_RESULT_CRASH,           /* the test's process ended without a verdict */
    ZXC_RESULT_TIMEOUT,
    ZXC_RESULT_NOT_IMPLEMENTED,
    ZXC_RESULT_NOT_TESTABLE,
};
const char *zxc_result_name(enum zxc_result result);

struct zxc_test {
    const char *name;
    const char *clauses[ZXC_MAX_CLAUSES_PER_TEST]; /* the first is the primary clause */
    int n_clauses;
    const struct zxc_row *row;           /* a table row, or */
    const struct zxc_guest_test *guest;  /* a hand-written guest test */
    const struct zxc_expectation *expectation;
    /* Filled by the run. */
    enum zxc_result result;
    char *message;
    double duration_s;
    enum zxc_outcome outcome;
};

struct zxc_test_list {
    struct zxc_test *tests;
    size_t count;
};

/* Every test whose name, clause id or call name contains one of `filters` (all if none). */
bool zxc_tests_select(const char *const *filters, int n_filters, struct zxc_test_list *out);

/* Runs the tests (runner.c), each in its own process, `jobs` at once, and fills the results.
 * Prints a progress line per test in list order; `quiet` prints only the unexpected ones. */
void zxc_tests_run(struct zxc_test_list *list, int jobs, bool quiet);

const char *zxc_outcome_name(enum zxc_outcome outcome);

#endif
