/* A small hand-written table in the format of build/gen/conformance_tables.c, used to develop
 * and test the harness independently of gen/ (not part of build/harness/zxconform). */
#include <zircon/errors.h>
#include <zircon/rights.h>

#include "conformance_table.h"

static zx_status_t invoke_vcpu_create(void *fn, const uint64_t *a) {
    return ((zx_status_t(*)(zx_handle_t, uint32_t, zx_vaddr_t, zx_handle_t *))fn)(
        (zx_handle_t)a[0], (uint32_t)a[1], (zx_vaddr_t)a[2], (zx_handle_t *)(uintptr_t)a[3]);
}

static zx_status_t invoke_vcpu_resume(void *fn, const uint64_t *a) {
    return ((zx_status_t(*)(zx_handle_t, void *))fn)((zx_handle_t)a[0], (void *)(uintptr_t)a[1]);
}

static zx_status_t invoke_vcpu_interrupt(void *fn, const uint64_t *a) {
    return ((zx_status_t(*)(zx_handle_t, uint32_t))fn)((zx_handle_t)a[0], (uint32_t)a[1]);
}

static zx_status_t invoke_vcpu_kick(void *fn, const uint64_t *a) {
    return ((zx_status_t(*)(zx_handle_t))fn)((zx_handle_t)a[0]);
}

const struct zxc_call zxc_calls[] = {
    {"zx_vcpu_create", 4, {"guest", "options", "entry", "out"},
     {"zx_handle_t", "uint32_t", "zx_vaddr_t", "zx_handle_t*"}, invoke_vcpu_create},
    {"zx_vcpu_resume", 2, {"vcpu", "packet"}, {"zx_handle_t", "zx_port_packet_t*"},
     invoke_vcpu_resume},
    {"zx_vcpu_interrupt", 2, {"vcpu", "vector"}, {"zx_handle_t", "uint32_t"},
     invoke_vcpu_interrupt},
    /* Not a seed-era call: no baseline exists, so its row must fail as a harness gap. */
    {"zx_vcpu_kick", 1, {"handle"}, {"zx_handle_t"}, invoke_vcpu_kick},
};
const size_t zxc_n_calls = sizeof zxc_calls / sizeof zxc_calls[0];

#define VCPU_CREATE (&zxc_calls[0])
#define VCPU_RESUME (&zxc_calls[1])
#define VCPU_INTERRUPT (&zxc_calls[2])
#define SPEC "spec/zx_vcpu_create.md"

const struct zxc_row zxc_rows[] = {
    {"sample_vcpu_create_ok", "zx_vcpu_create.RETURN_VALUE.1", SPEC, 30, "returns ZX_OK",
     VCPU_CREATE, -1, ZXC_FAULT_NONE, 0, 0, 1, {ZX_OK}, -1, 0, NULL},
    {"sample_vcpu_create_options", "zx_vcpu_create.ERRORS.5", SPEC, 36, "options is nonzero",
     VCPU_CREATE, 1, ZXC_FAULT_VALUE, 0, 1, 1, {ZX_ERR_INVALID_ARGS}, -1, 0, NULL},
    {"sample_vcpu_create_bad_guest", "zx_vcpu_create.ERRORS.3", SPEC, 35,
     "guest is an invalid handle", VCPU_CREATE, 0, ZXC_FAULT_BAD_HANDLE, 0, 0, 1,
     {ZX_ERR_BAD_HANDLE}, -1, 0, NULL},
    {"sample_vcpu_create_wrong_type", "zx_vcpu_create.ERRORS.8", SPEC, 39,
     "guest is not a handle to a guest", VCPU_CREATE, 0, ZXC_FAULT_WRONG_TYPE, 0, 0, 1,
     {ZX_ERR_WRONG_TYPE}, -1, 0, NULL},
    {"sample_vcpu_create_no_write", "zx_vcpu_create.ERRORS.1", SPEC, 33,
     "guest does not have the ZX_RIGHT_WRITE right", VCPU_CREATE, 0,
     ZXC_FAULT_MISSING_RIGHTS, ZX_RIGHT_WRITE, 0, 1, {ZX_ERR_ACCESS_DENIED}, -1, 0, NULL},
    {"sample_vcpu_create_null_out", "zx_vcpu_create.ERRORS.4", SPEC, 36,
     "out is an invalid pointer", VCPU_CREATE, 3, ZXC_FAULT_NULL_POINTER, 0, 0, 1,
     {ZX_ERR_INVALID_ARGS}, -1, 0, NULL},
    {"sample_vcpu_create_readonly_out", "zx_vcpu_create.ERRORS.4", SPEC, 36,
     "out is an invalid pointer", VCPU_CREATE, 3, ZXC_FAULT_READONLY_POINTER, 0, 0, 1,
     {ZX_ERR_INVALID_ARGS}, -1, 0, NULL},
    {"sample_vcpu_create_no_memory", "zx_vcpu_create.ERRORS.7", SPEC, 38,
     "Temporary failure due to lack of memory", VCPU_CREATE, -1, ZXC_FAULT_NO_MEMORY, 0, 0,
     1, {ZX_ERR_NO_MEMORY}, -1, 0, NULL},
    {"sample_vcpu_create_rights", "zx_vcpu_create.RIGHTS.1", SPEC, 22,
     "default rights on out", VCPU_CREATE, 3, ZXC_FAULT_DEFAULT_RIGHTS,
     ZX_RIGHT_DUPLICATE | ZX_RIGHT_TRANSFER | ZX_RIGHT_EXECUTE | ZX_RIGHT_SIGNAL |
         ZX_RIGHT_READ | ZX_RIGHT_WRITE,
     0, 1, {ZX_OK}, -1, 0, NULL},
    {"sample_vcpu_resume_unmapped_packet", "zx_vcpu_resume.ERRORS.6", "spec/zx_vcpu_resume.md",
     40, "packet is an invalid pointer", VCPU_RESUME, 1, ZXC_FAULT_UNMAPPED_POINTER, 0, 0, 1,
     {ZX_ERR_INVALID_ARGS}, -1, 0, NULL},
    {"sample_vcpu_interrupt_vector", "zx_vcpu_interrupt.ERRORS.4",
     "spec/zx_vcpu_interrupt.md", 30, "vector is out of range", VCPU_INTERRUPT, 1,
     ZXC_FAULT_VALUE, 0, 256, 2, {ZX_ERR_OUT_OF_RANGE, ZX_OK}, -1, 0, NULL},
    {"sample_kick_no_baseline", "zx_vcpu_kick.ERRORS.1", "spec/zx_vcpu_kick.md", 1,
     "no such call in the seed era", &zxc_calls[3], 0, ZXC_FAULT_BAD_HANDLE, 0, 0, 1,
     {ZX_ERR_BAD_HANDLE}, -1, 0, NULL},
};
const size_t zxc_n_rows = sizeof zxc_rows / sizeof zxc_rows[0];
