/* The test process's side of its report to the runner. A test passes only on proof that its body
 * returned: the child sends one completion record, and a process that ends without one (an
 * implementation calling exit(0), say) fails, however it ended. */
#ifndef ZXCONFORM_CHILD_H
#define ZXCONFORM_CHILD_H

#include <stddef.h>

/* Verdicts a record can carry; the runner maps them to statuses. */
enum zxc_verdict {
    ZXC_VERDICT_PASS = 'P',
    ZXC_VERDICT_FAIL = 'F',
    ZXC_VERDICT_NOT_IMPLEMENTED = 'N',
    ZXC_VERDICT_NOT_TESTABLE = 'T',
};

/* A record is one write to a pipe, so it arrives whole: the header, then the message. */
#define ZXC_RECORD_MAX 4096

struct zxc_record_header {
    char verdict; /* an enum zxc_verdict */
    int sender;   /* the sending process: an implementation that forks and lets its child run the
                   * rest of the test must not pass for the test process */
};

/* Shared between a test process and the runner (MAP_SHARED): what the test was doing, so that a
 * process that dies can be described. */
struct zxc_child_trace {
    const char *last_call; /* the last call into the implementation the test began, or NULL */
};

/* In the forked child, before the test body: where the record goes and the trace to keep. */
void zxc_child_start(int record_fd, struct zxc_child_trace *trace);

/* Notes that the test is about to call `name` in the implementation. */
void zxc_child_note_call(const char *name);

/* Sends the record and ends the process; only the first call in a process sends anything. */
__attribute__((noreturn)) void zxc_child_finish(enum zxc_verdict verdict, const char *message);

#endif
