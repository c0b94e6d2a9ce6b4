/* virtio-blk (virtio 1.0 over PCI, one request queue) backed by a file. BAR 0 holds the common
 * configuration (page 0, a MEM trap), the queue notification (page 1, a BELL trap: the guest's
 * write is not decoded, its address is the message), and the ISR, device configuration and
 * MSI-X table (page 2, a MEM trap). A thread waits on the BELL trap's port, serves the requests
 * (guest memory through the physmem VMO) and signals completion with the queue's MSI-X vector,
 * which becomes zx_vcpu_interrupt on the CPU it names. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "impl.h"
#include "machine.h"
#include "pci.h"

#define BAR_SIZE            0x4000u
#define COMMON_PAGE         0x0000u
#define NOTIFY_PAGE         0x1000u
#define OTHER_PAGE          0x2000u
#define ISR_OFFSET          0x2000u
#define DEVICE_CONFIG_OFFSET 0x2100u
#define MSIX_TABLE_OFFSET   0x2800u
#define MSIX_PBA_OFFSET     0x2c00u
#define NOTIFY_MULTIPLIER   4
#define COMMON_SIZE         0x38u
#define DEVICE_CONFIG_SIZE  0x100u
#define QUEUE_SIZE_MAX      256
#define MSIX_VECTORS        2
#define NO_VECTOR           0xffffu
#define SECTOR_SIZE         512

/* Configuration space: MSI-X, then the virtio capabilities (cfg_type 1..4). */
#define CAP_MSIX            0x40
#define CAP_COMMON          0x50
#define CAP_NOTIFY          0x60
#define CAP_ISR             0x78
#define CAP_DEVICE          0x88
#define MSIX_ENABLE         0x8000u
#define MSIX_FUNCTION_MASK  0x4000u

#define FEATURE_VERSION_1   (1ull << 32)
#define FEATURE_BLK_RO      (1ull << 5)
#define STATUS_FEATURES_OK  0x08
#define STATUS_DRIVER_OK    0x04
#define DESC_NEXT           1
#define DESC_WRITE          2
#define REQUEST_IN          0
#define REQUEST_OUT         1
#define REQUEST_GET_ID      8
#define RESULT_OK           0
#define RESULT_IOERR        1
#define RESULT_UNSUPPORTED  2
#define MAX_CHAIN           130

struct queue {
    uint16_t size;
    uint16_t msix_vector;
    uint16_t enabled;
    uint64_t desc, driver, device; /* the three rings' guest addresses */
    uint16_t next_avail, next_used;
};

struct descriptor {
    uint64_t addr;
    uint32_t len;
    uint16_t flags, next;
} __attribute__((packed));

static struct {
    struct pci_function pci;
    int fd;
    uint64_t features;
    uint32_t device_feature_select, driver_feature_select;
    uint64_t driver_features;
    uint16_t msix_config, queue_select;
    uint8_t status, isr;
    struct queue queue;
    uint32_t msix_table[MSIX_VECTORS][4]; /* address low, high, data, vector control */
    uint8_t device_config[DEVICE_CONFIG_SIZE];
    uint64_t sectors; /* the disk's size, as device_config says it */
    zx_handle_t port;
    struct machine *machine;
} blk;

static void reset(void) {
    blk.status = blk.isr = 0;
    blk.driver_features = 0;
    blk.msix_config = NO_VECTOR;
    blk.queue = (struct queue){.size = QUEUE_SIZE_MAX, .msix_vector = NO_VECTOR};
}

/* An MSI-X message: address bits 19:12 name the APIC id (bit 2: logical), data holds the vector. */
static void signal_vector(struct machine *m, uint16_t vector) {
    uint16_t control = pci_get16(&blk.pci, CAP_MSIX + 2);
    if (!(control & MSIX_ENABLE) || (control & MSIX_FUNCTION_MASK) || vector >= MSIX_VECTORS ||
        (blk.msix_table[vector][3] & 1))
        return; /* without MSI-X the guest polls nothing: Linux enables it before DRIVER_OK */
    uint32_t address = blk.msix_table[vector][0], data = blk.msix_table[vector][2];
    uint32_t destination = (address >> 12) & 0xff;
    vcpu_interrupt_mask(m, vcpu_destination_mask(address & 4, destination), data & 0xff);
}

