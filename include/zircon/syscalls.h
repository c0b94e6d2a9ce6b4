/* Zircon ABI: the system calls this project covers, with the seed-era (early 2018) C
 * signatures and parameter names. */
#ifndef ZIRCON_SYSCALLS_H_
#define ZIRCON_SYSCALLS_H_

#include <zircon/types.h>
#include <zircon/syscalls/hypervisor.h>
#include <zircon/syscalls/object.h>
#include <zircon/syscalls/port.h>
#include <zircon/syscalls/resource.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Handles. */
zx_status_t zx_handle_close(zx_handle_t handle);
zx_status_t zx_handle_duplicate(zx_handle_t handle, zx_rights_t rights, zx_handle_t* out);
zx_status_t zx_handle_replace(zx_handle_t handle, zx_rights_t rights, zx_handle_t* out);

/* Objects. */
zx_status_t zx_object_get_info(zx_handle_t handle, uint32_t topic, void* buffer,
                               size_t buffer_size, size_t* actual, size_t* avail);

/* VMOs. */
zx_status_t zx_vmo_create(uint64_t size, uint32_t options, zx_handle_t* out);
zx_status_t zx_vmo_read(zx_handle_t handle, void* data, uint64_t offset, size_t len);
zx_status_t zx_vmo_write(zx_handle_t handle, const void* data, uint64_t offset, size_t len);
zx_status_t zx_vmo_get_size(zx_handle_t handle, uint64_t* size);

/* Ports. Seed-era forms: zx_port_queue without the older `size` argument and zx_port_wait
 * without the older `count` argument (both were dropped by early 2018). */
zx_status_t zx_port_create(uint32_t options, zx_handle_t* out);
zx_status_t zx_port_queue(zx_handle_t handle, const zx_port_packet_t* packet);
zx_status_t zx_port_wait(zx_handle_t handle, zx_time_t deadline, zx_port_packet_t* packet);

/* Events. */
zx_status_t zx_event_create(uint32_t options, zx_handle_t* out);

/* Hypervisor. */
zx_status_t zx_guest_create(zx_handle_t resource, uint32_t options, zx_handle_t physmem_vmo,
                            zx_handle_t* out);
zx_status_t zx_guest_set_trap(zx_handle_t guest, uint32_t kind, zx_vaddr_t addr, size_t len,
                              zx_handle_t port, uint64_t key);
zx_status_t zx_vcpu_create(zx_handle_t guest, uint32_t options, zx_vaddr_t entry,
                           zx_handle_t* out);
zx_status_t zx_vcpu_resume(zx_handle_t vcpu, zx_port_packet_t* packet);
zx_status_t zx_vcpu_interrupt(zx_handle_t vcpu, uint32_t vector);
zx_status_t zx_vcpu_read_state(zx_handle_t vcpu, uint32_t kind, void* buffer, size_t len);
zx_status_t zx_vcpu_write_state(zx_handle_t vcpu, uint32_t kind, const void* buffer,
                                size_t len);

#ifdef __cplusplus
}
#endif

#endif
