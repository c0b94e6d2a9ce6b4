/* Loading the implementation under test: dlopen by path, then dlsym of every symbol the harness
 * may need. The harness never links an implementation, so a missing symbol is a NULL here and
 * fails only the tests that call it. */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "zxc.h"

struct zxc_impl zxc_impl;
static void *impl_library;

/* Loads the library once in a throw-away process first: a constructor that ends the process
 * (exit(0) included) would otherwise end the runner, which would then report nothing. */
static bool load_returns(const char *path) {
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0) {
        perror("zxconform: pipe");
        return false;
    }
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        perror("zxconform: fork");
        return false;
    }
    if (pid == 0) {
        close(fds[0]);
        /* dlopen's own failure is reported by the real load below. */
        dlopen(path, RTLD_NOW | RTLD_LOCAL);
        ssize_t written = write(fds[1], "L", 1);
        _exit(written == 1 ? 0 : 1);
    }
    close(fds[1]);
    char mark = 0;
    ssize_t n;
    while ((n = read(fds[0], &mark, 1)) < 0 && errno == EINTR) {
    }
    close(fds[0]);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    if (n == 1 && mark == 'L') return true;
    if (WIFSIGNALED(status))
        fprintf(stderr, "zxconform: loading %s killed the process with signal %d (%s): its "
                "constructors must return\n", path, WTERMSIG(status), strsignal(WTERMSIG(status)));
    else
        fprintf(stderr, "zxconform: loading %s ended the process with exit status %d before "
                "dlopen returned: its constructors must return\n", path, WEXITSTATUS(status));
    return false;
}

bool zxc_impl_load(const char *path) {
    if (!load_returns(path)) return false;
    /* RTLD_NOW: an implementation with unresolved dependencies is rejected up front, not in
     * the middle of a test. */
    impl_library = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (impl_library == NULL) {
        fprintf(stderr, "zxconform: cannot load implementation %s: %s\n", path, dlerror());
        return false;
    }
#define ZXC_IMPL_LOOKUP(name) zxc_impl.name = (__typeof__(zxc_impl.name))zxc_impl_symbol(#name);
    ZXC_IMPL_SYMBOLS(ZXC_IMPL_LOOKUP)
#undef ZXC_IMPL_LOOKUP
    return true;
}

void *zxc_impl_symbol(const char *name) {
    return impl_library == NULL ? NULL : dlsym(impl_library, name);
}
