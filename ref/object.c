/* Reference counting of objects, koids, and zx_object_get_info. */
#include "zxr.h"

static atomic_ullong next_koid = 1024; /* low koids are reserved in Zircon */

void zxr_object_init(struct zxr_object *obj, const struct zxr_object_ops *ops) {
    obj->ops = ops;
    atomic_init(&obj->refs, 1);
    atomic_init(&obj->handles, 0);
    obj->koid = atomic_fetch_add(&next_koid, 1);
}

void zxr_object_ref(struct zxr_object *obj) { atomic_fetch_add(&obj->refs, 1); }

void zxr_object_unref(struct zxr_object *obj) {
    if (obj != NULL && atomic_fetch_sub(&obj->refs, 1) == 1)
        obj->ops->destroy(obj);
}

zx_status_t zx_object_get_info(zx_handle_t handle, uint32_t topic, void *buffer,
                               size_t buffer_size, size_t *actual, size_t *avail) {
    struct zxr_object *obj;
    zx_rights_t rights;
    zx_status_t status = zxr_handle_get(handle, ZX_OBJ_TYPE_NONE, ZX_RIGHT_NONE, &obj, &rights);
    if (status != ZX_OK)
        return status;
    size_t count = 0;
    switch (topic) {
    case ZX_INFO_HANDLE_VALID:
        break;
    case ZX_INFO_HANDLE_BASIC: {
        zx_info_handle_basic_t info = {
            .koid = obj->koid,
            .rights = rights,
            .type = obj->ops->type,
            .related_koid = ZX_KOID_INVALID,
            .props = ZX_OBJ_PROP_WAITABLE,
        };
        if (buffer_size < sizeof(info))
            status = ZX_ERR_BUFFER_TOO_SMALL;
        else if (!zxr_copy_to_user(buffer, &info, sizeof(info)))
            status = ZX_ERR_INVALID_ARGS;
        count = 1;
        break;
    }
    default:
        status = ZX_ERR_NOT_SUPPORTED;
    }
    zxr_object_unref(obj);
    if (status != ZX_OK && status != ZX_ERR_BUFFER_TOO_SMALL)
        return status;
    size_t written = status == ZX_OK ? count : 0;
    if (actual != NULL && !zxr_copy_to_user(actual, &written, sizeof(written)))
        return ZX_ERR_INVALID_ARGS;
    if (avail != NULL && !zxr_copy_to_user(avail, &count, sizeof(count)))
        return ZX_ERR_INVALID_ARGS;
    return status;
}
