/* What both fuzzers share: the implementation reached through dlopen only, the input as a
 * stream of choices, the process's fd and mapping counts, statuses seen per call (written for
 * fuzz/report.py), and findings that end the run with a reproducer (libFuzzer saves it). */
#ifndef ZXC_FUZZ_SUPPORT_H
#define ZXC_FUZZ_SUPPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <zircon/syscalls.h>
#include <zircon/zxconform.h>

/* The implementation's calls, looked up by name in $ZXC_FUZZ_IMPL (dlopen). */
struct fuzz_impl {
#define FUZZ_IMPL_FIELD(name) __typeof__(&name) name;
    FUZZ_IMPL_FIELD(zx_handle_close) FUZZ_IMPL_FIELD(zx_handle_duplicate)
    FUZZ_IMPL_FIELD(zx_object_get_info) FUZZ_IMPL_FIELD(zx_vmo_create)
    FUZZ_IMPL_FIELD(zx_vmo_write) FUZZ_IMPL_FIELD(zx_port_create) FUZZ_IMPL_FIELD(zx_event_create)
    FUZZ_IMPL_FIELD(zx_guest_create) FUZZ_IMPL_FIELD(zx_guest_set_trap)
    FUZZ_IMPL_FIELD(zx_vcpu_create) FUZZ_IMPL_FIELD(zx_vcpu_resume)
    FUZZ_IMPL_FIELD(zx_vcpu_interrupt) FUZZ_IMPL_FIELD(zx_vcpu_read_state)
    FUZZ_IMPL_FIELD(zx_vcpu_write_state) FUZZ_IMPL_FIELD(zxconf_hypervisor_resource)
#undef FUZZ_IMPL_FIELD
};
extern struct fuzz_impl fuzz_impl;
/* Loads $ZXC_FUZZ_IMPL; exits with a message when it cannot. */
void fuzz_load_impl(void);
/* Any exported symbol of the implementation, or NULL. */
void *fuzz_impl_symbol(const char *name);

/* The input as choices: each read takes the next bytes, 0 once the input is used up. */
struct fuzz_reader {
    const uint8_t *data;
    size_t size, at;
};
uint8_t fuzz_byte(struct fuzz_reader *r);
uint64_t fuzz_u64(struct fuzz_reader *r);

int fuzz_count_fds(void);

/* zx_vcpu_resume under a watchdog: a resume still running after 200 ms is interrupted with an
 * NMI every 50 ms (a guest in a loop without exits); one still running after 20 s is a finding
 * (a hang). */
zx_status_t fuzz_resume(zx_handle_t vcpu, zx_port_packet_t *packet);
/* Called by the watchdog before each NMI (NULL: none), for a set-up to restore the guest's way
 * out, which the guest may have overwritten. */
void fuzz_resume_before_nmi(void (*restore)(void));

/* Counts `status` for `call` (statuses seen per call, in results/fuzz.json). */
void fuzz_count_status(const char *call, zx_status_t status);
/* Writes the counts to $ZXC_FUZZ_STATS (also at exit). */
void fuzz_write_stats(void);

/* A violated oracle: prints "zxfuzz: FINDING: ..." and aborts, so libFuzzer keeps the input. */
__attribute__((noreturn, format(printf, 1, 2))) void fuzz_finding(const char *fmt, ...);

#include "status_names.h" /* harness/status_names.c, linked in */
uint64_t fuzz_now_ms(void);

#endif
