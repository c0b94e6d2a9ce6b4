/* virtio-blk against a hostile driver, without a VM: the device (vmm/virtio_blk.c, included for
 * its static request path) on a fake implementation whose "guest memory" is a buffer. Each case
 * is a request a guest may make; the device must answer it (IOERR, or drop it) without growing
 * or writing the disk file outside its size, without a call-failure line, and within bounds.
 * Prints one line per check and a summary; exit status 1 if any failed. */
#include "../virtio_blk.c"

#include <stdarg.h>
#include <stdlib.h>

#define RAM_SIZE (1u << 20)
#define DISK_SECTORS 8u
#define DESC_GPA 0x1000u
#define AVAIL_GPA 0x2000u
#define USED_GPA 0x3000u
#define HEADER_GPA 0x4000u
#define DATA_GPA 0x5000u
#define STATUS_GPA 0x6000u
#define STATUS_UNTOUCHED 0xee

static uint8_t ram[RAM_SIZE];
static int failures_blamed, checks, failed;
struct vmm_impl zx;

/* ---- the fake implementation and machine --------------------------------------------------- */

static zx_status_t fake_vmo_read(zx_handle_t h, void *data, uint64_t offset, size_t len) {
    (void)h;
    if (offset > RAM_SIZE || len > RAM_SIZE - offset) return ZX_ERR_OUT_OF_RANGE;
    memcpy(data, ram + offset, len);
    return ZX_OK;
}
static zx_status_t fake_vmo_write(zx_handle_t h, const void *data, uint64_t offset, size_t len) {
    (void)h;
    if (offset > RAM_SIZE || len > RAM_SIZE - offset) return ZX_ERR_OUT_OF_RANGE;
    memcpy(ram + offset, data, len);
    return ZX_OK;
}
static zx_status_t fake_port_create(uint32_t options, zx_handle_t *out) {
    (void)options;
    *out = 1;
    return ZX_OK;
}
static zx_status_t fake_port_wait(zx_handle_t h, zx_time_t deadline, zx_port_packet_t *packet) {
    (void)h, (void)deadline, (void)packet;
    pause(); /* the test serves the queue itself */
    return ZX_ERR_CANCELED;
}
static zx_status_t fake_set_trap(zx_handle_t g, uint32_t kind, zx_gpaddr_t addr, size_t len,
                                 zx_handle_t port, uint64_t key) {
    (void)g, (void)kind, (void)addr, (void)len, (void)port, (void)key;
    return ZX_OK;
}

void machine_end(struct machine *m, enum guest_end end, const char *fmt, ...) {
    (void)m, (void)end, (void)fmt;
    failures_blamed++;
}
void machine_call_failed(struct machine *m, const char *call, zx_status_t status, const char *what) {
    (void)m, (void)status;
    fprintf(stderr, "virtio-blk-test: the device reported a failed call: %s while %s\n", call, what);
    failures_blamed++;
}
bool mmio_register(struct machine *m, uint64_t base, uint64_t size, const char *name,
                   mmio_read_fn read, mmio_write_fn write) {
    (void)m, (void)base, (void)size, (void)name, (void)read, (void)write;
    return true;
}
void io_bus_register(uint16_t base, uint16_t count, const char *name, io_read_fn read,
                     io_write_fn write) {
    (void)base, (void)count, (void)name, (void)read, (void)write;
}
void vcpu_interrupt_mask(struct machine *m, uint64_t mask, uint32_t vector) {
    (void)m, (void)mask, (void)vector;
}

/* ---- checks -------------------------------------------------------------------------------- */

static void check(const char *name, long long expected, long long actual) {
    checks++;
    if (expected == actual) {
        printf("ok   %s\n", name);
    } else {
        failed++;
        printf("FAIL %s: expected %lld, got %lld\n", name, expected, actual);
    }
}

/* ---- a driver ------------------------------------------------------------------------------ */

static struct machine machine = {.memory = 1, .memory_size = RAM_SIZE};
static int disk;
static uint16_t avail_index;

