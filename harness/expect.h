/* results/<name>.expect: the tests an implementation is expected to fail, with the reason.
 * One per line: `TEST_NAME  reason...`; blank lines and lines starting with '#' are ignored. */
#ifndef ZXCONFORM_EXPECT_H
#define ZXCONFORM_EXPECT_H

#include <stdbool.h>
#include <stddef.h>

struct zxc_expectation {
    char *test_name;
    char *reason;
    bool used;
};

struct zxc_expectations {
    struct zxc_expectation *items;
    size_t count;
};

/* Reads `path` into *out. A missing file is fine when `required` is false (no expectations).
 * Returns false, with a message naming file:line, on a malformed file. */
bool zxc_expectations_load(const char *path, bool required, struct zxc_expectations *out);

/* The expectation for `test_name`, or NULL. Marks it used. */
struct zxc_expectation *zxc_expectation_find(struct zxc_expectations *e, const char *test_name);

#endif
