/* Running the selected tests: each in its own forked process (its own process group) with a
 * time limit, up to `jobs` at once. A test's verdict is the completion record its process sends
 * (child.h); a process that ends without one fails, whatever its exit status. Results and the
 * progress lines come out in list order, so a parallel run reads and compares like a serial one. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "child.h"
#include "table_runner.h"
#include "tests.h"

/* Time limits in seconds, scaled by $ZXC_TIMEOUT_MULTIPLIER. */
#define ROW_TIMEOUT_S 10
#define GUEST_TEST_TIMEOUT_S 20

struct slot {
    pid_t pid; /* 0: free */
    int fd;    /* read end of the record pipe; -1 once it reached end of file */
    size_t index;
    struct timespec started;
    double limit_s;
    char record[ZXC_RECORD_MAX];
    size_t length;
    struct zxc_child_trace *trace; /* a MAP_SHARED page */
};

static double seconds_since(const struct timespec *start) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - start->tv_sec) + (double)(now.tv_nsec - start->tv_nsec) / 1e9;
}

static double timeout_multiplier(void) {
    const char *text = getenv("ZXC_TIMEOUT_MULTIPLIER");
    double multiplier = text ? strtod(text, NULL) : 1.0;
    return multiplier > 0 ? multiplier : 1.0;
}

/* The forked process: run the body, and only if it returns, send the pass record. */
static __attribute__((noreturn)) void run_child(const struct zxc_test *t, int record_fd,
                                                struct zxc_child_trace *trace) {
    setpgid(0, 0);
    signal(SIGPIPE, SIG_DFL);
    zxc_child_start(record_fd, trace);
    if (t->row != NULL)
        zxc_run_row(t->row);
    else
        t->guest->fn();
    zxc_child_finish(ZXC_VERDICT_PASS, zxc_note_text());
}

static void start(struct slot *s, const struct zxc_test_list *list, size_t index,
                  double multiplier) {
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0) {
        perror("zxconform: pipe");
        exit(2);
    }
    fflush(NULL); /* nothing buffered is printed twice */
    const struct zxc_test *t = &list->tests[index];
    pid_t pid = fork();
    if (pid < 0) {
        perror("zxconform: fork");
        exit(2);
    }
    if (pid == 0) {
        close(fds[0]);
        run_child(t, fds[1], s->trace);
    }
    setpgid(pid, pid); /* also here: whichever of the two runs first */
    close(fds[1]);
    fcntl(fds[0], F_SETFL, O_NONBLOCK); /* drain() reads what is there, then returns */
    s->pid = pid;
    s->fd = fds[0];
    s->index = index;
    s->length = 0;
    s->limit_s = (t->row ? ROW_TIMEOUT_S : GUEST_TEST_TIMEOUT_S) * multiplier;
    clock_gettime(CLOCK_MONOTONIC, &s->started);
}

/* "in or after zx_vcpu_resume (...)": what the test was doing when its process ended. */
static void describe_last_call(const struct slot *s, char *out, size_t size) {
    const char *call = s->trace->last_call;
    if (call == NULL)
        snprintf(out, size, "before the test made any call into the implementation");
    else
        snprintf(out, size, "in or after %s, the test's last call into the implementation",
                 call);
}

static void describe_end(int wait_status, char *out, size_t size) {
    if (WIFEXITED(wait_status))
        snprintf(out, size, "ended with exit status %d", WEXITSTATUS(wait_status));
    else if (WIFSIGNALED(wait_status))
        snprintf(out, size, "was killed by signal %d (%s)", WTERMSIG(wait_status),
                 strsignal(WTERMSIG(wait_status)));
    else
        snprintf(out, size, "ended with wait status %#x", wait_status);
}

static enum zxc_result result_of(enum zxc_verdict verdict) {
    switch (verdict) {
    case ZXC_VERDICT_PASS: return ZXC_RESULT_PASS;
    case ZXC_VERDICT_NOT_IMPLEMENTED: return ZXC_RESULT_NOT_IMPLEMENTED;
    case ZXC_VERDICT_NOT_TESTABLE: return ZXC_RESULT_NOT_TESTABLE;
    case ZXC_VERDICT_FAIL: break;
    }
    return ZXC_RESULT_FAIL;
}