/* ---- Common configuration (page 0) -------------------------------------------------------- */

static uint32_t common_read(struct machine *m, uint64_t offset, uint8_t size) {
    (void)m;
    uint8_t c[COMMON_SIZE] = {0};
    const struct queue *q = &blk.queue;
    bool queue0 = blk.queue_select == 0;
#define PUT(off, value, bytes) do { uint64_t v_ = (value); memcpy(c + (off), &v_, (bytes)); } while (0)
    PUT(0x00, blk.device_feature_select, 4);
    PUT(0x04, blk.device_feature_select < 2 ? blk.features >> (32 * blk.device_feature_select) : 0, 4);
    PUT(0x08, blk.driver_feature_select, 4);
    PUT(0x0c, blk.driver_feature_select < 2 ? blk.driver_features >> (32 * blk.driver_feature_select) : 0, 4);
    PUT(0x10, blk.msix_config, 2);
    PUT(0x12, 1, 2); /* num_queues */
    PUT(0x14, blk.status, 1);
    PUT(0x15, 0, 1); /* config_generation: the configuration never changes */
    PUT(0x16, blk.queue_select, 2);
    PUT(0x18, queue0 ? q->size : 0, 2);
    PUT(0x1a, queue0 ? q->msix_vector : NO_VECTOR, 2);
    PUT(0x1c, queue0 ? q->enabled : 0, 2);
    PUT(0x1e, 0, 2); /* queue_notify_off */
    PUT(0x20, queue0 ? q->desc : 0, 8);
    PUT(0x28, queue0 ? q->driver : 0, 8);
    PUT(0x30, queue0 ? q->device : 0, 8);
#undef PUT
    uint32_t value = 0;
    if (offset + size <= COMMON_SIZE)
        memcpy(&value, c + offset, size);
    return value;
}

static void set_half(uint64_t *field, bool high, uint32_t value) {
    *field = high ? (*field & 0xffffffffull) | (uint64_t)value << 32
                  : (*field & ~0xffffffffull) | value;
}

static void common_write(struct machine *m, uint64_t offset, uint8_t size, uint32_t value) {
    (void)m, (void)size;
    /* The queue's layout is fixed once the driver runs (virtio 1.0, 4.1.4.3.2). */
    bool running = blk.status & STATUS_DRIVER_OK;
    struct queue *q = blk.queue_select == 0 && !running ? &blk.queue : NULL;
    switch (offset) {
    case 0x00: blk.device_feature_select = value; break;
    case 0x08: blk.driver_feature_select = value; break;
    case 0x0c:
        if (blk.driver_feature_select < 2)
            set_half(&blk.driver_features, blk.driver_feature_select == 1, value);
        break;
    case 0x10: blk.msix_config = value < MSIX_VECTORS ? value : NO_VECTOR; break;
    case 0x14:
        if (value == 0) {
            reset();
        } else {
            blk.status = value;
            /* Accept the features only if they are a subset of ours and include VERSION_1. */
            if ((value & STATUS_FEATURES_OK) && ((blk.driver_features & ~blk.features) ||
                                                 !(blk.driver_features & FEATURE_VERSION_1)))
                blk.status &= ~STATUS_FEATURES_OK;
        }
        break;
    case 0x16: blk.queue_select = value; break;
    case 0x18: if (q && value > 0 && value <= QUEUE_SIZE_MAX && !(value & (value - 1))) q->size = value; break;
    case 0x1a: if (q) q->msix_vector = value < MSIX_VECTORS ? value : NO_VECTOR; break;
    case 0x1c: if (q) q->enabled = value & 1; break;
    case 0x20: case 0x24: if (q) set_half(&q->desc, offset == 0x24, value); break;
    case 0x28: case 0x2c: if (q) set_half(&q->driver, offset == 0x2c, value); break;
    case 0x30: case 0x34: if (q) set_half(&q->device, offset == 0x34, value); break;
    }
}

