/* Extra calls every implementation exports for the zxconform harness (not part of Zircon). */
#ifndef ZIRCON_ZXCONFORM_H_
#define ZIRCON_ZXCONFORM_H_

#include <zircon/types.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Required: a new handle to a resource of kind ZX_RSRC_KIND_HYPERVISOR. */
zx_status_t zxconf_hypervisor_resource(zx_handle_t* out);

/* Optional: a new handle to a resource of `kind` (a ZX_RSRC_KIND_* value), so that the harness
 * can check that a call refuses a resource of the wrong kind. ZX_ERR_NOT_SUPPORTED for a kind
 * the implementation does not make; ZX_ERR_INVALID_ARGS for a kind that does not exist. */
zx_status_t zxconf_resource(uint32_t kind, zx_handle_t* out);

/* Optional: the next `count` internal allocations fail, so the calls that need them return
 * ZX_ERR_NO_MEMORY. count 0 disarms. */
void zxconf_fail_allocations(uint32_t count);

/* Optional: why the calling thread's last zx_vcpu_resume failed inside the implementation (what
 * the hypervisor said about a failed VM entry, an internal error or an exit it could not
 * handle), as one line; "" if it has nothing to say. The harness adds it to a failed resume's
 * message. */
const char* zxconf_last_failure(void);

#ifdef __cplusplus
}
#endif

#endif
