#ifndef ZXCONFORM_RESULTS_JSON_H
#define ZXCONFORM_RESULTS_JSON_H

#include <stdio.h>

#include "run_info.h"
#include "tests.h"

struct zxc_run {
    const char *name;
    const char *impl_path;
    const char *expect_path; /* NULL when none was read */
    const char *const *filters;
    int n_filters;
    struct zxc_run_info info;
};

/* Writes `s` as a JSON string literal, escaped. */
void zxc_json_string(FILE *out, const char *s);

/* Writes results/<name>.json; false (with a message) on an I/O error. */
bool zxc_results_write_json(const char *path, const struct zxc_run *run,
                            const struct zxc_test_list *list);

#endif
