/* Resources: the ones the harness asks for through zxconf. No call of the API uses them except
 * through zxr_validate_resource; the other kinds exist so that a wrong kind can be tried. */
#include "zxr.h"

struct zxr_resource {
    struct zxr_object base;
    uint32_t kind;
};

static void resource_destroy(struct zxr_object *obj) { zxr_free(obj); }

static const struct zxr_object_ops resource_ops = {
    .type = ZX_OBJ_TYPE_RESOURCE,
    .destroy = resource_destroy,
};

zx_status_t zxconf_resource(uint32_t kind, zx_handle_t *out) {
    if (kind >= ZX_RSRC_KIND_COUNT)
        return ZX_ERR_INVALID_ARGS;
    struct zxr_resource *resource = zxr_alloc(sizeof(*resource));
    if (resource == NULL)
        return ZX_ERR_NO_MEMORY;
    zxr_object_init(&resource->base, &resource_ops);
    resource->kind = kind;
    zx_status_t status = zxr_handle_create_out(&resource->base, ZX_DEFAULT_RESOURCE_RIGHTS, out);
    zxr_object_unref(&resource->base);
    return status;
}

zx_status_t zxconf_hypervisor_resource(zx_handle_t *out) {
    return zxconf_resource(ZX_RSRC_KIND_HYPERVISOR, out);
}

/* Used by guest.c: Zircon's validate_resource(handle, kind). */
zx_status_t zxr_validate_resource(zx_handle_t handle, uint32_t kind);
zx_status_t zxr_validate_resource(zx_handle_t handle, uint32_t kind) {
    struct zxr_object *obj;
    zx_status_t status = zxr_handle_get(handle, ZX_OBJ_TYPE_RESOURCE, ZX_RIGHT_NONE, &obj, NULL);
    if (status != ZX_OK)
        return status;
    if (((struct zxr_resource *)obj)->kind != kind)
        status = ZX_ERR_ACCESS_DENIED;
    zxr_object_unref(obj);
    return status;
}
