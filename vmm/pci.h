/* PCI bus 0 (pci.c) and what a device gives it: its configuration space. */
#ifndef ZXVMM_PCI_H_
#define ZXVMM_PCI_H_

#include <stdint.h>

#include "machine.h"

#define PCI_CONFIG_SIZE     256
#define PCI_VENDOR_ID       0x00
#define PCI_DEVICE_ID       0x02
#define PCI_COMMAND         0x04
#define PCI_STATUS          0x06
#define PCI_STATUS_CAPABILITIES 0x10
#define PCI_CLASS_REVISION  0x08
#define PCI_BAR0            0x10
#define PCI_SUBSYSTEM_VENDOR_ID 0x2c
#define PCI_SUBSYSTEM_ID    0x2e
#define PCI_CAPABILITIES    0x34
#define PCI_INTERRUPT_PIN   0x3d
#define PCI_BARS            6

struct pci_function {
    uint8_t config[PCI_CONFIG_SIZE];
    uint8_t writable[PCI_CONFIG_SIZE]; /* per byte, the bits a guest write changes */
    uint32_t bar_address[PCI_BARS];
    uint32_t bar_size[PCI_BARS];
    /* Called after a guest write to [offset, offset + size), with m->lock held. */
    void (*written)(struct machine *m, struct pci_function *f, unsigned offset, unsigned size);
};

void pci_attach(struct machine *m);
void pci_add(uint8_t slot, struct pci_function *function);
void pci_identity(struct pci_function *f, uint16_t vendor, uint16_t device, uint32_t class_code);
/* A 32-bit memory BAR that stays at `address` (its traps cannot move). */
void pci_bar32(struct pci_function *f, unsigned bar, uint32_t address, uint32_t size);
/* The standard part of a write callback: BAR sizing and restoring. */
void pci_standard_written(struct pci_function *f, unsigned offset, unsigned size);
void pci_set16(struct pci_function *f, unsigned offset, uint16_t value);
void pci_set32(struct pci_function *f, unsigned offset, uint32_t value);
uint16_t pci_get16(const struct pci_function *f, unsigned offset);

#endif
