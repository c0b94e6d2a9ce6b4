/* Guests: a KVM VM whose memory is the physmem VMO, plus the traps. MEM and BELL traps cut
 * their range out of the KVM memory slots, so every access to it exits to us. */
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "zxr.h"

#define PAGE_SIZE 4096ull
/* KVM on Intel needs three pages for the real-mode TSS; put them where guests rarely look. */
#define KVM_TSS_ADDR 0xfffbd000ul

zx_status_t zxr_validate_resource(zx_handle_t handle, uint32_t kind);

static void guest_destroy(struct zxr_object *obj) {
    struct zxr_guest *guest = (struct zxr_guest *)obj;
    struct zxr_trap *next;
    for (struct zxr_trap *trap = atomic_load(&guest->traps); trap != NULL; trap = next) {
        next = trap->next;
        if (trap->port != NULL) {
            /* Packets of a destroyed guest are cancelled; user packets stay. */
            zxr_port_cancel_pool(trap->port, trap->pool);
            zxr_packet_pool_destroy(trap->pool);
            zxr_object_unref((struct zxr_object *)trap->port);
        }
        zxr_free(trap);
    }
    if (guest->vm_fd >= 0)
        close(guest->vm_fd);
    if (guest->kvm_fd >= 0)
        close(guest->kvm_fd);
    zxr_object_unref(&guest->physmem->base);
    pthread_mutex_destroy(&guest->lock);
    zxr_free(guest);
}

static const struct zxr_object_ops guest_ops = {
    .type = ZX_OBJ_TYPE_GUEST,
    .destroy = guest_destroy,
};

static int set_memslot(struct zxr_guest *guest, uint32_t id, uint64_t gpa, uint64_t size) {
    struct kvm_userspace_memory_region region = {
        .slot = id,
        .guest_phys_addr = gpa,
        .memory_size = size,
        .userspace_addr = (uintptr_t)(guest->physmem->map + gpa),
    };
    if (ioctl(guest->vm_fd, KVM_SET_USER_MEMORY_REGION, &region) != 0)
        return -1;
    guest->memslots[id] = (struct zxr_memslot){.used = size > 0, .gpa = gpa, .size = size};
    return 0;
}

static int free_memslot(struct zxr_guest *guest) {
    for (int i = 0; i < ZXR_MAX_MEMSLOTS; i++)
        if (!guest->memslots[i].used)
            return i;
    return -1;
}

/* Removes [addr, addr+len) from the KVM memory slots, splitting slots as needed. Call with
 * guest->lock held. (A VCPU running concurrently may see the range unmapped for a moment.) */
static zx_status_t punch_hole_locked(struct zxr_guest *guest, uint64_t addr, uint64_t len) {
    uint64_t end = addr + len;
    int overlapping = 0, free_ids = 0;
    for (int i = 0; i < ZXR_MAX_MEMSLOTS; i++) {
        struct zxr_memslot *s = &guest->memslots[i];
        if (!s->used)
            free_ids++;
        else if (s->gpa < end && addr < s->gpa + s->size)
            overlapping++;
    }
    if (free_ids < overlapping)
        return ZX_ERR_NO_MEMORY;
    for (uint32_t i = 0; i < ZXR_MAX_MEMSLOTS; i++) {
        struct zxr_memslot old = guest->memslots[i];
        if (!old.used || old.gpa >= end || addr >= old.gpa + old.size)
            continue;
        uint64_t old_end = old.gpa + old.size;
        if (set_memslot(guest, i, old.gpa, 0) != 0)
            return ZX_ERR_INTERNAL;
        if (addr > old.gpa && set_memslot(guest, i, old.gpa, addr - old.gpa) != 0)
            return ZX_ERR_INTERNAL;
        if (end < old_end) {
            int id = free_memslot(guest);
            if (set_memslot(guest, (uint32_t)id, end, old_end - end) != 0)
                return ZX_ERR_INTERNAL;
        }
    }
    return ZX_OK;
}

static zx_status_t create_vm(struct zxr_guest *guest) {
    guest->kvm_fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
    if (guest->kvm_fd < 0)
        return ZX_ERR_NOT_SUPPORTED; /* no hypervisor support */
    guest->vm_fd = ioctl(guest->kvm_fd, KVM_CREATE_VM, 0);
    if (guest->vm_fd < 0)
        return errno == ENOMEM ? ZX_ERR_NO_MEMORY : ZX_ERR_NOT_SUPPORTED;
    ioctl(guest->vm_fd, KVM_SET_TSS_ADDR, KVM_TSS_ADDR); /* not needed on AMD; harmless */
    zx_status_t status = zxr_msr_setup_vm(guest->vm_fd);
    if (status != ZX_OK)
        return status;
    if (guest->physmem->size > 0 && set_memslot(guest, 0, 0, guest->physmem->size) != 0)
        return ZX_ERR_NO_MEMORY;
    return ZX_OK;
}

zx_status_t zx_guest_create(zx_handle_t resource, uint32_t options, zx_handle_t physmem_vmo,
                            zx_handle_t *out) {
    if (options != 0)
        return ZX_ERR_INVALID_ARGS;
    zx_status_t status = zxr_validate_resource(resource, ZX_RSRC_KIND_HYPERVISOR);
    if (status != ZX_OK)
        return status;
    struct zxr_object *vmo;
    status = zxr_handle_get(physmem_vmo, ZX_OBJ_TYPE_VMO,
                            ZX_RIGHT_READ | ZX_RIGHT_WRITE | ZX_RIGHT_EXECUTE | ZX_RIGHT_MAP,
                            &vmo, NULL);
    if (status != ZX_OK)
        return status;
    struct zxr_guest *guest = zxr_alloc(sizeof(*guest));
    if (guest == NULL) {
        zxr_object_unref(vmo);
        return ZX_ERR_NO_MEMORY;
    }
    zxr_object_init(&guest->base, &guest_ops);
    pthread_mutex_init(&guest->lock, NULL);
    guest->physmem = (struct zxr_vmo *)vmo;
    guest->kvm_fd = guest->vm_fd = -1;
    status = create_vm(guest);
    if (status == ZX_OK)
        status = zxr_handle_create_out(&guest->base, ZX_DEFAULT_GUEST_RIGHTS, out);
    zxr_object_unref(&guest->base);
    return status;
}

