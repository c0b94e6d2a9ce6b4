/* The IO APIC, on a MEM trap over its page: IOREGSEL at 0x00, IOWIN at 0x10, then the ID,
 * version and redirection registers behind them. An edge on a pin sends the entry's vector to
 * its destination with zx_vcpu_interrupt. Like Zircon's VMM it keeps no remote IRR or level
 * state; unlike it, a masked pin delivers nothing. */
#include "machine.h"

#define IOREGSEL          0x00
#define IOWIN             0x10
#define REG_ID            0x00
#define REG_VERSION       0x01
#define REG_ARBITRATION   0x02
#define REG_REDIRECT      0x10
#define IOAPIC_VERSION    0x11
#define ENTRY_MASKED      (1ull << 16)
#define ENTRY_LOGICAL     (1ull << 11)

static struct {
    uint32_t select;
    uint32_t id;
    uint64_t redirect[IOAPIC_PINS];
} ioapic;

static uint32_t ioapic_mmio_read(struct machine *m, uint64_t offset, uint8_t size);
static void ioapic_mmio_write(struct machine *m, uint64_t offset, uint8_t size, uint32_t value);

bool ioapic_attach(struct machine *m) {
    for (unsigned pin = 0; pin < IOAPIC_PINS; pin++)
        ioapic.redirect[pin] = ENTRY_MASKED;
    return mmio_register(m, GPA_IOAPIC, 0x1000, "IO APIC", ioapic_mmio_read, ioapic_mmio_write);
}

static uint32_t read_register(uint32_t reg) {
    if (reg == REG_ID)
        return ioapic.id;
    if (reg == REG_VERSION)
        return (IOAPIC_PINS - 1) << 16 | IOAPIC_VERSION;
    if (reg == REG_ARBITRATION)
        return 0;
    uint32_t index = (reg - REG_REDIRECT) / 2;
    if (reg < REG_REDIRECT || index >= IOAPIC_PINS)
        return 0;
    return ioapic.redirect[index] >> ((reg & 1) ? 32 : 0);
}

static void write_register(uint32_t reg, uint32_t value) {
    uint32_t index = (reg - REG_REDIRECT) / 2;
    if (reg == REG_ID)
        ioapic.id = value & 0x0f000000u;
    else if (reg >= REG_REDIRECT && index < IOAPIC_PINS) {
        uint64_t entry = ioapic.redirect[index];
        if (reg & 1)
            entry = (entry & 0xffffffffull) | (uint64_t)value << 32;
        else
            entry = (entry & ~0xffffffffull) | value;
        ioapic.redirect[index] = entry;
    }
}

/* Registers are 32 bits wide; a narrower read gets its part of the register. */
static uint32_t ioapic_mmio_read(struct machine *m, uint64_t offset, uint8_t size) {
    (void)m, (void)size;
    uint32_t shift = 8 * (offset & 3), value = 0;
    if ((offset & ~3ull) == IOREGSEL)
        value = ioapic.select;
    else if ((offset & ~3ull) == IOWIN)
        value = read_register(ioapic.select);
    return value >> shift;
}

static void ioapic_mmio_write(struct machine *m, uint64_t offset, uint8_t size, uint32_t value) {
    (void)m, (void)size;
    if (offset == IOREGSEL)
        ioapic.select = value & 0xff;
    else if (offset == IOWIN)
        write_register(ioapic.select, value);
}

void ioapic_raise(struct machine *m, uint32_t pin) {
    if (pin >= IOAPIC_PINS || (ioapic.redirect[pin] & ENTRY_MASKED))
        return;
    uint64_t entry = ioapic.redirect[pin];
    uint32_t destination = entry >> 56;
    vcpu_interrupt_mask(m, vcpu_destination_mask(entry & ENTRY_LOGICAL, destination), entry & 0xff);
}
