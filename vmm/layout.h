/* The machine zxvmm builds, in one place: guest-physical memory, IO ports, interrupts. */
#ifndef ZXVMM_LAYOUT_H_
#define ZXVMM_LAYOUT_H_

#define MIB (1024ull * 1024ull)

/* Guest-physical memory. The first VCPU starts with CR3 = 0, so the identity page tables open
 * memory; the boot page (zero page, command line) follows; all of it is reserved in the E820. */
#define GPA_PML4           0x0000ull
#define GPA_PDPT           0x1000ull
#define GPA_PD             0x2000ull /* 4 pages of 2 MiB entries: the low 4 GiB */
#define IDENTITY_MAP_GIB   4
#define GPA_CMDLINE        0x6000ull
#define CMDLINE_MAX        4096
#define GPA_ZERO_PAGE      0x7000ull
#define GPA_LOW_RESERVED_END 0x8000ull
/* Linux's real-mode trampoline (AP start-up) needs RAM below 1 MiB. */
#define GPA_LOW_RAM_END    0x80000ull
#define GPA_ACPI           0xe0000ull /* RSDP first, within the area Linux scans */
#define GPA_ACPI_END       0x100000ull
#define GPA_HIGH_RAM       0x100000ull
/* Where a bzImage's protected-mode kernel goes when its header names no preferred address. */
#define GPA_KERNEL_DEFAULT 0x1000000ull
#define GPA_VIRTIO_BLK_BAR 0xfe000000ull /* BAR 0 of the virtio-blk device, 16 KiB */
#define GPA_IOAPIC         0xfec00000ull
#define GPA_RAM_LIMIT      0xc0000000ull /* RAM stays below the MMIO hole */

#define MEMORY_DEFAULT_MIB 256
#define MEMORY_MIN_MIB     64

/* IO ports. One IO trap covers them all; the bus dispatches by port (io_bus.c). */
#define PORT_PIC_MASTER    0x20
#define PORT_PIC_SLAVE     0xa0
#define PORT_PIT           0x40 /* 4 ports */
#define PORT_I8042_DATA    0x60
#define PORT_SYSTEM_CONTROL_B 0x61 /* PIT channel 2 gate and output */
#define PORT_I8042_COMMAND 0x64
#define PORT_CMOS          0x70 /* index, data */
#define PORT_ACPI_PM1_EVENT 0x600 /* status (2), enable (2) */
#define PORT_ACPI_PM1_CONTROL 0x604 /* 2 bytes */
#define PORT_PCI_ADDRESS   0xcf8 /* 4 bytes; 0xcf9 alone is the reset register */
#define PORT_RESET_CONTROL 0xcf9
#define PORT_PCI_DATA      0xcfc /* 4 bytes */
#define PORT_COM1          0x3f8 /* 8 ports */
#define IO_TRAP_PORTS      0xffff /* every port but 0xffff: the trap must end at 0xffff */

/* Interrupts: ISA IRQ n is IO APIC pin n (no source overrides in the MADT). */
#define IOAPIC_PINS        24
#define IRQ_COM1           4
#define IRQ_ACPI_SCI       9

/* ACPI S5 sleep type, in the DSDT's _S5 package and checked by the PM1 control port. */
#define ACPI_SLP_TYP_S5    5

/* PCI bus 0: slot 0 the host bridge, slot 1 virtio-blk (with --disk). */
#define PCI_SLOT_HOST_BRIDGE 0
#define PCI_SLOT_VIRTIO_BLK  1

#define MAX_CPUS           16

#endif