const char *zxc_result_name(enum zxc_result result) {
    static const char *names[] = {
        [ZXC_RESULT_PASS] = "pass", [ZXC_RESULT_FAIL] = "fail", [ZXC_RESULT_CRASH] = "crash",
        [ZXC_RESULT_TIMEOUT] = "timeout", [ZXC_RESULT_NOT_IMPLEMENTED] = "not_implemented",
        [ZXC_RESULT_NOT_TESTABLE] = "not_testable",
    };
    return names[result];
}

/* A crash or timeout says nothing of the clause: add where the test's clause is. */
static char *with_clause(const struct zxc_test *t, const char *msg) {
    const char *location = NULL;
    char row_location[512];
    if (t->row != NULL) {
        snprintf(row_location, sizeof row_location, "%s:%d", t->row->spec_file,
                 t->row->spec_line);
        location = row_location;
    } else if (t->n_clauses > 0) {
        location = zxc_clause_location(t->clauses[0]);
    }
    char *text;
    if (asprintf(&text, "%s (while testing %s [%s])", msg,
                 location ? location : "spec: clause not found",
                 t->n_clauses ? t->clauses[0] : "no clause") < 0)
        abort();
    return text;
}

/* The verdict: the record, if the test process itself sent it and then ended as the record's
 * sender ends it. */
static void judge(struct zxc_test *t, const struct slot *s, int wait_status, bool timed_out) {
    char call[256], end[128], *text = NULL;
    describe_last_call(s, call, sizeof call);
    struct zxc_record_header header = {0};
    bool recorded = s->length >= sizeof header;
    if (recorded) memcpy(&header, s->record, sizeof header);
    const char *message = recorded ? s->record + sizeof header : "";
    bool clean_exit = WIFEXITED(wait_status) && WEXITSTATUS(wait_status) == 0;
    int n = 0;
    if (timed_out) {
        t->result = ZXC_RESULT_TIMEOUT;
        n = asprintf(&text, "timeout: no result within %.0f s (%s)", s->limit_s, call);
    } else if (recorded && header.sender != s->pid) {
        t->result = ZXC_RESULT_CRASH;
        n = asprintf(&text, "the test's completion record came from another process than the "
                     "test's: the implementation forked and a child ran the rest of the test (%s)",
                     call);
    } else if (recorded && clean_exit) {
        t->result = result_of((enum zxc_verdict)header.verdict);
        t->message = strdup(message);
        return;
    } else {
        describe_end(wait_status, end, sizeof end);
        t->result = ZXC_RESULT_CRASH;
        n = recorded ? asprintf(&text, "%s%sthen the process %s (%s)", message,
                                *message ? "; " : "the test's checks passed, ", end, call)
                     : asprintf(&text, "the process %s %s, before the test reached its end; "
                                "a test passes only when it runs to its end", end, call);
    }
    if (n < 0) abort();
    t->message = with_clause(t, text);
    free(text);
}

static void reap(struct zxc_test_list *list, struct slot *s, bool timed_out) {
    int wait_status = 0;
    /* The whole group goes: threads are gone with the process, but an implementation may have
     * started processes of its own. */
    if (timed_out) kill(-s->pid, SIGKILL);
    while (waitpid(s->pid, &wait_status, 0) < 0 && errno == EINTR) {
    }
    if (!timed_out) kill(-s->pid, SIGKILL);
    if (s->fd >= 0) close(s->fd);
    struct zxc_test *t = &list->tests[s->index];
    t->duration_s = seconds_since(&s->started);
    judge(t, s, wait_status, timed_out);
    bool passed = t->result == ZXC_RESULT_PASS;
    if (t->expectation == NULL)
        t->outcome = passed ? ZXC_OK : ZXC_UNEXPECTED_FAILURE;
    else
        t->outcome = passed ? ZXC_UNEXPECTED_PASS : ZXC_EXPECTED_FAILURE;
    s->pid = 0;
    s->fd = -1;
}

