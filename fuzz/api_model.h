/* The API fuzzer's model of each call, generated from spec/ by gen/fuzz_model.py into
 * build/fuzz/api_model.c: what each argument is and which statuses the page allows. */
#ifndef ZXC_FUZZ_API_MODEL_H
#define ZXC_FUZZ_API_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <zircon/syscalls.h>
#include <zircon/syscalls/object.h>
#include <zircon/syscalls/port.h>
#include <zircon/types.h>

enum fuzz_arg_kind {
    FUZZ_HANDLE,     /* a handle; .object: the type the call wants (NONE: any) */
    FUZZ_OUT_HANDLE, /* a zx_handle_t* the call fills */
    FUZZ_BUFFER,     /* a void*; .size_arg: the index of its size argument */
    FUZZ_SIZE,       /* a buffer's size */
    FUZZ_OUT,        /* a pointer to .size bytes the call writes */
    FUZZ_IN,         /* a pointer to .size bytes the call reads */
    FUZZ_DEADLINE,   /* a zx_time_t deadline */
    FUZZ_VALUE,      /* an integer; .values: the ones its clauses name */
};

struct fuzz_arg {
    const char *name;
    enum fuzz_arg_kind kind;
    zx_obj_type_t object;
    size_t size;
    unsigned size_arg;
    const uint64_t *values;
    size_t value_count;
    unsigned bits; /* VALUE: the integer's width */
};

struct fuzz_call {
    const char *name;
    const char *page;
    unsigned arg_count;
    const struct fuzz_arg *args;
    unsigned status_count;
    const zx_status_t *statuses; /* ZX_OK and the page's ERRORS */
};

extern const struct fuzz_call fuzz_calls[];
extern const size_t fuzz_call_count;

#endif
