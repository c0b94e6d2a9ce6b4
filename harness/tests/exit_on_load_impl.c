/* An implementation whose constructor ends the process with exit status 0 (harness-check): the
 * runner must refuse it with a usage error, not report an empty success. */
#include <stdlib.h>

__attribute__((constructor)) static void quit_on_load(void) {
    exit(0);
}