/* ---- ISR, device configuration, MSI-X (page 2) -------------------------------------------- */

static uint32_t other_read(struct machine *m, uint64_t offset, uint8_t size) {
    (void)m;
    uint64_t at = OTHER_PAGE + offset;
    uint32_t value = 0;
    if (at == ISR_OFFSET) {
        value = blk.isr; /* reading acknowledges */
        blk.isr = 0;
    } else if (at >= DEVICE_CONFIG_OFFSET && at + size <= DEVICE_CONFIG_OFFSET + DEVICE_CONFIG_SIZE) {
        memcpy(&value, blk.device_config + (at - DEVICE_CONFIG_OFFSET), size);
    } else if (at >= MSIX_TABLE_OFFSET && at + size <= MSIX_TABLE_OFFSET + sizeof(blk.msix_table)) {
        memcpy(&value, (uint8_t *)blk.msix_table + (at - MSIX_TABLE_OFFSET), size);
    }
    return value; /* the PBA and the rest read 0 */
}

static void other_write(struct machine *m, uint64_t offset, uint8_t size, uint32_t value) {
    (void)m;
    uint64_t at = OTHER_PAGE + offset;
    if (at >= MSIX_TABLE_OFFSET && at + size <= MSIX_TABLE_OFFSET + sizeof(blk.msix_table))
        memcpy((uint8_t *)blk.msix_table + (at - MSIX_TABLE_OFFSET), &value, size);
}

/* ---- Requests ------------------------------------------------------------------------------ */

/* Moves `len` bytes between the disk at `offset` and guest memory at `gpa`. */
static bool transfer(struct machine *m, bool to_guest, uint64_t gpa, uint32_t len, uint64_t offset) {
    static uint8_t buffer[64 * 1024];
    while (len > 0) {
        uint32_t chunk = len < sizeof(buffer) ? len : sizeof(buffer);
        if (to_guest) {
            if (pread(blk.fd, buffer, chunk, offset) != (ssize_t)chunk ||
                !guest_write(m, gpa, buffer, chunk))
                return false;
        } else if (!guest_read(m, gpa, buffer, chunk) ||
                   pwrite(blk.fd, buffer, chunk, offset) != (ssize_t)chunk) {
            return false;
        }
        gpa += chunk, offset += chunk, len -= chunk;
    }
    return true;
}

/* Serves the chain at `head`: header, data, status byte. Returns the bytes written to guest
 * memory, for the used ring. */
static uint32_t serve(struct machine *m, const struct queue *q, uint16_t head) {
    struct descriptor chain[MAX_CHAIN];
    unsigned count = 0;
    for (uint16_t index = head;; index = chain[count - 1].next) {
        if (count == MAX_CHAIN || index >= q->size ||
            !guest_read(m, q->desc + 16ull * index, &chain[count], sizeof(chain[0])))
            return 0;
        if (!(chain[count++].flags & DESC_NEXT))
            break;
    }
    struct { uint32_t type, reserved; uint64_t sector; } header;
    const struct descriptor *status_desc = &chain[count - 1];
    if (count < 2 || chain[0].len < sizeof(header) || !(status_desc->flags & DESC_WRITE) ||
        status_desc->len < 1 || !guest_read(m, chain[0].addr, &header, sizeof(header)))
        return 0;
    uint8_t result = RESULT_OK;
    uint32_t written = 1;
    /* Every transfer stays within the disk: a request past its end fails (IOERR), and never
     * grows the file or wraps around to its start. */
    uint64_t capacity = blk.sectors * SECTOR_SIZE;
    uint64_t offset = header.sector <= blk.sectors ? header.sector * SECTOR_SIZE : capacity;
    if (header.sector > blk.sectors && (header.type == REQUEST_IN || header.type == REQUEST_OUT))
        result = RESULT_IOERR;
    for (unsigned i = 1; i + 1 < count && result == RESULT_OK; i++) {
        const struct descriptor *d = &chain[i];
        if (header.type == REQUEST_IN || header.type == REQUEST_OUT) {
            bool in = header.type == REQUEST_IN;
            if (in != !!(d->flags & DESC_WRITE) || (!in && (blk.features & FEATURE_BLK_RO)) ||
                d->len > capacity - offset || !transfer(m, in, d->addr, d->len, offset)) {
                result = RESULT_IOERR;
                break;
            }
            offset += d->len;
            written += in ? d->len : 0;
        } else if (header.type == REQUEST_GET_ID) {
            char id[20] = "zxvmm-virtio-blk";
            uint32_t len = d->len < sizeof(id) ? d->len : sizeof(id);
            result = guest_write(m, d->addr, id, len) ? RESULT_OK : RESULT_IOERR;
            written += result == RESULT_OK ? len : 0;
        } else {
            result = RESULT_UNSUPPORTED;
        }
    }
    guest_write(m, status_desc->addr, &result, 1);
    return written;
}

