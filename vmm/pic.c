/* The 8259 PICs, absent: their data ports read 0, so Linux's probe (write 0xff to the mask,
 * read it back) finds no PIC and routes every interrupt through the IO APIC. The MADT agrees
 * (no PCAT_COMPAT flag). */
#include "machine.h"

static uint32_t pic_read(struct machine *m, uint16_t port, uint8_t size) {
    (void)m, (void)port, (void)size;
    return 0;
}

static void pic_write(struct machine *m, uint16_t port, uint8_t size, uint32_t value) {
    (void)m, (void)port, (void)size, (void)value;
}

void pic_attach(struct machine *m) {
    (void)m;
    io_bus_register(PORT_PIC_MASTER, 2, "pic", pic_read, pic_write);
    io_bus_register(PORT_PIC_SLAVE, 2, "pic", pic_read, pic_write);
}
