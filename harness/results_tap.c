/* The TAP report: a plan, then one line per test in run order. A test that fails as expected is
 * "not ok ... # TODO" (TAP's word for a known failure); an unexpected pass is "not ok", as it
 * fails the run. The message follows as a comment. */
#include <stdio.h>
#include <string.h>

#include "results_tap.h"

/* A message on one comment line: TAP lines end at a newline. */
static void comment(FILE *out, const char *text) {
    fputs("# ", out);
    for (const char *p = text; *p; p++) fputc(*p == '\n' ? ' ' : *p, out);
    fputc('\n', out);
}

bool zxc_results_write_tap(const char *path, const struct zxc_test_list *list) {
    FILE *out = fopen(path, "w");
    if (out == NULL) {
        perror(path);
        return false;
    }
    fprintf(out, "1..%zu\n", list->count);
    for (size_t i = 0; i < list->count; i++) {
        const struct zxc_test *t = &list->tests[i];
        bool ok = t->outcome == ZXC_OK;
        fprintf(out, "%s %zu - %s", ok ? "ok" : "not ok", i + 1, t->name);
        if (t->outcome == ZXC_EXPECTED_FAILURE)
            fprintf(out, " # TODO %s", t->expectation->reason);
        fputc('\n', out);
        if (t->outcome == ZXC_UNEXPECTED_PASS)
            comment(out, "passed, but the expectations file says it fails");
        else if (t->result != ZXC_RESULT_PASS)
            comment(out, t->message);
    }
    if (fclose(out) != 0) {
        perror(path);
        return false;
    }
    return true;
}
