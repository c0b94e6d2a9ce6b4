/* virtio-blk against a hostile driver, without a VM: the device (vmm/virtio_blk.c, included for
 * its static request path) on a fake implementation whose "guest memory" is a buffer. Each case
 * is a request a guest may make (vmm/tests/fake_machine.c: the implementation and machine, faked);
 * the device must answer it (IOERR, or drop it) without growing
 * or writing the disk file outside its size, without a call-failure line, and within bounds.
 * Prints one line per check and a summary; exit status 1 if any failed. */
#include "../virtio_blk.c"

#include <stdlib.h>

#include "virtio_blk_driver.h"

#define HEADER_GPA 0x4000u
#define DATA_GPA 0x5000u
#define STATUS_GPA 0x6000u
#define STATUS_UNTOUCHED 0xee
#define DISK_SECTORS 8u

static int checks, failed;

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

static int disk;
static uint16_t avail_index;

static void put_descriptor(unsigned index, uint64_t addr, uint32_t len, uint16_t flags,
                           uint16_t next) {
    struct descriptor d = {addr, len, flags, next};
    memcpy(fake_ram + DESC_GPA + 16 * index, &d, sizeof d);
}

/* A driver that has just started, with empty rings. */
static void driver_restart(void) {
    driver_start();
    avail_index = 0;
    memset(fake_ram + AVAIL_GPA, 0, 0x1000);
    memset(fake_ram + USED_GPA, 0, 0x1000);
}

/* Makes the chain at descriptor 0 available and notifies; returns used.len of its entry. */
static uint32_t submit(void) {
    memcpy(fake_ram + AVAIL_GPA + 4 + 2 * (avail_index % blk.queue.size), &(uint16_t){0}, 2);
    avail_index++;
    memcpy(fake_ram + AVAIL_GPA + 2, &avail_index, 2);
    fake_ram[STATUS_GPA] = STATUS_UNTOUCHED;
    uint16_t used_before;
    memcpy(&used_before, fake_ram + USED_GPA + 2, 2);
    serve_queue(&fake_machine);
    uint32_t len = 0;
    memcpy(&len, fake_ram + USED_GPA + 4 + 8 * (used_before % blk.queue.size) + 4, 4);
    return len;
}

/* A request of `type` at `sector` moving `len` bytes at `data`, its status at STATUS_GPA. */
static uint32_t request(uint32_t type, uint64_t sector, uint64_t data, uint32_t len) {
    struct { uint32_t type, reserved; uint64_t sector; } header = {type, 0, sector};
    memcpy(fake_ram + HEADER_GPA, &header, sizeof header);
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
    fake_machine_install();
    if (!virtio_blk_attach(&fake_machine, path)) return 1;
    const long long size = disk_size();
    printf("virtio-blk-test: a %lld-byte disk, %u KiB of guest memory\n", size, FAKE_RAM_SIZE / 1024);

    driver_restart();
    memset(fake_ram + DATA_GPA, 0x5a, SECTOR_SIZE);
    check("a write inside the disk is served (status OK)", RESULT_OK,
          (request(REQUEST_OUT, DISK_SECTORS - 1, DATA_GPA, SECTOR_SIZE), fake_ram[STATUS_GPA]));
    check("  and reaches the disk", 0x5a, disk_byte((DISK_SECTORS - 1) * SECTOR_SIZE));

    check("a write at the first sector past the end fails (IOERR)", RESULT_IOERR,
          (request(REQUEST_OUT, DISK_SECTORS, DATA_GPA, SECTOR_SIZE), fake_ram[STATUS_GPA]));
    check("a write spanning the end fails (IOERR)", RESULT_IOERR,
          (request(REQUEST_OUT, DISK_SECTORS - 1, DATA_GPA, 2 * SECTOR_SIZE), fake_ram[STATUS_GPA]));
    check("  the disk file has not grown", size, disk_size());
    check("a write at sector 2^55 (x512 wraps to 0) fails (IOERR)", RESULT_IOERR,
          (request(REQUEST_OUT, 1ull << 55, DATA_GPA, SECTOR_SIZE), fake_ram[STATUS_GPA]));
    check("  and sector 0 is untouched", 0, disk_byte(0));
    check("a write at sector 2^64-1 fails (IOERR)", RESULT_IOERR,
          (request(REQUEST_OUT, UINT64_MAX, DATA_GPA, SECTOR_SIZE), fake_ram[STATUS_GPA]));
    check("  the disk file has not grown", size, disk_size());

    uint32_t used = request(REQUEST_IN, DISK_SECTORS - 1, DATA_GPA, 2 * SECTOR_SIZE);
    check("a read spanning the end fails (IOERR)", RESULT_IOERR, fake_ram[STATUS_GPA]);
    check("  its used length counts only the status byte", 1, used);
    check("a read from a buffer outside guest memory fails (IOERR)", RESULT_IOERR,
          (request(REQUEST_IN, 0, FAKE_RAM_SIZE - 256, SECTOR_SIZE), fake_ram[STATUS_GPA]));
    check("a write from a buffer at 2^64-256 fails (IOERR)", RESULT_IOERR,
          (request(REQUEST_OUT, 0, UINT64_MAX - 255, SECTOR_SIZE), fake_ram[STATUS_GPA]));

    struct { uint32_t type, reserved; uint64_t sector; } header = {REQUEST_IN, 0, 0};
    memcpy(fake_ram + HEADER_GPA, &header, sizeof header);
    put_descriptor(0, HEADER_GPA, sizeof header, DESC_NEXT, 1);
    put_descriptor(1, DATA_GPA, SECTOR_SIZE, DESC_NEXT | DESC_WRITE, 2);
    put_descriptor(2, STATUS_GPA, 0, DESC_WRITE, 0);
    submit();
    check("a status descriptor of length 0 is not written", STATUS_UNTOUCHED, fake_ram[STATUS_GPA]);

    blk.features |= FEATURE_BLK_RO;
    memset(fake_ram + DATA_GPA, 0x77, SECTOR_SIZE);
    check("a write to a read-only disk fails (IOERR)", RESULT_IOERR,
          (request(REQUEST_OUT, 0, DATA_GPA, SECTOR_SIZE), fake_ram[STATUS_GPA]));
    check("  and the disk is untouched", 0, disk_byte(0));
    blk.features &= ~FEATURE_BLK_RO;

    /* Rings outside guest memory, and an available index far ahead. */
    common_write(&fake_machine, 0x28, 4, 0xfffff000u);
    check("queue registers are fixed once the driver runs", AVAIL_GPA, (long long)blk.queue.driver);
    blk.queue.driver = FAKE_RAM_SIZE + 0x1000;
    serve_queue(&fake_machine);
    check("an available ring outside guest memory is ignored", 0, fake_machine_ends);
    blk.queue.driver = AVAIL_GPA;
    uint16_t far = avail_index + 65535;
    memcpy(fake_ram + AVAIL_GPA + 2, &far, 2);
    uint16_t next_before = blk.queue.next_avail;
    serve_queue(&fake_machine);
    check("one notification serves at most a queue's worth of requests", blk.queue.size,
          (uint16_t)(blk.queue.next_avail - next_before));

    check("an MSI or IO APIC destination of 200 (physical) names no VCPU", 0,
          (long long)vcpu_destination_mask(false, 200));
    check("  destination 3 names VCPU 3", 8, (long long)vcpu_destination_mask(false, 3));
    check("no request made the device report a failed call", 0, fake_machine_ends);

    unlink(path);
    printf("virtio-blk-test: %d passed, %d failed\n", checks - failed, failed);
    return failed ? 1 : 0;
}
