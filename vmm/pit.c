/* The 8254 PIT's counters and port 0x61, without interrupts: Linux keeps time with the TSC
 * deadline timer and kvmclock, but may still calibrate against channel 2 (gate and output in
 * port 0x61) or read a counter. Counts follow the host's monotonic clock at 1.193182 MHz. */
#include <time.h>

#include "machine.h"

#define PIT_HZ          1193182ull
#define CONTROL         3
#define LATCH_COMMAND   0x00
#define PORT61_GATE2    0x01
#define PORT61_OUT2     0x20

struct channel {
    uint16_t reload;
    uint64_t start_ns;
    uint8_t access;       /* 1 low byte, 2 high byte, 3 low then high */
    uint8_t mode;
    bool write_high;      /* next write of access 3 is the high byte */
    bool read_high;
    bool latched;
    uint16_t latch;
};

static struct {
    struct channel channel[3];
    uint8_t port61;
} pit;

static uint64_t now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1000000000ull + t.tv_nsec;
}

static uint64_t elapsed_ticks(const struct channel *c) {
    return (now_ns() - c->start_ns) * PIT_HZ / 1000000000ull;
}

static uint16_t count(const struct channel *c) {
    uint64_t period = c->reload ? c->reload : 0x10000;
    uint64_t ticks = elapsed_ticks(c);
    if (c->mode == 0) /* interrupt on terminal count: counts down once, then wraps */
        return ticks >= period ? (uint16_t)(0x10000 - (ticks - period) % 0x10000) : period - ticks;
    return period - ticks % period;
}

static uint32_t pit_read(struct machine *m, uint16_t port, uint8_t size) {
    (void)m, (void)size;
    if (port == PORT_SYSTEM_CONTROL_B) {
        const struct channel *c2 = &pit.channel[2];
        uint64_t period = c2->reload ? c2->reload : 0x10000;
        bool out = (pit.port61 & PORT61_GATE2) && elapsed_ticks(c2) >= period;
        return (pit.port61 & 0x0f) | (out ? PORT61_OUT2 : 0);
    }
    if (port - PORT_PIT == CONTROL)
        return 0xff;
    struct channel *c = &pit.channel[port - PORT_PIT];
    uint16_t value = c->latched ? c->latch : count(c);
    bool high = c->access == 2 || (c->access == 3 && c->read_high);
    if (c->access == 3)
        c->read_high = !c->read_high;
    if (!(c->access == 3 && c->read_high))
        c->latched = false;
    return high ? value >> 8 : value & 0xff;
}

static void pit_write(struct machine *m, uint16_t port, uint8_t size, uint32_t value) {
    (void)m, (void)size;
    if (port == PORT_SYSTEM_CONTROL_B) {
        if ((value & PORT61_GATE2) && !(pit.port61 & PORT61_GATE2))
            pit.channel[2].start_ns = now_ns(); /* a rising gate restarts channel 2 */
        pit.port61 = value & 0x0f;
        return;
    }
    if (port - PORT_PIT == CONTROL) {
        unsigned index = (value >> 6) & 3;
        if (index == 3)
            return; /* read-back command: not needed by Linux */
        struct channel *c = &pit.channel[index];
        uint8_t access = (value >> 4) & 3;
        if (access == LATCH_COMMAND) {
            c->latch = count(c);
            c->latched = true;
            return;
        }
        c->access = access;
        c->mode = (value >> 1) & 7;
        c->write_high = c->read_high = c->latched = false;
        return;
    }
    struct channel *c = &pit.channel[port - PORT_PIT];
    if (c->access == 1 || (c->access == 3 && !c->write_high))
        c->reload = (c->reload & 0xff00) | (value & 0xff);
    else
        c->reload = (c->reload & 0x00ff) | (value & 0xff) << 8;
    if (c->access == 3)
        c->write_high = !c->write_high;
    if (!c->write_high)
        c->start_ns = now_ns(); /* the count starts once it is complete */
}

void pit_attach(struct machine *m) {
    (void)m;
    pit.channel[0].start_ns = pit.channel[1].start_ns = pit.channel[2].start_ns = now_ns();
    io_bus_register(PORT_PIT, 4, "pit", pit_read, pit_write);
    io_bus_register(PORT_SYSTEM_CONTROL_B, 1, "port 0x61", pit_read, pit_write);
}
