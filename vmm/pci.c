/* PCI configuration space, mechanism 1 (address at 0xcf8, data at 0xcfc), bus 0 only. Each
 * function is 256 bytes of configuration space that its device fills; writes go through the
 * device's mask of writable bits, and a BAR reports its size the usual way (all ones written,
 * the size mask read back). BARs stay where zxvmm put them: their traps cannot move. */
#include <string.h>

#include "machine.h"
#include "pci.h"

#define ADDRESS_ENABLE 0x80000000u
#define PCI_SLOTS      32

static struct {
    uint32_t address;
    struct pci_function *slots[PCI_SLOTS];
} pci;

static struct pci_function host_bridge;

void pci_add(uint8_t slot, struct pci_function *function) {
    pci.slots[slot] = function;
}

/* The function the address register selects, or NULL (reads then give all ones). */
static struct pci_function *selected(unsigned *offset) {
    uint32_t a = pci.address;
    unsigned bus = (a >> 16) & 0xff, slot = (a >> 11) & 0x1f, function = (a >> 8) & 7;
    *offset = a & 0xfc;
    if (!(a & ADDRESS_ENABLE) || bus != 0 || function != 0)
        return NULL;
    return pci.slots[slot];
}

static uint32_t pci_read(struct machine *m, uint16_t port, uint8_t size) {
    (void)m;
    if (port == PORT_PCI_ADDRESS)
        return size == 4 ? pci.address : 0xffffffffu;
    unsigned offset;
    struct pci_function *f = selected(&offset);
    unsigned byte = offset + (port - PORT_PCI_DATA);
    if (f == NULL || byte + size > PCI_CONFIG_SIZE)
        return 0xffffffffu;
    uint32_t value = 0;
    memcpy(&value, f->config + byte, size);
    return value;
}

static void pci_write(struct machine *m, uint16_t port, uint8_t size, uint32_t value) {
    if (port == PORT_PCI_ADDRESS) {
        if (size == 4)
            pci.address = value;
        return;
    }
    unsigned offset;
    struct pci_function *f = selected(&offset);
    unsigned byte = offset + (port - PORT_PCI_DATA);
    if (f == NULL || byte + size > PCI_CONFIG_SIZE)
        return;
    for (unsigned i = 0; i < size; i++) {
        uint8_t mask = f->writable[byte + i];
        f->config[byte + i] = (f->config[byte + i] & ~mask) | ((value >> (8 * i)) & mask);
    }
    if (f->written != NULL)
        f->written(m, f, byte, size);
}

void pci_set16(struct pci_function *f, unsigned offset, uint16_t value) {
    memcpy(f->config + offset, &value, 2);
}

void pci_set32(struct pci_function *f, unsigned offset, uint32_t value) {
    memcpy(f->config + offset, &value, 4);
}

uint16_t pci_get16(const struct pci_function *f, unsigned offset) {
    uint16_t value;
    memcpy(&value, f->config + offset, 2);
    return value;
}

void pci_identity(struct pci_function *f, uint16_t vendor, uint16_t device, uint32_t class_code) {
    pci_set16(f, PCI_VENDOR_ID, vendor);
    pci_set16(f, PCI_DEVICE_ID, device);
    pci_set32(f, PCI_CLASS_REVISION, class_code << 8 | 1);
    f->writable[PCI_COMMAND] = 0x06; /* memory space, bus master */
}

void pci_bar32(struct pci_function *f, unsigned bar, uint32_t address, uint32_t size) {
    unsigned offset = PCI_BAR0 + 4 * bar;
    f->bar_address[bar] = address;
    f->bar_size[bar] = size;
    pci_set32(f, offset, address);
    memset(f->writable + offset, 0xff, 4);
}

/* A BAR written with all ones reads back its size mask (sizing); any other value puts the
 * BAR's fixed address back. */
void pci_standard_written(struct pci_function *f, unsigned offset, unsigned size) {
    for (unsigned bar = 0; bar < PCI_BARS; bar++) {
        unsigned bar_offset = PCI_BAR0 + 4 * bar;
        if (f->bar_size[bar] == 0 || offset >= bar_offset + 4 || offset + size <= bar_offset)
            continue;
        uint32_t written;
        memcpy(&written, f->config + bar_offset, 4);
        pci_set32(f, bar_offset, written == 0xffffffffu ? ~(f->bar_size[bar] - 1)
                                                         : f->bar_address[bar]);
    }
}

static void host_bridge_written(struct machine *m, struct pci_function *f, unsigned offset,
                                unsigned size) {
    (void)m;
    pci_standard_written(f, offset, size);
}

void pci_attach(struct machine *m) {
    pci_identity(&host_bridge, 0x8086, 0x29c0, 0x060000); /* Linux's sanity check wants one */
    host_bridge.written = host_bridge_written;
    pci_add(PCI_SLOT_HOST_BRIDGE, &host_bridge);
    io_bus_register(PORT_PCI_ADDRESS, 1, "pci", pci_read, pci_write);
    io_bus_register(PORT_PCI_DATA, 4, "pci", pci_read, pci_write);
    (void)m;
}
