/* The virtio-blk device against a fuzzed driver (libFuzzer, ASan, UBSan), without a VM: the
 * device's own code (vmm/virtio_blk.c, included for its static register and request paths) on
 * the fake machine of vmm/tests/fake_machine.c, whose guest memory is a buffer. An input is a
 * sequence of what a guest can do: write a device register, write guest memory (rings,
 * descriptors, headers), and notify the queue. The oracle is zxvmm's promise to the host
 * (vmm/README.md): the disk image keeps its size, and no guest action makes the device report
 * a failed call or end the machine; ASan and UBSan catch the rest. */
#include "../vmm/virtio_blk.c"

#include <stdlib.h>

#include "virtio_blk_driver.h"

#define DISK_SECTORS 16u

static off_t disk_size;

int LLVMFuzzerInitialize(int *argc, char ***argv) {
    (void)argc, (void)argv;
    char path[] = "/tmp/zxvmm-virtio-blk-fuzz.XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0 || ftruncate(fd, DISK_SECTORS * SECTOR_SIZE) != 0) abort();
    close(fd);
    fake_machine_install();
    if (!virtio_blk_attach(&fake_machine, path)) abort();
    unlink(path); /* the device keeps it open */
    disk_size = DISK_SECTORS * SECTOR_SIZE;
    return 0;
}

static uint32_t take(const uint8_t **data, size_t *size, unsigned bytes) {
    uint32_t value = 0;
    unsigned n = *size < bytes ? (unsigned)*size : bytes;
    memcpy(&value, *data, n);
    *data += n, *size -= n;
    return value;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    memset(fake_ram, 0, 0x8000);
    driver_start();
    fake_machine_ends = 0;
    while (size > 0) {
        uint8_t op = (uint8_t)take(&data, &size, 1);
        switch (op % 5) {
        case 0: { /* a common-configuration register */
            uint32_t offset = take(&data, &size, 1) % COMMON_SIZE;
            common_write(&fake_machine, offset, 4, take(&data, &size, 4));
            break;
        }
        case 1: { /* ISR, device configuration, MSI-X */
            uint32_t offset = take(&data, &size, 2) % 0x1000;
            other_write(&fake_machine, offset, 4, take(&data, &size, 4));
            other_read(&fake_machine, take(&data, &size, 2) % 0x1000, 4);
            break;
        }
        case 2: { /* guest memory: the rings, descriptors, headers and data at low addresses */
            uint32_t at = take(&data, &size, 2) % 0x8000;
            uint32_t len = take(&data, &size, 1);
            len = len < size ? len : (uint32_t)size;
            memcpy(fake_ram + at, data, at + len <= 0x8000 ? len : 0x8000 - at);
            data += len, size -= len;
            break;
        }
        case 3: /* a queue notification */
            serve_queue(&fake_machine);
            break;
        case 4:
            common_read(&fake_machine, take(&data, &size, 1) % COMMON_SIZE, 4);
            break;
        }
    }
    serve_queue(&fake_machine);
    struct stat info;
    if (fstat(blk.fd, &info) != 0 || info.st_size != disk_size) {
        fprintf(stderr, "zxfuzz: FINDING: the disk image changed size: %lld bytes, was %lld\n",
                (long long)info.st_size, (long long)disk_size);
        abort();
    }
    if (fake_machine_ends != 0) {
        fprintf(stderr, "zxfuzz: FINDING: a guest action made the device end the machine\n");
        abort();
    }
    return 0;
}
