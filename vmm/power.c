/* ACPI power management and reset: the PM1a event block (status, enable) and control block of
 * the FADT, and the reset register at 0xcf9. SLP_EN with the DSDT's S5 type powers the guest
 * off; a reset write reboots it. ACPI is always enabled (SCI_EN reads 1; there is no SMI_CMD). */
#include "machine.h"

#define PM1_SCI_EN      0x0001
#define PM1_SLP_TYP_SHIFT 10
#define PM1_SLP_TYP_MASK 0x7
#define PM1_SLP_EN      0x2000
#define RESET_CPU       0x04

static struct {
    uint16_t status, enable, control;
} pm;

static uint32_t power_read(struct machine *m, uint16_t port, uint8_t size) {
    (void)m;
    if (port == PORT_RESET_CONTROL)
        return 0;
    uint16_t control = pm.control | PM1_SCI_EN;
    const uint8_t event[4] = {pm.status, pm.status >> 8, pm.enable, pm.enable >> 8};
    const uint8_t control_bytes[4] = {control, control >> 8, 0, 0};
    const uint8_t *bytes = port >= PORT_ACPI_PM1_CONTROL ? control_bytes : event;
    unsigned offset = port - (port >= PORT_ACPI_PM1_CONTROL ? PORT_ACPI_PM1_CONTROL
                                                             : PORT_ACPI_PM1_EVENT);
    uint32_t value = 0;
    for (unsigned i = 0; i < size && offset + i < 4; i++)
        value |= (uint32_t)bytes[offset + i] << (8 * i);
    return value;
}

static void end_by_reset(struct machine *m, const char *how) {
    machine_end(m, m->kernel_panicked ? GUEST_PANICKED : GUEST_REBOOTED, "the guest %s (%s)",
                m->kernel_panicked ? "panicked and rebooted" : "rebooted", how);
}

static void power_write(struct machine *m, uint16_t port, uint8_t size, uint32_t value) {
    (void)size;
    if (port == PORT_RESET_CONTROL) {
        if (value & RESET_CPU)
            end_by_reset(m, "reset register");
        return;
    }
    if (port == PORT_ACPI_PM1_EVENT)
        pm.status &= ~value; /* write 1 to clear */
    else if (port == PORT_ACPI_PM1_EVENT + 2)
        pm.enable = value;
    else if (port == PORT_ACPI_PM1_CONTROL) {
        pm.control = value & ~PM1_SLP_EN;
        unsigned type = (value >> PM1_SLP_TYP_SHIFT) & PM1_SLP_TYP_MASK;
        if ((value & PM1_SLP_EN) && type == ACPI_SLP_TYP_S5)
            machine_end(m, GUEST_POWERED_OFF, "the guest powered off (ACPI S5)");
    }
}

void power_attach(struct machine *m) {
    (void)m;
    io_bus_register(PORT_ACPI_PM1_EVENT, 4, "acpi pm1 event", power_read, power_write);
    io_bus_register(PORT_ACPI_PM1_CONTROL, 2, "acpi pm1 control", power_read, power_write);
    io_bus_register(PORT_RESET_CONTROL, 1, "reset control", power_read, power_write);
}