/* The requests the driver made available since the last notification: at most a queue's worth
 * (no more can be outstanding), so that a guest that moves the index far ahead cannot keep the
 * machine lock for long. */
static void serve_queue(struct machine *m) {
    struct queue *q = &blk.queue;
    if (!q->enabled || !(blk.status & STATUS_DRIVER_OK))
        return;
    uint16_t available;
    bool served = false;
    for (unsigned n = 0; n < q->size && guest_read(m, q->driver + 2, &available, 2) &&
                         q->next_avail != available; n++) {
        uint16_t head;
        if (!guest_read(m, q->driver + 4 + 2ull * (q->next_avail % q->size), &head, 2))
            return;
        struct { uint32_t id, len; } used = {head, serve(m, q, head)};
        q->next_avail++;
        if (!guest_write(m, q->device + 4 + 8ull * (q->next_used % q->size), &used, sizeof(used)))
            return;
        q->next_used++;
        if (!guest_write(m, q->device + 2, &q->next_used, 2))
            return;
        served = true;
    }
    if (served) {
        blk.isr |= 1;
        signal_vector(m, q->msix_vector);
    }
}

/* The BELL trap's port: each packet is a queue notification. */
static void *notify_thread(void *arg) {
    struct machine *m = arg;
    for (;;) {
        zx_port_packet_t packet;
        zx_status_t status = zx.zx_port_wait(blk.port, ZX_TIME_INFINITE, &packet);
        if (status != ZX_OK) {
            machine_call_failed(m, "zx_port_wait", status, "waiting for virtio-blk notifications");
            return NULL;
        }
        if ((packet.type & ZX_PKT_TYPE_MASK) != ZX_PKT_TYPE_GUEST_BELL) {
            machine_end(m, VMM_FAILED, "zx_port_wait gave a packet of type %u on the virtio-blk "
                        "BELL trap's port (expected GUEST_BELL %u)", packet.type,
                        ZX_PKT_TYPE_GUEST_BELL);
            return NULL;
        }
        pthread_mutex_lock(&m->lock);
        serve_queue(m);
        pthread_mutex_unlock(&m->lock);
    }
}

/* ---- Configuration space ------------------------------------------------------------------- */

static void virtio_cap(unsigned at, unsigned next, uint8_t type, uint32_t offset, uint32_t length,
                       uint8_t cap_len) {
    uint8_t *c = blk.pci.config + at;
    c[0] = 0x09; /* vendor-specific */
    c[1] = next;
    c[2] = cap_len;
    c[3] = type;
    c[4] = 0; /* BAR 0 */
    memcpy(c + 8, &offset, 4);
    memcpy(c + 12, &length, 4);
}

static void config_written(struct machine *m, struct pci_function *f, unsigned offset,
                           unsigned size) {
    (void)m;
    pci_standard_written(f, offset, size);
}

