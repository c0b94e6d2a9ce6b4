#ifndef ZXCONFORM_TABLE_RUNNER_H
#define ZXCONFORM_TABLE_RUNNER_H

#include "zxc.h"

/* Runs one row of the conformance table inside the current (forked) test process. */
void zxc_run_row(const struct zxc_row *row);

#endif
