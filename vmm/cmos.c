/* CMOS RTC (index 0x70, data 0x71): the host's UTC time in BCD, 24-hour mode, update never in
 * progress, no RTC interrupts. The other bytes of CMOS RAM keep what the guest writes. */
#include <time.h>

#include "machine.h"

#define REG_A       0x0a
#define REG_B       0x0b
#define REG_C       0x0c
#define REG_D       0x0d
#define REG_CENTURY 0x32
#define B_24_HOUR   0x02
#define B_BINARY    0x04
#define D_VALID     0x80

static struct {
    uint8_t index;
    uint8_t ram[128];
} cmos;

static uint8_t encode(unsigned value) {
    return (cmos.ram[REG_B] & B_BINARY) ? value : (value / 10) << 4 | value % 10;
}

static uint32_t cmos_read(struct machine *m, uint16_t port, uint8_t size) {
    (void)m, (void)size;
    if (port == PORT_CMOS)
        return cmos.index;
    time_t now = time(NULL);
    struct tm t;
    gmtime_r(&now, &t);
    switch (cmos.index) {
    case 0x00: return encode(t.tm_sec);
    case 0x02: return encode(t.tm_min);
    case 0x04: return encode(t.tm_hour);
    case 0x06: return encode(t.tm_wday + 1);
    case 0x07: return encode(t.tm_mday);
    case 0x08: return encode(t.tm_mon + 1);
    case 0x09: return encode(t.tm_year % 100);
    case REG_CENTURY: return encode(19 + t.tm_year / 100);
    case REG_A: return 0x26; /* 32.768 kHz base, 1024 Hz rate, UIP clear */
    case REG_C: return 0;
    case REG_D: return D_VALID;
    default: return cmos.ram[cmos.index];
    }
}

static void cmos_write(struct machine *m, uint16_t port, uint8_t size, uint32_t value) {
    (void)m, (void)size;
    if (port == PORT_CMOS)
        cmos.index = value & 0x7f; /* bit 7 is the NMI mask */
    else if (cmos.index == REG_B)
        cmos.ram[REG_B] = (value & ~0x70u) | B_24_HOUR; /* no periodic, alarm or update IRQs */
    else if (cmos.index > REG_D)
        cmos.ram[cmos.index] = value;
}

void cmos_attach(struct machine *m) {
    (void)m;
    cmos.ram[REG_B] = B_24_HOUR;
    io_bus_register(PORT_CMOS, 2, "cmos", cmos_read, cmos_write);
}
