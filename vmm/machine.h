/* The machine: guest memory, VCPUs, how the guest ended, and the calls between the parts. */
#ifndef ZXVMM_MACHINE_H_
#define ZXVMM_MACHINE_H_

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <zircon/syscalls.h>

#include "layout.h"

/* How the guest ended; each is a distinct exit status of zxvmm (see usage in main.c). */
enum guest_end {
    GUEST_RUNNING = -1,
    GUEST_POWERED_OFF = 0,
    VMM_FAILED = 1,        /* a call failed, or the guest did something zxvmm cannot serve */
    VMM_USAGE = 2,
    GUEST_REBOOTED = 3,
    GUEST_PANICKED = 4,    /* the kernel printed a panic, then rebooted (panic=-1) */
    GUEST_CRASHED = 5,     /* a VCPU stopped: triple fault or an exit the implementation refuses */
    GUEST_TIMED_OUT = 6,
};

struct vcpu {
    struct machine *machine;
    uint32_t id;
    bool launched;             /* its thread exists (a second STARTUP is ignored) */
    zx_handle_t handle;        /* valid once `started` */
    zx_gpaddr_t entry;
    bool started;
    pthread_t thread;
};

struct machine {
    zx_handle_t guest;
    zx_handle_t memory;        /* the physmem VMO */
    uint64_t memory_size;
    uint32_t cpus;
    bool verbose;
    const char *disk;          /* --disk: a virtio-blk device on PCI, else no PCI at all */
    zx_gpaddr_t entry;         /* the first VCPU's entry */
    struct vcpu vcpus[MAX_CPUS];
    pthread_mutex_t lock;      /* devices and VCPU starts */
    pthread_mutex_t end_lock;  /* the end, which a device may set while holding `lock` */
    pthread_cond_t ended;
    enum guest_end end;
    bool kernel_panicked;
    /* Exits by packet kind, for --verbose (updated atomically by the VCPU threads). */
    uint64_t io_exits, mem_exits, startup_packets, interrupt_packets, untrapped_accesses;
};

/* Ends the guest (first caller wins) and wakes main, which exits with that status. */
void machine_end(struct machine *m, enum guest_end end, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* A failed call: one line naming the call and its status, then the VMM ends. */
void machine_call_failed(struct machine *m, const char *call, zx_status_t status,
                         const char *what);

/* Guest memory, through the physmem VMO: false for a range outside it (silently: the guest's
 * doing), or after a message if the call failed. */
bool guest_write(struct machine *m, uint64_t gpa, const void *data, uint64_t len);
bool guest_read(struct machine *m, uint64_t gpa, void *data, uint64_t len);

/* Loader: the kernel, initramfs and command line into memory; sets m->entry. */
bool load_linux(struct machine *m, const char *kernel, const char *initrd, const char *cmdline);
/* ACPI tables at GPA_ACPI; returns the RSDP address. */
uint64_t acpi_build(struct machine *m);

/* VCPUs, each on its own thread: the first at m->entry; the others from STARTUP packets. */
bool vcpus_start(struct machine *m);
/* Delivers `vector` to every started VCPU whose bit is set in `mask`; call with m->lock held. */
void vcpu_interrupt_mask(struct machine *m, uint64_t mask, uint32_t vector);
/* The VCPUs an IO APIC entry or an MSI message names: logical (flat) mode a bit per CPU,
 * physical mode one APIC id (none beyond the 64 a mask holds). Any guest value is safe. */
uint64_t vcpu_destination_mask(bool logical, uint32_t destination);

/* IO ports: devices register ranges; the VCPU loop dispatches. */
typedef uint32_t (*io_read_fn)(struct machine *m, uint16_t port, uint8_t size);
typedef void (*io_write_fn)(struct machine *m, uint16_t port, uint8_t size, uint32_t value);
void io_bus_register(uint16_t base, uint16_t count, const char *name, io_read_fn read,
                     io_write_fn write);
/* ", name count" for each device that took IO exits, and the unowned ports. */
void io_bus_report_exits(FILE *out);
uint32_t io_bus_read(struct machine *m, uint16_t port, uint8_t size);
void io_bus_write(struct machine *m, uint16_t port, uint8_t size, uint32_t value);

/* MMIO: devices register pages (each gets a MEM trap); a MEM packet is decoded and served with
 * m->lock held. Accesses are 1, 2 or 4 bytes at an offset into the region. */
typedef uint32_t (*mmio_read_fn)(struct machine *m, uint64_t offset, uint8_t size);
typedef void (*mmio_write_fn)(struct machine *m, uint64_t offset, uint8_t size, uint32_t value);
bool mmio_register(struct machine *m, uint64_t base, uint64_t size, const char *name,
                   mmio_read_fn read, mmio_write_fn write);
void mmio_handle(struct machine *m, struct vcpu *vcpu, const zx_port_packet_t *packet);

/* Devices: each attaches itself to the bus. */
void uart_attach(struct machine *m);
void pic_attach(struct machine *m);
void pit_attach(struct machine *m);
void cmos_attach(struct machine *m);
void i8042_attach(struct machine *m);
void power_attach(struct machine *m);
bool ioapic_attach(struct machine *m);
/* virtio-blk on PCI slot 1, backed by the file at `path` (virtio_blk.c). */
bool virtio_blk_attach(struct machine *m, const char *path);
/* An edge on an IO APIC pin; call with m->lock held. */
void ioapic_raise(struct machine *m, uint32_t pin);

#endif
