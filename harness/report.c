/* How a test ends: failure records that cite the spec clause (file:line) with expected and actual
 * values, sent to the runner through child.h. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "child.h"
#include "zxc.h"

struct zxc_clause_location {
    const char *id;
    const char *location;
};
/* Generated from gen's clause list into build/harness/clause_index.c. */
extern const struct zxc_clause_location zxc_clause_index[];
extern const size_t zxc_n_clause_index;

const char *zxc_clause_location(const char *clause_id) {
    for (size_t i = 0; i < zxc_n_clause_index; i++) {
        if (strcmp(zxc_clause_index[i].id, clause_id) == 0) return zxc_clause_index[i].location;
    }
    return NULL;
}

void zxc_fail(const char *clause_id, const char *fmt, ...) {
    char detail[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(detail, sizeof detail, fmt, ap);
    va_end(ap);
    if (clause_id == NULL) zxc_child_finish(ZXC_VERDICT_FAIL, detail);
    const char *location = zxc_clause_location(clause_id);
    char message[ZXC_RECORD_MAX];
    snprintf(message, sizeof message, "%s [%s]: %s",
             location ? location : "spec: clause not found", clause_id, detail);
    zxc_child_finish(ZXC_VERDICT_FAIL, message);
}

void zxc_not_implemented(const char *symbol) {
    char message[256];
    snprintf(message, sizeof message, ZXC_MSG_NOT_IMPLEMENTED "the implementation does not export %s",
             symbol);
    zxc_child_finish(ZXC_VERDICT_NOT_IMPLEMENTED, message);
}

static char note[1024];

void zxc_note(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(note, sizeof note, fmt, ap);
    va_end(ap);
}

const char *zxc_note_text(void) { return note; }

void zxc_not_testable(const char *fmt, ...) {
    char detail[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(detail, sizeof detail, fmt, ap);
    va_end(ap);
    char message[ZXC_RECORD_MAX];
    snprintf(message, sizeof message, ZXC_MSG_NOT_TESTABLE "%s", detail);
    zxc_child_finish(ZXC_VERDICT_NOT_TESTABLE, message);
}

void zxc_expect_status(const char *clause, const char *what, zx_status_t expected,
                       zx_status_t actual) {
    if (actual != expected) {
        /* Two names in one message: copy the first out of zxc_status_name's buffer. */
        char expected_name[40];
        snprintf(expected_name, sizeof expected_name, "%s", zxc_status_name(expected));
        zxc_fail(clause, "%s: expected %s, got %s", what, expected_name,
                 zxc_status_name(actual));
    }
}

void zxc_expect_u64(const char *clause, const char *what, uint64_t expected, uint64_t actual) {
    if (actual != expected) {
        zxc_fail(clause, "%s: expected %#llx, got %#llx", what, (unsigned long long)expected,
                 (unsigned long long)actual);
    }
}
