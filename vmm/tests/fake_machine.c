/* The fakes of fake_machine.h. */
#include "fake_machine.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

uint8_t fake_ram[FAKE_RAM_SIZE];
struct machine fake_machine = {.memory = 1, .memory_size = FAKE_RAM_SIZE};
int fake_machine_ends;
struct vmm_impl zx;

static zx_status_t fake_vmo_read(zx_handle_t h, void *data, uint64_t offset, size_t len) {
    (void)h;
    if (offset > FAKE_RAM_SIZE || len > FAKE_RAM_SIZE - offset) return ZX_ERR_OUT_OF_RANGE;
    memcpy(data, fake_ram + offset, len);
    return ZX_OK;
}

static zx_status_t fake_vmo_write(zx_handle_t h, const void *data, uint64_t offset, size_t len) {
    (void)h;
    if (offset > FAKE_RAM_SIZE || len > FAKE_RAM_SIZE - offset) return ZX_ERR_OUT_OF_RANGE;
    memcpy(fake_ram + offset, data, len);
    return ZX_OK;
}

static zx_status_t fake_port_create(uint32_t options, zx_handle_t *out) {
    (void)options;
    *out = 1;
    return ZX_OK;
}

/* The device's notification thread waits here for good: the tests serve the queue themselves. */
static zx_status_t fake_port_wait(zx_handle_t h, zx_time_t deadline, zx_port_packet_t *packet) {
    (void)h, (void)deadline, (void)packet;
    for (;;) pause();
    return ZX_ERR_CANCELED;
}

static zx_status_t fake_set_trap(zx_handle_t g, uint32_t kind, zx_gpaddr_t addr, size_t len,
                                 zx_handle_t port, uint64_t key) {
    (void)g, (void)kind, (void)addr, (void)len, (void)port, (void)key;
    return ZX_OK;
}

void fake_machine_install(void) {
    zx.zx_vmo_read = fake_vmo_read;
    zx.zx_vmo_write = fake_vmo_write;
    zx.zx_port_create = fake_port_create;
    zx.zx_port_wait = fake_port_wait;
    zx.zx_guest_set_trap = fake_set_trap;
}

void machine_end(struct machine *m, enum guest_end end, const char *fmt, ...) {
    (void)m, (void)end;
    fprintf(stderr, "fake machine: the device would have ended zxvmm: %s\n", fmt);
    fake_machine_ends++;
}

void machine_call_failed(struct machine *m, const char *call, zx_status_t status, const char *what) {
    (void)m, (void)status;
    fprintf(stderr, "fake machine: the device reported a failed call: %s while %s\n", call, what);
    fake_machine_ends++;
}

bool mmio_register(struct machine *m, uint64_t base, uint64_t size, const char *name,
                   mmio_read_fn read, mmio_write_fn write) {
    (void)m, (void)base, (void)size, (void)name, (void)read, (void)write;
    return true;
}

void io_bus_register(uint16_t base, uint16_t count, const char *name, io_read_fn read,
                     io_write_fn write) {
    (void)base, (void)count, (void)name, (void)read, (void)write;
}

void vcpu_interrupt_mask(struct machine *m, uint64_t mask, uint32_t vector) {
    (void)m, (void)mask, (void)vector;
}