/* Reads what the child sent; true at end of file (every writer is gone). */
static bool drain(struct slot *s) {
    for (;;) {
        char *at = s->record + s->length;
        size_t room = sizeof s->record - 1 - s->length;
        char discard[256];
        ssize_t n = room ? read(s->fd, at, room) : read(s->fd, discard, sizeof discard);
        if (n > 0) {
            if (room) s->length += (size_t)n;
            s->record[s->length] = 0;
            continue;
        }
        if (n == 0) return true;
        if (errno == EINTR) continue;
        return errno != EAGAIN && errno != EWOULDBLOCK;
    }
}

static void print_result(const struct zxc_test_list *list, size_t index, bool quiet) {
    const struct zxc_test *t = &list->tests[index];
    if (quiet && t->outcome == ZXC_OK) return;
    static const char *labels[] = {"PASS ", "XFAIL", "FAIL ", "XPASS"};
    bool passed = t->result == ZXC_RESULT_PASS;
    printf("[%4zu/%zu] %s %-16s %s (%.2f s)\n", index + 1, list->count, labels[t->outcome],
           passed ? "" : zxc_result_name(t->result), t->name, t->duration_s);
    if (!passed || *t->message) printf("           %s%s\n", passed ? "note: " : "", t->message);
    if (t->outcome == ZXC_UNEXPECTED_PASS)
        printf("           expected to fail: %s\n", t->expectation->reason);
    fflush(stdout);
}

void zxc_tests_run(struct zxc_test_list *list, int jobs, bool quiet) {
    double multiplier = timeout_multiplier();
    struct slot *slots = calloc((size_t)jobs, sizeof *slots);
    struct pollfd *polls = calloc((size_t)jobs, sizeof *polls);
    bool *finished = calloc(list->count ? list->count : 1, sizeof *finished);
    for (int i = 0; i < jobs; i++) {
        slots[i].fd = -1;
        slots[i].trace = mmap(NULL, sizeof *slots[i].trace, PROT_READ | PROT_WRITE,
                              MAP_SHARED | MAP_ANONYMOUS, -1, 0);
        if (slots[i].trace == MAP_FAILED) {
            perror("zxconform: mmap");
            exit(2);
        }
    }
    for (size_t i = 0; i < list->count; i++) {
        free(list->tests[i].message);
        list->tests[i].message = NULL;
    }
    size_t next = 0, printed = 0;
    while (printed < list->count) {
        for (int i = 0; i < jobs && next < list->count; i++)
            if (slots[i].pid == 0) start(&slots[i], list, next++, multiplier);
        /* Wait for a record or an end of file, at most until the nearest deadline. */
        int n_polls = 0, wait_ms = -1;
        for (int i = 0; i < jobs; i++) {
            if (slots[i].pid == 0) continue;
            double left = slots[i].limit_s - seconds_since(&slots[i].started);
            int left_ms = left <= 0 ? 0 : (int)(left * 1000) + 1;
            if (slots[i].fd < 0) left_ms = left_ms < 10 ? left_ms : 10; /* pipe closed early */
            if (wait_ms < 0 || left_ms < wait_ms) wait_ms = left_ms;
            if (slots[i].fd >= 0) polls[n_polls++] = (struct pollfd){slots[i].fd, POLLIN, 0};
        }
        if (poll(polls, (nfds_t)n_polls, wait_ms) < 0 && errno != EINTR) {
            perror("zxconform: poll");
            exit(2);
        }
        for (int i = 0; i < jobs; i++) {
            struct slot *s = &slots[i];
            if (s->pid == 0) continue;
            if (s->fd >= 0) {
                if (drain(s)) {
                    close(s->fd);
                    s->fd = -1;
                }
            }
            siginfo_t info = {0};
            bool exited = s->fd < 0 &&
                          waitid(P_PID, (id_t)s->pid, &info, WEXITED | WNOHANG | WNOWAIT) == 0 &&
                          info.si_pid == s->pid;
            bool timed_out = !exited && seconds_since(&s->started) >= s->limit_s;
            if (exited || timed_out) {
                size_t index = s->index;
                reap(list, s, timed_out);
                finished[index] = true;
            }
        }
        while (printed < list->count && finished[printed]) print_result(list, printed++, quiet);
    }
    for (int i = 0; i < jobs; i++) munmap(slots[i].trace, sizeof *slots[i].trace);
    free(finished);
    free(polls);
    free(slots);
}
