/* The keyboard controller, only as far as reboot=k needs it: the status port reads "input
 * buffer empty", and the pulse-reset command 0xfe reboots the machine. The FADT says there is
 * no 8042, so Linux does not probe for a keyboard. */
#include "machine.h"

#define COMMAND_RESET 0xfe

static uint32_t i8042_read(struct machine *m, uint16_t port, uint8_t size) {
    (void)m, (void)port, (void)size;
    return 0;
}

static void i8042_write(struct machine *m, uint16_t port, uint8_t size, uint32_t value) {
    (void)size;
    if (port == PORT_I8042_COMMAND && value == COMMAND_RESET)
        machine_end(m, m->kernel_panicked ? GUEST_PANICKED : GUEST_REBOOTED,
                    "the guest %s (keyboard controller reset)",
                    m->kernel_panicked ? "panicked and rebooted" : "rebooted");
}

void i8042_attach(struct machine *m) {
    (void)m;
    io_bus_register(PORT_I8042_DATA, 1, "i8042", i8042_read, i8042_write);
    io_bus_register(PORT_I8042_COMMAND, 1, "i8042", i8042_read, i8042_write);
}