static void put_descriptor(unsigned index, uint64_t addr, uint32_t len, uint16_t flags,
                           uint16_t next) {
    struct descriptor d = {addr, len, flags, next};
    memcpy(ram + DESC_GPA + 16 * index, &d, sizeof d);
}

static void driver_start(void) {
    reset();
    common_write(&machine, 0x16, 2, 0);                 /* queue_select 0 */
    common_write(&machine, 0x18, 2, 16);                /* queue_size */
    common_write(&machine, 0x20, 4, DESC_GPA);
    common_write(&machine, 0x28, 4, AVAIL_GPA);
    common_write(&machine, 0x30, 4, USED_GPA);
    common_write(&machine, 0x1c, 2, 1);                 /* queue_enable */
    blk.driver_features = FEATURE_VERSION_1;
    common_write(&machine, 0x14, 1, STATUS_FEATURES_OK | STATUS_DRIVER_OK);
    avail_index = 0;
    memset(ram + AVAIL_GPA, 0, 0x1000);
    memset(ram + USED_GPA, 0, 0x1000);
}

/* Makes the chain at descriptor 0 available and notifies; returns used.len of its entry. */
static uint32_t submit(void) {
    memcpy(ram + AVAIL_GPA + 4 + 2 * (avail_index % blk.queue.size), &(uint16_t){0}, 2);
    avail_index++;
    memcpy(ram + AVAIL_GPA + 2, &avail_index, 2);
    ram[STATUS_GPA] = STATUS_UNTOUCHED;
    uint16_t used_before;
    memcpy(&used_before, ram + USED_GPA + 2, 2);
    serve_queue(&machine);
    uint32_t len = 0;
    memcpy(&len, ram + USED_GPA + 4 + 8 * (used_before % blk.queue.size) + 4, 4);
    return len;
}

/* A request of `type` at `sector` moving `len` bytes at `data`, its status at STATUS_GPA. */
static uint32_t request(uint32_t type, uint64_t sector, uint64_t data, uint32_t len) {
    struct { uint32_t type, reserved; uint64_t sector; } header = {type, 0, sector};
    memcpy(ram + HEADER_GPA, &header, sizeof header);
    put_descriptor(0, HEADER_GPA, sizeof header, DESC_NEXT, 1);
    put_descriptor(1, data, len, DESC_NEXT | (type == REQUEST_IN ? DESC_WRITE : 0), 2);
    put_descriptor(2, STATUS_GPA, 1, DESC_WRITE, 0);
    return submit();
}

static long long disk_size(void) {
    struct stat info;
    return fstat(disk, &info) == 0 ? (long long)info.st_size : -1;
}

static int disk_byte(uint64_t offset) {
    uint8_t byte = 0;
    return pread(disk, &byte, 1, offset) == 1 ? byte : -1;
}