bool virtio_blk_attach(struct machine *m, const char *path) {
    struct stat info;
    blk.fd = open(path, O_RDWR);
    blk.features = FEATURE_VERSION_1;
    if (blk.fd < 0 && (errno == EACCES || errno == EROFS)) {
        blk.fd = open(path, O_RDONLY);
        blk.features |= FEATURE_BLK_RO;
    }
    if (blk.fd < 0 || fstat(blk.fd, &info) != 0) {
        fprintf(stderr, "zxvmm: cannot open the disk %s: %s\n", path, strerror(errno));
        return false;
    }
    blk.sectors = (uint64_t)info.st_size / SECTOR_SIZE;
    memcpy(blk.device_config, &blk.sectors, 8); /* capacity */
    reset();

    struct pci_function *f = &blk.pci;
    pci_identity(f, 0x1af4, 0x1042, 0x018000); /* virtio 1.0 block device, mass storage */
    pci_set16(f, PCI_SUBSYSTEM_VENDOR_ID, 0x1af4);
    pci_set16(f, PCI_SUBSYSTEM_ID, 0x0040);
    pci_set16(f, PCI_STATUS, PCI_STATUS_CAPABILITIES);
    f->config[PCI_CAPABILITIES] = CAP_MSIX;
    pci_bar32(f, 0, GPA_VIRTIO_BLK_BAR, BAR_SIZE);
    f->written = config_written;
    uint8_t *msix = f->config + CAP_MSIX;
    msix[0] = 0x11;
    msix[1] = CAP_COMMON;
    pci_set16(f, CAP_MSIX + 2, MSIX_VECTORS - 1);
    f->writable[CAP_MSIX + 3] = (MSIX_ENABLE | MSIX_FUNCTION_MASK) >> 8;
    pci_set32(f, CAP_MSIX + 4, MSIX_TABLE_OFFSET); /* BIR 0 */
    pci_set32(f, CAP_MSIX + 8, MSIX_PBA_OFFSET);
    virtio_cap(CAP_COMMON, CAP_NOTIFY, 1, COMMON_PAGE, COMMON_SIZE, 16);
    virtio_cap(CAP_NOTIFY, CAP_ISR, 2, NOTIFY_PAGE, 0x1000, 20);
    pci_set32(f, CAP_NOTIFY + 16, NOTIFY_MULTIPLIER);
    virtio_cap(CAP_ISR, CAP_DEVICE, 3, ISR_OFFSET, 1, 16);
    virtio_cap(CAP_DEVICE, 0, 4, DEVICE_CONFIG_OFFSET, DEVICE_CONFIG_SIZE, 16);
    for (unsigned vector = 0; vector < MSIX_VECTORS; vector++)
        blk.msix_table[vector][3] = 1; /* masked */
    pci_add(PCI_SLOT_VIRTIO_BLK, f);

    zx_status_t status = zx.zx_port_create(0, &blk.port);
    if (status != ZX_OK) {
        machine_call_failed(m, "zx_port_create", status, "creating the virtio-blk port");
        return false;
    }
    status = zx.zx_guest_set_trap(m->guest, ZX_GUEST_TRAP_BELL, GPA_VIRTIO_BLK_BAR + NOTIFY_PAGE,
                                  0x1000, blk.port, 0);
    if (status != ZX_OK) {
        machine_call_failed(m, "zx_guest_set_trap", status,
                            "a BELL trap for the virtio-blk queue notifications");
        return false;
    }
    if (!mmio_register(m, GPA_VIRTIO_BLK_BAR + COMMON_PAGE, 0x1000, "virtio-blk common config",
                       common_read, common_write) ||
        !mmio_register(m, GPA_VIRTIO_BLK_BAR + OTHER_PAGE, 0x1000, "virtio-blk ISR and MSI-X",
                       other_read, other_write))
        return false;
    pthread_t thread;
    if (pthread_create(&thread, NULL, notify_thread, m) != 0) {
        fprintf(stderr, "zxvmm: cannot create the virtio-blk thread\n");
        return false;
    }
    pthread_detach(thread);
    return true;
}
