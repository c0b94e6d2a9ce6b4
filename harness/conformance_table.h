/* The contract between gen/ (which writes build/gen/conformance_tables.c from spec/) and the
 * harness (which runs the rows). One row = one testable clause, tested by one fault applied to an
 * otherwise valid baseline call of the implementation under test. */
#ifndef ZXCONFORM_CONFORMANCE_TABLE_H
#define ZXCONFORM_CONFORMANCE_TABLE_H

#include <stddef.h>
#include <stdint.h>
#include <zircon/types.h>

enum zxc_fault {
    ZXC_FAULT_NONE,           /* the baseline call itself: must return ZX_OK */
    ZXC_FAULT_BAD_HANDLE,     /* arg replaced by a value that names no handle */
    ZXC_FAULT_WRONG_TYPE,     /* arg replaced by a valid handle to an object of another type */
    ZXC_FAULT_MISSING_RIGHTS, /* arg replaced by a duplicate of itself without `rights` */
    ZXC_FAULT_NULL_POINTER,   /* pointer arg set to NULL */
    ZXC_FAULT_UNMAPPED_POINTER, /* pointer arg set to an address with no mapping */
    ZXC_FAULT_READONLY_POINTER, /* pointer arg (an output) set to a read-only mapping */
    ZXC_FAULT_VALUE,          /* integer arg set to `value` */
    ZXC_FAULT_NO_MEMORY,      /* the implementation's allocation-failure injection is armed */
    ZXC_FAULT_DEFAULT_RIGHTS, /* no fault: the new handle written through arg must carry `rights` */
    ZXC_FAULT_OFFSET,         /* integer arg set to its baseline value plus `value` (mod 2^64):
                               * just below / above a size the baseline gives exactly */
    ZXC_FAULT_RESOURCE_KIND,  /* arg replaced by a resource of each kind but `value` (the kind
                               * required) and the root kind, from zxconf_resource */
    ZXC_FAULT_KIND_OFFSET,    /* integer arg set to `value` (a size that the value of another
                               * argument selects, plus or minus one) and argument `other_arg`
                               * set to `other_value` (that value) */
    ZXC_FAULT_WRAP,           /* integer arg set so that it plus argument `other_arg` (its
                               * baseline value) is 2^64 */
};

/* One call of spec/, from its SYNOPSIS. `invoke` calls the implementation's function `fn` with
 * the arguments cast from `args` to the prototype's types. */
struct zxc_call {
    const char *name;          /* "zx_vcpu_create" */
    int n_args;
    const char *arg_names[8];
    const char *arg_types[8];  /* C types as written in the SYNOPSIS */
    zx_status_t (*invoke)(void *fn, const uint64_t *args);
};

struct zxc_row {
    const char *test_name;     /* unique, stable, C-identifier-like */
    const char *clause_id;     /* stable id (gen/README.md), e.g.
                                * "zx_vcpu_create.ERRORS.INVALID_ARGS.options-nonzero" */
    const char *spec_file;     /* as given to the generator, e.g. "spec/zx_vcpu_create.md" */
    int spec_line;
    const char *clause_text;   /* the condition, in the spec's words */
    const struct zxc_call *call;
    int arg;                   /* index of the faulted (or checked) argument; -1 for none */
    enum zxc_fault fault;
    zx_rights_t rights;        /* MISSING_RIGHTS: rights removed; DEFAULT_RIGHTS: rights expected */
    uint64_t value;            /* VALUE: the value given */
    int n_expected;            /* acceptable statuses; the first is the one the spec names */
    zx_status_t expected[4];
    int other_arg;             /* KIND_OFFSET: the argument set to other_value; WRAP: the one
                                * added to arg; -1 for none */
    uint64_t other_value;
    const char *value_text;    /* KIND_OFFSET, WRAP: the values in the page's terms */
};

extern const struct zxc_call zxc_calls[];
extern const size_t zxc_n_calls;
extern const struct zxc_row zxc_rows[];
extern const size_t zxc_n_rows;

#endif
