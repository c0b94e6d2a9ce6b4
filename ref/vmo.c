/* VMOs: one mapping of anonymous memory each, which guest memory, zx_vmo_read and zx_vmo_write
 * all use. Anonymous rather than a memfd: a memfd (shmem) gets no transparent huge pages by
 * default, so a guest touching its memory took a fault, a KVM exit and a page clear per 4 KiB
 * (about a tenth of a Linux boot's host time under zxvmm). */
#include <sys/mman.h>
#include <unistd.h>

#include "zxr.h"

/* Larger sizes give OUT_OF_RANGE; keeps the whole-VMO mapping reasonable. */
#define VMO_MAX_SIZE (1ull << 40)

#define HUGE_PAGE (2ull << 20)

static void vmo_destroy(struct zxr_object *obj) {
    struct zxr_vmo *vmo = (struct zxr_vmo *)obj;
    if (vmo->map != NULL)
        munmap(vmo->map, vmo->size);
    zxr_free(vmo);
}

/* Zeroed memory of `size` bytes at a 2 MiB boundary, so that the host's huge pages line up with
 * guest-physical 2 MiB pages and KVM can map them whole; NULL if there is none. */
static uint8_t *map_memory(uint64_t size) {
    uint64_t padded = size + HUGE_PAGE;
    uint8_t *map = mmap(NULL, padded, PROT_READ | PROT_WRITE,
                        MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (map == MAP_FAILED)
        return NULL;
    uint8_t *aligned = (uint8_t *)(((uintptr_t)map + HUGE_PAGE - 1) & ~(uintptr_t)(HUGE_PAGE - 1));
    if (aligned > map)
        munmap(map, (size_t)(aligned - map));
    munmap(aligned + size, (size_t)(map + padded - (aligned + size)));
    madvise(aligned, size, MADV_HUGEPAGE); /* a hint: without it the memory still works */
    return aligned;
}

static const struct zxr_object_ops vmo_ops = {
    .type = ZX_OBJ_TYPE_VMO,
    .destroy = vmo_destroy,
};

zx_status_t zx_vmo_create(uint64_t size, uint32_t options, zx_handle_t *out) {
    if (options != 0)
        return ZX_ERR_INVALID_ARGS;
    long page = sysconf(_SC_PAGESIZE);
    if (size > VMO_MAX_SIZE)
        return ZX_ERR_OUT_OF_RANGE;
    size = (size + (uint64_t)page - 1) & ~((uint64_t)page - 1);
    struct zxr_vmo *vmo = zxr_alloc(sizeof(*vmo));
    if (vmo == NULL)
        return ZX_ERR_NO_MEMORY;
    zxr_object_init(&vmo->base, &vmo_ops);
    vmo->size = size;
    if (size > 0 && (vmo->map = map_memory(size)) == NULL) {
        zxr_object_unref(&vmo->base);
        return ZX_ERR_NO_MEMORY;
    }
    zx_status_t status = zxr_handle_create_out(&vmo->base, ZX_DEFAULT_VMO_RIGHTS, out);
    zxr_object_unref(&vmo->base);
    return status;
}

/* Looks up a VMO and checks [offset, offset+len) lies inside it. */
static zx_status_t get_range(zx_handle_t handle, zx_rights_t rights, uint64_t offset, size_t len,
                             struct zxr_vmo **vmo) {
    struct zxr_object *obj;
    zx_status_t status = zxr_handle_get(handle, ZX_OBJ_TYPE_VMO, rights, &obj, NULL);
    if (status != ZX_OK)
        return status;
    *vmo = (struct zxr_vmo *)obj;
    if (offset > (*vmo)->size || len > (*vmo)->size - offset) {
        zxr_object_unref(obj);
        return ZX_ERR_OUT_OF_RANGE;
    }
    return ZX_OK;
}

zx_status_t zx_vmo_read(zx_handle_t handle, void *data, uint64_t offset, size_t len) {
    struct zxr_vmo *vmo;
    zx_status_t status = get_range(handle, ZX_RIGHT_READ, offset, len, &vmo);
    if (status != ZX_OK)
        return status;
    if (len > 0 && !zxr_copy_to_user(data, vmo->map + offset, len))
        status = ZX_ERR_INVALID_ARGS;
    zxr_object_unref(&vmo->base);
    return status;
}

zx_status_t zx_vmo_write(zx_handle_t handle, const void *data, uint64_t offset, size_t len) {
    struct zxr_vmo *vmo;
    zx_status_t status = get_range(handle, ZX_RIGHT_WRITE, offset, len, &vmo);
    if (status != ZX_OK)
        return status;
    if (len > 0 && !zxr_copy_from_user(vmo->map + offset, data, len))
        status = ZX_ERR_INVALID_ARGS;
    zxr_object_unref(&vmo->base);
    return status;
}

zx_status_t zx_vmo_get_size(zx_handle_t handle, uint64_t *size) {
    struct zxr_object *obj;
    zx_status_t status = zxr_handle_get(handle, ZX_OBJ_TYPE_VMO, ZX_RIGHT_NONE, &obj, NULL);
    if (status != ZX_OK)
        return status;
    uint64_t value = ((struct zxr_vmo *)obj)->size;
    zxr_object_unref(obj);
    return zxr_copy_to_user(size, &value, sizeof(value)) ? ZX_OK : ZX_ERR_INVALID_ARGS;
}
