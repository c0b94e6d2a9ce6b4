/* VMOs: a memfd, mapped shared once, so guest memory, zx_vmo_read and zx_vmo_write all see
 * the same pages. */
#include <sys/mman.h>
#include <unistd.h>

#include "zxr.h"

/* Larger sizes give OUT_OF_RANGE; keeps the whole-VMO mapping reasonable. */
#define VMO_MAX_SIZE (1ull << 40)

static void vmo_destroy(struct zxr_object *obj) {
    struct zxr_vmo *vmo = (struct zxr_vmo *)obj;
    if (vmo->map != NULL)
        munmap(vmo->map, vmo->size);
    close(vmo->fd);
    zxr_free(vmo);
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
    vmo->fd = memfd_create("zxref-vmo", MFD_CLOEXEC);
    if (vmo->fd < 0) {
        zxr_free(vmo);
        return ZX_ERR_NO_MEMORY;
    }
    zxr_object_init(&vmo->base, &vmo_ops);
    vmo->size = size;
    if (ftruncate(vmo->fd, (off_t)size) != 0) {
        zxr_object_unref(&vmo->base);
        return ZX_ERR_NO_MEMORY;
    }
    if (size > 0) {
        void *map = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_NORESERVE, vmo->fd, 0);
        if (map == MAP_FAILED) {
            zxr_object_unref(&vmo->base);
            return ZX_ERR_NO_MEMORY;
        }
        vmo->map = map;
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