int main(void) {
    char path[] = "/tmp/zxvmm-virtio-blk-test.XXXXXX";
    disk = mkstemp(path);
    if (disk < 0 || ftruncate(disk, DISK_SECTORS * SECTOR_SIZE) != 0) {
        perror("virtio-blk-test: disk image");
        return 1;
    }
    zx.zx_vmo_read = fake_vmo_read;
    zx.zx_vmo_write = fake_vmo_write;
    zx.zx_port_create = fake_port_create;
    zx.zx_port_wait = fake_port_wait;
    zx.zx_guest_set_trap = fake_set_trap;
    if (!virtio_blk_attach(&machine, path)) return 1;
    const long long size = disk_size();
    printf("virtio-blk-test: a %lld-byte disk, %u KiB of guest memory\n", size, RAM_SIZE / 1024);

    driver_start();
    memset(ram + DATA_GPA, 0x5a, SECTOR_SIZE);
    check("a write inside the disk is served (status OK)", RESULT_OK,
          (request(REQUEST_OUT, DISK_SECTORS - 1, DATA_GPA, SECTOR_SIZE), ram[STATUS_GPA]));
    check("  and reaches the disk", 0x5a, disk_byte((DISK_SECTORS - 1) * SECTOR_SIZE));

    check("a write at the first sector past the end fails (IOERR)", RESULT_IOERR,
          (request(REQUEST_OUT, DISK_SECTORS, DATA_GPA, SECTOR_SIZE), ram[STATUS_GPA]));
    check("a write spanning the end fails (IOERR)", RESULT_IOERR,
          (request(REQUEST_OUT, DISK_SECTORS - 1, DATA_GPA, 2 * SECTOR_SIZE), ram[STATUS_GPA]));
    check("  the disk file has not grown", size, disk_size());
    check("a write at sector 2^55 (x512 wraps to 0) fails (IOERR)", RESULT_IOERR,
          (request(REQUEST_OUT, 1ull << 55, DATA_GPA, SECTOR_SIZE), ram[STATUS_GPA]));
    check("  and sector 0 is untouched", 0, disk_byte(0));
    check("a write at sector 2^64-1 fails (IOERR)", RESULT_IOERR,
          (request(REQUEST_OUT, UINT64_MAX, DATA_GPA, SECTOR_SIZE), ram[STATUS_GPA]));
    check("  the disk file has not grown", size, disk_size());

    uint32_t used = request(REQUEST_IN, DISK_SECTORS - 1, DATA_GPA, 2 * SECTOR_SIZE);
    check("a read spanning the end fails (IOERR)", RESULT_IOERR, ram[STATUS_GPA]);
    check("  its used length counts only the status byte", 1, used);
    check("a read from a buffer outside guest memory fails (IOERR)", RESULT_IOERR,
          (request(REQUEST_IN, 0, RAM_SIZE - 256, SECTOR_SIZE), ram[STATUS_GPA]));
    check("a write from a buffer at 2^64-256 fails (IOERR)", RESULT_IOERR,
          (request(REQUEST_OUT, 0, UINT64_MAX - 255, SECTOR_SIZE), ram[STATUS_GPA]));

    struct { uint32_t type, reserved; uint64_t sector; } header = {REQUEST_IN, 0, 0};
    memcpy(ram + HEADER_GPA, &header, sizeof header);
    put_descriptor(0, HEADER_GPA, sizeof header, DESC_NEXT, 1);
    put_descriptor(1, DATA_GPA, SECTOR_SIZE, DESC_NEXT | DESC_WRITE, 2);
    put_descriptor(2, STATUS_GPA, 0, DESC_WRITE, 0);
    submit();
    check("a status descriptor of length 0 is not written", STATUS_UNTOUCHED, ram[STATUS_GPA]);

    blk.features |= FEATURE_BLK_RO;
    memset(ram + DATA_GPA, 0x77, SECTOR_SIZE);
    check("a write to a read-only disk fails (IOERR)", RESULT_IOERR,
          (request(REQUEST_OUT, 0, DATA_GPA, SECTOR_SIZE), ram[STATUS_GPA]));
    check("  and the disk is untouched", 0, disk_byte(0));
    blk.features &= ~FEATURE_BLK_RO;

    /* Rings outside guest memory, and an available index far ahead. */
    common_write(&machine, 0x28, 4, 0xfffff000u);
    check("queue registers are fixed once the driver runs", AVAIL_GPA, (long long)blk.queue.driver);
    blk.queue.driver = RAM_SIZE + 0x1000;
    serve_queue(&machine);
    check("an available ring outside guest memory is ignored", 0, failures_blamed);
    blk.queue.driver = AVAIL_GPA;
    uint16_t far = avail_index + 65535;
    memcpy(ram + AVAIL_GPA + 2, &far, 2);
    uint16_t next_before = blk.queue.next_avail;
    serve_queue(&machine);
    check("one notification serves at most a queue's worth of requests", blk.queue.size,
          (uint16_t)(blk.queue.next_avail - next_before));

    check("an MSI or IO APIC destination of 200 (physical) names no VCPU", 0,
          (long long)vcpu_destination_mask(false, 200));
    check("  destination 3 names VCPU 3", 8, (long long)vcpu_destination_mask(false, 3));
    check("no request made the device report a failed call", 0, failures_blamed);

    unlink(path);
    printf("virtio-blk-test: %d passed, %d failed\n", checks - failed, failed);
    return failed ? 1 : 0;
}
