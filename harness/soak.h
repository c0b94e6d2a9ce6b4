/* --repeat N: the suite run N times; per test, how many runs gave an unexpected result and with
 * which messages, so that a flake shows as "3 of 200" with what it said. */
#ifndef ZXCONFORM_SOAK_H
#define ZXCONFORM_SOAK_H

#include <stdio.h>

#include "results_json.h"

#define ZXC_SOAK_MESSAGES 3 /* distinct messages kept per test; the rest are counted */

struct zxc_soak_test {
    int unexpected;
    char *messages[ZXC_SOAK_MESSAGES];
    int message_counts[ZXC_SOAK_MESSAGES];
    int other_messages;
};

struct zxc_soak {
    int runs;
    int unclean_runs;
    size_t count;
    struct zxc_soak_test *tests; /* parallel to the test list */
};

void zxc_soak_init(struct zxc_soak *soak, const struct zxc_test_list *list);
/* Adds one finished run; returns its number of unexpected results. */
int zxc_soak_add(struct zxc_soak *soak, const struct zxc_test_list *list);
/* The table of tests with unexpected results (or a line saying there were none). */
void zxc_soak_print(const struct zxc_soak *soak, const struct zxc_test_list *list, FILE *out);
/* DIR/NAME.soak.json; false (with a message) on an I/O error. */
bool zxc_soak_write_json(const char *path, const struct zxc_run *run,
                         const struct zxc_soak *soak, const struct zxc_test_list *list);

#endif
