/* Facts about a run that go into results/<name>.json. */
#ifndef ZXCONFORM_RUN_INFO_H
#define ZXCONFORM_RUN_INFO_H

#include <stdbool.h>

struct zxc_run_info {
    char sha256[65];
    char kernel[256];
    char cpu[256];
    char date[32];
};

/* Fills *info; false (with a message) if the implementation's file cannot be hashed. */
bool zxc_run_info_collect(const char *impl_path, struct zxc_run_info *info);

#endif
