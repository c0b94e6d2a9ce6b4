/* results/<implementation>.xml in the JUnit XML format that CI systems read. */
#ifndef ZXCONFORM_RESULTS_JUNIT_H
#define ZXCONFORM_RESULTS_JUNIT_H

#include "results_json.h"

/* Writes the JUnit report; false (with a message) on an I/O error. */
bool zxc_results_write_junit(const char *path, const struct zxc_run *run,
                             const struct zxc_test_list *list);

#endif
