/* The completion record of a forked test (see child.h). */
#include "child.h"

#include <stdatomic.h>
#include <string.h>
#include <unistd.h>

static int record_fd = -1;
static struct zxc_child_trace *trace;
static atomic_flag finished = ATOMIC_FLAG_INIT;

void zxc_child_start(int fd, struct zxc_child_trace *shared_trace) {
    record_fd = fd;
    trace = shared_trace;
    trace->last_call = NULL;
}

void zxc_child_note_call(const char *name) {
    if (trace != NULL) trace->last_call = name;
}

void zxc_child_finish(enum zxc_verdict verdict, const char *message) {
    /* Two threads of one test may both end it (a failed check on a helper thread while the main
     * thread passes): the first verdict stands, and the other thread waits for the exit. */
    if (atomic_flag_test_and_set(&finished)) {
        for (;;) pause();
    }
    char record[ZXC_RECORD_MAX];
    struct zxc_record_header header = {.verdict = (char)verdict, .sender = getpid()};
    size_t length = strnlen(message, sizeof record - sizeof header - 1);
    memcpy(record, &header, sizeof header);
    memcpy(record + sizeof header, message, length);
    /* One write of at most PIPE_BUF bytes is atomic; if it fails the runner sees no record and
     * the test fails, which is the safe side. */
    ssize_t written = write(record_fd, record, sizeof header + length);
    (void)written;
    /* _exit, not exit: no atexit handler of the implementation runs after the verdict. */
    _exit(0);
}
