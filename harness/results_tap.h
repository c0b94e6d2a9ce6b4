/* results/<implementation>.tap: the Test Anything Protocol, for TAP consumers. */
#ifndef ZXCONFORM_RESULTS_TAP_H
#define ZXCONFORM_RESULTS_TAP_H

#include "tests.h"

/* Writes the TAP report; false (with a message) on an I/O error. */
bool zxc_results_write_tap(const char *path, const struct zxc_test_list *list);

#endif
