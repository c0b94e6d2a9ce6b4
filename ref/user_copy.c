/* User pointers are never dereferenced: the kernel copies through process_vm_readv/writev on
 * our own pid, so NULL, unmapped or read-only buffers fail cleanly (EFAULT) instead of
 * crashing. The pid is cached (getpid is a system call) and refreshed in a forked child. */
#include <sys/uio.h>
#include <unistd.h>

#include "zxr.h"

static pid_t own_pid;

static void refresh_pid(void) { own_pid = getpid(); }
__attribute__((constructor)) static void init_pid(void) {
    refresh_pid();
    pthread_atfork(NULL, NULL, refresh_pid);
}

/* Copies len bytes from local (our memory, or user memory when probing) to remote or back;
 * a partial copy means a fault. */
static bool copy(void *local, void *remote, size_t len, bool to_remote) {
    if (len == 0)
        return true;
    if (remote == NULL)
        return false;
    struct iovec l = {local, len};
    struct iovec r = {remote, len};
    ssize_t n = to_remote ? process_vm_writev(own_pid, &l, 1, &r, 1, 0)
                          : process_vm_readv(own_pid, &l, 1, &r, 1, 0);
    return n == (ssize_t)len;
}
bool zxr_copy_from_user(void *dst, const void *user_src, size_t len) {
    return copy(dst, (void *)user_src, len, false);
}

bool zxr_copy_to_user(void *user_dst, const void *src, size_t len) {
    return copy((void *)src, user_dst, len, true);
}

bool zxr_user_writable(void *user_dst, size_t len) {
    /* One call writes the buffer onto itself: it must be readable and writable, and keeps
     * its bytes. */
    return copy(user_dst, user_dst, len, true) && (len > 0 || user_dst != NULL);
}