/* Zircon's argument rules, in its order (facts §1.2). */
static zx_status_t check_trap_args(uint32_t kind, zx_vaddr_t addr, size_t len, bool has_port) {
    if (len == 0)
        return ZX_ERR_INVALID_ARGS;
    if (SIZE_MAX - len < addr)
        return ZX_ERR_OUT_OF_RANGE;
    switch (kind) {
    case ZX_GUEST_TRAP_MEM:
        if (has_port)
            return ZX_ERR_INVALID_ARGS;
        break;
    case ZX_GUEST_TRAP_BELL:
        if (!has_port)
            return ZX_ERR_INVALID_ARGS;
        break;
    case ZX_GUEST_TRAP_IO:
        if (has_port)
            return ZX_ERR_INVALID_ARGS;
        if (addr + len > UINT16_MAX)
            return ZX_ERR_OUT_OF_RANGE;
        return ZX_OK;
    default:
        return ZX_ERR_INVALID_ARGS;
    }
    if (addr % PAGE_SIZE != 0 || len % PAGE_SIZE != 0)
        return ZX_ERR_INVALID_ARGS;
    return ZX_OK;
}

static zx_status_t add_trap_locked(struct zxr_guest *guest, struct zxr_trap *trap) {
    bool io = trap->kind == ZX_GUEST_TRAP_IO;
    for (struct zxr_trap *t = atomic_load_explicit(&guest->traps, memory_order_relaxed);
         t != NULL; t = t->next)
        if ((t->kind == ZX_GUEST_TRAP_IO) == io && t->addr == trap->addr)
            return ZX_ERR_ALREADY_EXISTS;
    if (trap->kind == ZX_GUEST_TRAP_BELL && (trap->pool = zxr_packet_pool_create()) == NULL)
        return ZX_ERR_NO_MEMORY;
    zx_status_t status = io ? ZX_OK : punch_hole_locked(guest, trap->addr, trap->len);
    if (status != ZX_OK) {
        zxr_packet_pool_destroy(trap->pool);
        return status;
    }
    trap->next = atomic_load_explicit(&guest->traps, memory_order_relaxed);
    atomic_store_explicit(&guest->traps, trap, memory_order_release);
    return ZX_OK;
}

zx_status_t zx_guest_set_trap(zx_handle_t guest, uint32_t kind, zx_vaddr_t addr, size_t len,
                              zx_handle_t port, uint64_t key) {
    struct zxr_object *guest_obj, *port_obj = NULL;
    zx_status_t status = zxr_handle_get(guest, ZX_OBJ_TYPE_GUEST, ZX_RIGHT_WRITE, &guest_obj, NULL);
    if (status != ZX_OK)
        return status;
    if (port != ZX_HANDLE_INVALID)
        status = zxr_handle_get(port, ZX_OBJ_TYPE_PORT, ZX_RIGHT_WRITE, &port_obj, NULL);
    if (status == ZX_OK)
        status = check_trap_args(kind, addr, len, port_obj != NULL);
    struct zxr_trap *trap = NULL;
    if (status == ZX_OK && (trap = zxr_alloc(sizeof(*trap))) == NULL)
        status = ZX_ERR_NO_MEMORY;
    if (status == ZX_OK) {
        *trap = (struct zxr_trap){
            .kind = kind, .addr = addr, .len = len, .key = key,
            .port = (struct zxr_port *)port_obj,
        };
        struct zxr_guest *g = (struct zxr_guest *)guest_obj;
        pthread_mutex_lock(&g->lock);
        status = add_trap_locked(g, trap);
        pthread_mutex_unlock(&g->lock);
    }
    if (status == ZX_OK) {
        port_obj = NULL; /* the trap keeps the reference */
    } else {
        zxr_free(trap);
    }
    zxr_object_unref(port_obj);
    zxr_object_unref(guest_obj);
    return status;
}

struct zxr_trap *zxr_guest_find_trap(struct zxr_guest *guest, bool io, uint64_t addr) {
    struct zxr_trap *t = atomic_load_explicit(&guest->traps, memory_order_acquire);
    while (t != NULL && !((t->kind == ZX_GUEST_TRAP_IO) == io && t->addr <= addr &&
                          addr - t->addr < t->len))
        t = t->next;
    return t;
}

uint32_t zxr_guest_alloc_vpid(struct zxr_guest *guest, uint32_t *kvm_vcpu_id) {
    pthread_mutex_lock(&guest->lock);
    uint32_t vpid = 0;
    for (uint32_t i = 0; i < ZXR_MAX_VCPUS && vpid == 0; i++) {
        if (!(guest->vpids_used & (1ull << i))) {
            guest->vpids_used |= 1ull << i;
            vpid = i + 1;
            *kvm_vcpu_id = guest->next_kvm_vcpu_id++;
        }
    }
    pthread_mutex_unlock(&guest->lock);
    return vpid;
}

void zxr_guest_free_vpid(struct zxr_guest *guest, uint32_t vpid) {
    pthread_mutex_lock(&guest->lock);
    guest->vpids_used &= ~(1ull << (vpid - 1));
    pthread_mutex_unlock(&guest->lock);
}
