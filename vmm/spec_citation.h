/* What spec/ says about a status a call returned: the clauses behind zxvmm's "which spec clause
 * the implementation broke" (table generated from the pages by vmm/spec_errors.py). */
#ifndef ZXVMM_SPEC_CITATION_H
#define ZXVMM_SPEC_CITATION_H

#include <stddef.h>
#include <zircon/types.h>

struct spec_error {
    const char *call;      /* "zx_guest_set_trap" */
    const char *status;    /* "ZX_ERR_INVALID_ARGS" for an ERRORS clause; "ZX_OK" for the
                            * clause promising success */
    const char *clause_id;
    const char *location;  /* "spec/zx_guest_set_trap.md:52" */
    const char *text;
};
extern const struct spec_error spec_errors[];  /* ends with an entry whose call is NULL */

/* Writes into out a clause citation for a valid call of `call` that returned `status_name`:
 * the ERRORS clauses that give it, or, when the page lists no such status, the success clause
 * the implementation broke. "" when spec/ has no page for the call. */
void spec_citation(const char *call, const char *status_name, char *out, size_t size);

#endif
