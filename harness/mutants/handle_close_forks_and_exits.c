// Mutant: closing a handle forks; the calling process exits 0 and the child carries on with the rest of the test. filter: bad_handle
#include <unistd.h>
#include "mutant.h"
zx_status_t zx_handle_close(zx_handle_t handle) {
    if (fork() != 0) _exit(0);
    return REAL(zx_handle_close)(handle);
}
