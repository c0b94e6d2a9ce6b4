/* The harness's internal interface: the implementation's symbols (reached only through dlsym),
 * the test registry, failure reporting that cites spec clauses, and the shared fixtures. */
#ifndef ZXCONFORM_ZXC_H
#define ZXCONFORM_ZXC_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <zircon/errors.h>
#include <zircon/rights.h>
#include <zircon/syscalls.h>
#include <zircon/zxconform.h>

#include "child.h"
#include "conformance_table.h"

/* ---- The implementation under test ------------------------------------------------------- */

/* Every symbol the harness may look up. The optional ones are marked in impl.c. */
#define ZXC_IMPL_SYMBOLS(X) \
    X(zx_handle_close) X(zx_handle_duplicate) X(zx_handle_replace) X(zx_object_get_info) \
    X(zx_vmo_create) X(zx_vmo_read) X(zx_vmo_write) X(zx_vmo_get_size) \
    X(zx_port_create) X(zx_port_queue) X(zx_port_wait) X(zx_event_create) \
    X(zx_guest_create) X(zx_guest_set_trap) X(zx_vcpu_create) X(zx_vcpu_resume) \
    X(zx_vcpu_interrupt) X(zx_vcpu_read_state) X(zx_vcpu_write_state) \
    X(zxconf_hypervisor_resource) X(zxconf_resource) X(zxconf_fail_allocations) \
    X(zxconf_last_failure)

struct zxc_impl {
#define ZXC_IMPL_FIELD(name) __typeof__(&name) name;
    ZXC_IMPL_SYMBOLS(ZXC_IMPL_FIELD)
#undef ZXC_IMPL_FIELD
};
extern struct zxc_impl zxc_impl;

/* Loads the implementation; returns false (with a message on stderr) if dlopen fails. */
bool zxc_impl_load(const char *path);
/* The implementation's function `name`, or NULL when it does not export it. */
void *zxc_impl_symbol(const char *name);

/* ZX(zx_vcpu_create)(...) calls the implementation; a missing symbol ends the test with the
 * "not implemented" status instead of crashing. The call is noted, so that a process that dies
 * in it can be described. */
