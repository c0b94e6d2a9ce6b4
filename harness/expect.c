#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "expect.h"

static char *trimmed_copy(const char *start, size_t len) {
    while (len > 0 && (start[len - 1] == ' ' || start[len - 1] == '\t' || start[len - 1] == '\n'))
        len--;
    return strndup(start, len);
}

bool zxc_expectations_load(const char *path, bool required, struct zxc_expectations *out) {
    out->items = NULL;
    out->count = 0;
    FILE *file = fopen(path, "r");
    if (file == NULL) {
        if (!required && errno == ENOENT) return true;
        fprintf(stderr, "zxconform: cannot read expectations %s: %s\n", path, strerror(errno));
        return false;
    }
    char line[2048];
    bool ok = true;
    for (int line_no = 1; fgets(line, sizeof line, file); line_no++) {
        const char *p = line + strspn(line, " \t");
        if (*p == '#' || *p == '\n' || *p == '\0') continue;
        size_t name_len = strcspn(p, " \t\n");
        const char *reason = p + name_len;
        reason += strspn(reason, " \t");
        if (*reason == '\n' || *reason == '\0') {
            fprintf(stderr, "%s:%d: expected failure of %.*s gives no reason\n", path, line_no,
                    (int)name_len, p);
            ok = false;
            continue;
        }
        out->items = realloc(out->items, (out->count + 1) * sizeof *out->items);
        out->items[out->count++] = (struct zxc_expectation){
            .test_name = strndup(p, name_len),
            .reason = trimmed_copy(reason, strlen(reason)),
        };
    }
    fclose(file);
    return ok;
}

struct zxc_expectation *zxc_expectation_find(struct zxc_expectations *e, const char *test_name) {
    for (size_t i = 0; i < e->count; i++) {
        if (strcmp(e->items[i].test_name, test_name) == 0) {
            e->items[i].used = true;
            return &e->items[i];
        }
    }
    return NULL;
}
