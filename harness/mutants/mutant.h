/* A mutant is the reference with one behaviour changed: it links libzxref.so (so every symbol it
 * does not define comes from the reference) and overrides one call, reaching the reference's
 * version through REAL(). The `filter:` line of each mutant names the tests `make mutants` runs
 * against it. */
#ifndef ZXCONFORM_MUTANT_H
#define ZXCONFORM_MUTANT_H

#include <dlfcn.h>
#include <zircon/syscalls.h>
#include <zircon/zxconform.h>

static inline void *mutant_real(const char *name) {
    static void *reference;
    if (reference == NULL) reference = dlopen("libzxref.so", RTLD_NOW | RTLD_NOLOAD);
    return reference == NULL ? NULL : dlsym(reference, name);
}

#define REAL(name) ((__typeof__(&name))mutant_real(#name))

#endif
