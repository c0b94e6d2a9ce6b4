/* Selecting tests: the table's rows and the linked guest tests, in a fixed order, filtered. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests.h"

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

const char *zxc_outcome_name(enum zxc_outcome outcome) {
    static const char *names[] = {"ok", "expected_failure", "unexpected_failure",
                                  "unexpected_pass"};
    return names[outcome];
}

