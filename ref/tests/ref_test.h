/* Shared helpers of the reference implementation's own tests (libcheck). */
#ifndef REF_TESTS_REF_TEST_H
#define REF_TESTS_REF_TEST_H

#include <check.h>
#include <stdint.h>
#include <zircon/syscalls.h>
#include <zircon/zxconform.h>

#include "guest_layout.h"

/* The guests of guests/, each built into an image zxc_guest_<name>_start/_end. */
#define GUEST_IMAGE(name) extern const uint8_t zxc_guest_##name##_start[], zxc_guest_##name##_end[]
GUEST_IMAGE(exit);
GUEST_IMAGE(state);
GUEST_IMAGE(io);
GUEST_IMAGE(io_out_pair);
GUEST_IMAGE(in_byte);
GUEST_IMAGE(in_dword);
GUEST_IMAGE(io_no_trap);
GUEST_IMAGE(outs);
GUEST_IMAGE(rep_outs);
GUEST_IMAGE(io_rewritten);
GUEST_IMAGE(mem);
GUEST_IMAGE(mem_read);
GUEST_IMAGE(mem_no_trap);
GUEST_IMAGE(load_store);
GUEST_IMAGE(interrupt);
GUEST_IMAGE(hlt);
GUEST_IMAGE(triple_fault);
GUEST_IMAGE(report16);
GUEST_IMAGE(msr);
GUEST_IMAGE(apic_timer);
#define BLOB(name) zxc_guest_##name##_start, (size_t)(zxc_guest_##name##_end - zxc_guest_##name##_start)

/* Asserts a status, naming both values on failure. */
#define ASSERT_STATUS(expr, expected)                                                        \
    do {                                                                                     \
        zx_status_t status_ = (expr);                                                        \
        ck_assert_msg(status_ == (expected), "%s: expected %s (%d), got %d", #expr,          \
                      #expected, (int)(expected), (int)status_);                             \
    } while (0)
#define ASSERT_OK(expr) ASSERT_STATUS(expr, ZX_OK)

/* A guest as Fuchsia's tests set it up: identity page tables for the first 1 GiB (PML4 at 0,
 * PDPT at 0x1000), a MEM trap on EXIT_ADDR, the code at GUEST_ENTRY, one VCPU. Unlike
 * Fuchsia's tests the PDPT points to a page directory of 2 MiB pages: some KVM hosts do not
 * offer 1 GiB pages to guests. */
struct fixture {
    zx_handle_t resource, vmo, guest, vcpu;
};
void fixture_setup(struct fixture *f, const uint8_t *code, size_t len);
void fixture_teardown(struct fixture *f);
/* Resumes and checks the guest's clean exit (MEM packet at EXIT_ADDR, 12-byte movq). */
void resume_and_clean_exit(struct fixture *f);
zx_vcpu_state_t read_state(zx_handle_t vcpu);
/* Runs fn(arg) on a new thread and waits for it. */
void run_on_thread(void (*fn)(void *), void *arg);
/* Open file descriptors of this process. */
int count_fds(void);
/* Pages with no access and read-only pages, for pointer tests. */
void *unmapped_page(void);
void *readonly_page(void);

Suite *handle_suite(void);
Suite *vmo_port_suite(void);
Suite *guest_suite(void);
Suite *vcpu_suite(void);
Suite *run_suite(void);
Suite *fault_suite(void);
Suite *user_pointer_suite(void);
Suite *apic_suite(void);

#endif
