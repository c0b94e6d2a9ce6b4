/* The implementation under zxvmm: a .so with Zircon's ABI, loaded by path. zxvmm calls it only
 * through this table, never through ref/ internals. */
#ifndef ZXVMM_IMPL_H_
#define ZXVMM_IMPL_H_

#include <stdbool.h>
#include <zircon/syscalls.h>
#include <zircon/zxconform.h>

#define VMM_IMPL_SYMBOLS(X) \
    X(zx_vmo_create) X(zx_vmo_write) X(zx_vmo_read) X(zx_port_create) X(zx_port_wait) \
    X(zx_guest_create) X(zx_guest_set_trap) X(zx_vcpu_create) X(zx_vcpu_resume) \
    X(zx_vcpu_interrupt) X(zx_vcpu_read_state) X(zx_vcpu_write_state) \
    X(zxconf_hypervisor_resource)

struct vmm_impl {
#define VMM_IMPL_FIELD(name) __typeof__(&name) name;
    VMM_IMPL_SYMBOLS(VMM_IMPL_FIELD)
#undef VMM_IMPL_FIELD
};
extern struct vmm_impl zx;

/* Loads the library and every symbol above; false (after one line on stderr) if any is missing. */
bool impl_load(const char *path);

#include "status_names.h" /* harness/status_names.c: zxc_status_name */

#endif
