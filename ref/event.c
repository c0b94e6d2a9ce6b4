/* Events: only creation is needed (the harness uses them as objects of another type). */
#include "zxr.h"

static void event_destroy(struct zxr_object *obj) { zxr_free(obj); }

static const struct zxr_object_ops event_ops = {
    .type = ZX_OBJ_TYPE_EVENT,
    .destroy = event_destroy,
};

zx_status_t zx_event_create(uint32_t options, zx_handle_t *out) {
    if (options != 0)
        return ZX_ERR_INVALID_ARGS;
    struct zxr_object *event = zxr_alloc(sizeof(*event));
    if (event == NULL)
        return ZX_ERR_NO_MEMORY;
    zxr_object_init(event, &event_ops);
    zx_status_t status = zxr_handle_create_out(event, ZX_DEFAULT_EVENT_RIGHTS, out);
    zxr_object_unref(event);
    return status;
}
