/* A mutant is the reference with one behaviour changed: it links libzxref.so (so every symbol it
 * does not define comes from the reference) and overrides one call, reaching the reference's
 * version through REAL(). The `filter:` line of each mutant names the tests `make mutants` runs
 * against it. */
#ifndef ZXCONFORM_MUTANT_H
#define ZXCONFORM_MUTANT_H

#include <dlfcn.h>
#include <zircon/syscalls.h>
#include <zircon/syscalls/object.h>
#include <zircon/zxconform.h>

static inline void *mutant_real(const char *name) {
    static void *reference;
    if (reference == NULL) reference = dlopen("libzxref.so", RTLD_NOW | RTLD_NOLOAD);
    return reference == NULL ? NULL : dlsym(reference, name);
}

#define REAL(name) ((__typeof__(&name))mutant_real(#name))

/* For mutants whose new handles lack a default right: hands out `created` without `right`. */
static inline zx_status_t mutant_without_right(zx_status_t status, zx_handle_t created,
                                               zx_rights_t right, zx_handle_t* out) {
    if (status != ZX_OK) return status;
    zx_info_handle_basic_t info;
    REAL(zx_object_get_info)(created, ZX_INFO_HANDLE_BASIC, &info, sizeof info, NULL, NULL);
    return REAL(zx_handle_replace)(created, info.rights & ~right, out);
}

#endif