#define ZX(name)                                                           \
    (zxc_child_note_call(#name),                                           \
     zxc_impl.name ? zxc_impl.name : (zxc_not_implemented(#name), zxc_impl.name))

/* ---- Test outcome messages --------------------------------------------------------------- */

/* How the messages of the "not implemented" and "not testable" statuses begin. */
#define ZXC_MSG_NOT_IMPLEMENTED "not implemented: "
#define ZXC_MSG_NOT_TESTABLE "not testable: "

/* End the current test. `clause_id` may be NULL for setup failures that no clause covers. */
__attribute__((noreturn, format(printf, 2, 3)))
void zxc_fail(const char *clause_id, const char *fmt, ...);
__attribute__((noreturn)) void zxc_not_implemented(const char *symbol);
__attribute__((noreturn, format(printf, 1, 2))) void zxc_not_testable(const char *fmt, ...);
/* Something a user should know about a test that passes (the report shows it beside the pass);
 * the last note of a test stands. */
__attribute__((format(printf, 1, 2))) void zxc_note(const char *fmt, ...);
const char *zxc_note_text(void);

/* "spec/zx_vcpu_create.md:12" for a clause id, from gen's clause list; NULL if unknown. */
const char *zxc_clause_location(const char *clause_id);

#include "status_names.h"

/* Fails citing `clause` unless `actual == expected`. */
void zxc_expect_status(const char *clause, const char *what, zx_status_t expected,
                       zx_status_t actual);
void zxc_expect_u64(const char *clause, const char *what, uint64_t expected, uint64_t actual);

/* ---- Hand-written (guest) tests ---------------------------------------------------------- */

struct zxc_guest_test {
    const char *name;
    void (*fn)(void);
    const char *file;
};

struct zxc_cover {
    const char *test_name;
    const char *clause_id;
};

/* Defines a guest test. Its body declares the clauses it covers with ZXC_COVERS("id");. */
#define ZXC_TEST(test_name)                                                                    \
    static void test_name(void);                                                               \
    static const struct zxc_guest_test zxc_test_desc_##test_name                               \
        __attribute__((used, section("zxc_guest_tests"), aligned(8))) = {#test_name, test_name, \
                                                                         __FILE__};            \
    static void test_name(void)

/* Records at link time that the enclosing test covers `id` (gen greps these lines). */
#define ZXC_COVERS(id)                                                                \
    do {                                                                              \
        static const struct zxc_cover zxc_cover_entry                                 \
            __attribute__((used, section("zxc_covers"), aligned(8))) = {__func__, id}; \
    } while (0)

/* Bounds of the sections the linker collects (weak: a build may hold no guest test). */
extern const struct zxc_guest_test __start_zxc_guest_tests[] __attribute__((weak));
extern const struct zxc_guest_test __stop_zxc_guest_tests[] __attribute__((weak));
extern const struct zxc_cover __start_zxc_covers[] __attribute__((weak));
extern const struct zxc_cover __stop_zxc_covers[] __attribute__((weak));

/* ---- Fixtures (fixtures.c) --------------------------------------------------------------- */

#define ZXC_PAGE_SIZE 0x1000u
#define ZXC_GUEST_MEM_SIZE 0x1000000u                     /* 16 MiB, as Zircon's tests */
#define ZXC_EXIT_ADDR (ZXC_GUEST_MEM_SIZE - ZXC_PAGE_SIZE)  /* MEM trap: "test done" */
#define ZXC_TRAP_ADDR (ZXC_GUEST_MEM_SIZE - 2 * ZXC_PAGE_SIZE)
#define ZXC_TRAP_PORT 0x11u
#define ZXC_TRAP_KEY 0x1234u
#define ZXC_GUEST_ENTRY 0x2000u
#define ZXC_PAGE_DIRECTORY_ADDR 0x20000u /* clear of the code, IDT (0x10000) and stack (0x80000) */
#define ZXC_X86_FLAGS_USER 0x244DD5u

/* A flat guest image built from guests/<name>.S. */
struct zxc_image {
    const uint8_t *start;
    const uint8_t *end;
};
#define ZXC_IMAGE(name)                                                           \
    ({                                                                            \
        extern const uint8_t zxc_guest_##name##_start[], zxc_guest_##name##_end[]; \
        (struct zxc_image){zxc_guest_##name##_start, zxc_guest_##name##_end};     \
    })

/* A guest with a 16 MiB physmem VMO, identity page tables at GPA 0 (PML4 at 0, PDPT at
 * 0x1000, 2 MiB pages mapping 1 GiB), and a MEM trap on ZXC_EXIT_ADDR with key 0. */
struct zxc_guest {
    zx_handle_t resource;
    zx_handle_t vmo;
    zx_handle_t guest;
};

zx_handle_t zxc_hypervisor_resource(void);
zx_handle_t zxc_vmo_new(uint64_t size);
zx_handle_t zxc_port_new(void);
/* A handle to an object that no hypervisor call takes (an event, or a port without events). */
zx_handle_t zxc_unrelated_handle(void);
void zxc_close(zx_handle_t handle);
zx_info_handle_basic_t zxc_handle_info(zx_handle_t handle);
zx_handle_t zxc_duplicate(zx_handle_t handle, zx_rights_t rights);

void zxc_guest_init(struct zxc_guest *g);
void zxc_guest_write(const struct zxc_guest *g, uint64_t gpa, const void *data, size_t len);
void zxc_guest_read(const struct zxc_guest *g, uint64_t gpa, void *data, size_t len);
void zxc_guest_fill(const struct zxc_guest *g, uint64_t gpa, uint8_t byte, size_t len);
void zxc_guest_load(const struct zxc_guest *g, uint64_t gpa, struct zxc_image image);
void zxc_set_trap(const struct zxc_guest *g, uint32_t kind, uint64_t addr, size_t len,
                  zx_handle_t port, uint64_t key);
/* A guest with `image` loaded at ZXC_GUEST_ENTRY and a VCPU on the calling thread. */
zx_handle_t zxc_guest_with_vcpu(struct zxc_guest *g, struct zxc_image image);
zx_handle_t zxc_vcpu_new(const struct zxc_guest *g, uint64_t entry);

/* Resume; a non-OK status fails the test citing `clause`. */
zx_port_packet_t zxc_resume(zx_handle_t vcpu, const char *clause);
/* Resume and require a MEM packet for a write of the EXIT page (a guest's "done"). */
void zxc_resume_expect_exit(zx_handle_t vcpu, const char *clause);
zx_vcpu_state_t zxc_read_state(zx_handle_t vcpu);
void zxc_write_state(zx_handle_t vcpu, const zx_vcpu_state_t *state);
/* Waits up to `timeout_ms` for a packet on `port`; false if none came. */
bool zxc_port_poll(zx_handle_t port, zx_port_packet_t *packet, int timeout_ms);

/* A pointer that faults on access, and a read-only page (for the table's pointer faults). */
void *zxc_unmapped_page(void);
void *zxc_readonly_page(void);

void zxc_sleep_ms(int ms);
/* CLOCK_MONOTONIC in nanoseconds. */
uint64_t zxc_now_ns(void);

/* Interrupts `vcpu` with `vector` from another thread every `every_ms` until stopped (the
 * first time after `every_ms`): ends a resume that waits for what never comes. */
struct zxc_watchdog {
    zx_handle_t vcpu;
    uint32_t vector;
    int every_ms;
    pthread_mutex_t lock;
    pthread_cond_t done_changed;
    bool done;
    pthread_t thread;
};
void zxc_watchdog_start(struct zxc_watchdog *w, zx_handle_t vcpu, uint32_t vector, int every_ms);
void zxc_watchdog_stop(struct zxc_watchdog *w);

#endif
