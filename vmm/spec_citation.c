/* Clause citations for failed calls (spec_citation.h). */
#include <stdio.h>
#include <string.h>

#include "spec_citation.h"

void spec_citation(const char *call, const char *status_name, char *out, size_t size) {
    const struct spec_error *success = NULL;
    size_t used = 0;
    int listed = 0;
    out[0] = '\0';
    for (const struct spec_error *e = spec_errors; e->call != NULL; e++) {
        if (strcmp(e->call, call) != 0) continue;
        if (strcmp(e->status, "ZX_OK") == 0) success = e;
        if (strcmp(e->status, status_name) != 0 || used >= size) continue;
        /* zxvmm's calls are valid, so each such condition should not hold: name them all. */
        used += (size_t)snprintf(out + used, size - used, "%s%s (%s: \"%s\")",
                                 listed++ ? "; or " : "; the spec gives it only when ",
                                 e->clause_id, e->location, e->text);
    }
    if (listed == 0 && success != NULL)
        snprintf(out, size, "; the page lists no %s for this call, so the implementation broke "
                 "%s (%s: \"%s\")", status_name, success->clause_id, success->location,
                 success->text);
}
