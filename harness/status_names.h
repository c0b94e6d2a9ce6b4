/* zx_status_t values by name, for messages: shared by the harness, the fuzzers and zxvmm. */
#ifndef ZXCONFORM_STATUS_NAMES_H
#define ZXCONFORM_STATUS_NAMES_H

#include <zircon/types.h>

/* "ZX_ERR_BAD_STATE"; an unknown code as "status -99". */
const char *zxc_status_name(zx_status_t status);

#endif
