/* User pointers are never dereferenced: the kernel copies through process_vm_readv/writev on
 * our own pid, so NULL, unmapped or read-only buffers fail cleanly (EFAULT) instead of
 * crashing. */
#include <sys/uio.h>
#include <unistd.h>

#include "zxr.h"

static bool copy(void *local, void *remote, size_t len, bool to_remote) {
    if (len == 0)
        return true;
    if (remote == NULL)
        return false;
    size_t done = 0;
    while (done < len) {
        struct iovec l = {(uint8_t *)local + done, len - done};
        struct iovec r = {(uint8_t *)remote + done, len - done};
        ssize_t n = to_remote ? process_vm_writev(getpid(), &l, 1, &r, 1, 0)
                              : process_vm_readv(getpid(), &l, 1, &r, 1, 0);
        if (n <= 0)
            return false;
        done += (size_t)n;
    }
    return true;
}

bool zxr_copy_from_user(void *dst, const void *user_src, size_t len) {
    return copy(dst, (void *)user_src, len, false);
}

bool zxr_copy_to_user(void *user_dst, const void *src, size_t len) {
    return copy((void *)src, user_dst, len, true);
}

bool zxr_user_writable(void *user_dst, size_t len) {
    uint8_t bytes[64];
    for (size_t off = 0; off < len; off += sizeof(bytes)) {
        size_t n = len - off < sizeof(bytes) ? len - off : sizeof(bytes);
        if (!zxr_copy_from_user(bytes, (uint8_t *)user_dst + off, n) ||
            !zxr_copy_to_user((uint8_t *)user_dst + off, bytes, n))
            return false;
    }
    return len > 0 || user_dst != NULL;
}
