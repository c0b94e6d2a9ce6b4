/* The IO port bus: one IO trap covers every port, and this table sends each access to the
 * device that owns the port. A port nobody owns reads as all ones (a floating ISA bus) and
 * ignores writes, as on a PC; --verbose names each such port once. */
#include <stdio.h>

#include "machine.h"

#define IO_BUS_MAX_DEVICES 16

struct io_range {
    uint16_t base, count;
    const char *name;
    io_read_fn read;
    io_write_fn write;
    uint64_t exits;
};

static struct io_range ranges[IO_BUS_MAX_DEVICES];
static unsigned range_count;
static uint8_t unowned_reported[0x10000 / 8];
static uint64_t unowned_exits;

void io_bus_register(uint16_t base, uint16_t count, const char *name, io_read_fn read,
                     io_write_fn write) {
    if (range_count == IO_BUS_MAX_DEVICES) {
        fprintf(stderr, "zxvmm: internal error: more than %d IO devices\n", IO_BUS_MAX_DEVICES);
        return;
    }
    ranges[range_count++] = (struct io_range){base, count, name, read, write, 0};
}

static struct io_range *find(uint16_t port) {
    for (unsigned i = 0; i < range_count; i++)
        if (port >= ranges[i].base && port - ranges[i].base < ranges[i].count)
            return &ranges[i];
    return NULL;
}

static void report_unowned(struct machine *m, uint16_t port, const char *access) {
    __atomic_add_fetch(&unowned_exits, 1, __ATOMIC_RELAXED);
    if (!m->verbose || (unowned_reported[port / 8] & (1u << (port % 8))))
        return;
    unowned_reported[port / 8] |= 1u << (port % 8);
    fprintf(stderr, "zxvmm: the guest %s port 0x%x, which no device owns\n", access, port);
}

uint32_t io_bus_read(struct machine *m, uint16_t port, uint8_t size) {
    uint32_t all_ones = size == 4 ? 0xffffffffu : (1u << (size * 8)) - 1;
    struct io_range *range = find(port);
    if (range == NULL || range->read == NULL) {
        report_unowned(m, port, "reads");
        return all_ones;
    }
    pthread_mutex_lock(&m->lock);
    range->exits++;
    uint32_t value = range->read(m, port, size) & all_ones;
    pthread_mutex_unlock(&m->lock);
    return value;
}

void io_bus_write(struct machine *m, uint16_t port, uint8_t size, uint32_t value) {
    struct io_range *range = find(port);
    if (range == NULL || range->write == NULL) {
        report_unowned(m, port, "writes");
        return;
    }
    pthread_mutex_lock(&m->lock);
    range->exits++;
    range->write(m, port, size, value);
    pthread_mutex_unlock(&m->lock);
}

void io_bus_report_exits(FILE *out) {
    for (unsigned i = 0; i < range_count; i++)
        if (ranges[i].exits > 0)
            fprintf(out, ", %s %llu", ranges[i].name, (unsigned long long)ranges[i].exits);
    if (unowned_exits > 0)
        fprintf(out, ", unowned ports %llu", (unsigned long long)unowned_exits);
}
