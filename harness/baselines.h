/* Hand-written valid calls, one per call of spec/, that the table runner then breaks. */
#ifndef ZXCONFORM_BASELINES_H
#define ZXCONFORM_BASELINES_H

#include "zxc.h"

/* What an argument of a baseline is, so that faults can pick fitting replacement values. */
enum zxc_arg_kind {
    ZXC_ARG_VALUE,
    ZXC_ARG_RESOURCE,
    ZXC_ARG_VMO,
    ZXC_ARG_GUEST,
    ZXC_ARG_VCPU,
    ZXC_ARG_PORT,
    ZXC_ARG_OUT_POINTER, /* the call writes through it */
    ZXC_ARG_IN_POINTER,  /* the call reads through it */
};

struct zxc_baseline {
    uint64_t args[8];
    enum zxc_arg_kind kinds[8];
    /* Fixtures and the storage the pointer arguments point at. */
    struct zxc_guest guest;
    zx_handle_t vcpu;
    zx_handle_t port;
    zx_handle_t out_handle;
    zx_port_packet_t packet;
    zx_vcpu_state_t state;
    zx_info_handle_basic_t info;
    size_t actual;
    size_t avail;
    uint64_t size;
    uint8_t bytes[64];
};

/* Whether the harness has a baseline for `call`. */
bool zxc_baseline_exists(const char *call);
/* Builds the baseline of `call` (which must exist) into *b. */
void zxc_baseline_build(const char *call, struct zxc_baseline *b);

/* A new, live object of the kind `kind` (for BAD_HANDLE's closed handles and WRONG_TYPE). */
zx_handle_t zxc_baseline_new_object(struct zxc_baseline *b, enum zxc_arg_kind kind);

#endif
