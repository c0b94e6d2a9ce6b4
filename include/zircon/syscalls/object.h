/* Zircon ABI: zx_object_get_info topics (seed era; only what this project uses). */
#ifndef ZIRCON_SYSCALLS_OBJECT_H_
#define ZIRCON_SYSCALLS_OBJECT_H_

#include <stddef.h>
#include <zircon/types.h>

typedef uint32_t zx_object_info_topic_t;
#define ZX_INFO_NONE          ((zx_object_info_topic_t)0u)
#define ZX_INFO_HANDLE_VALID  ((zx_object_info_topic_t)1u)
#define ZX_INFO_HANDLE_BASIC  ((zx_object_info_topic_t)2u)

typedef uint32_t zx_obj_props_t;
#define ZX_OBJ_PROP_NONE     ((zx_obj_props_t)0u)
#define ZX_OBJ_PROP_WAITABLE ((zx_obj_props_t)1u)

typedef struct zx_info_handle_basic {
    zx_koid_t koid;
    zx_rights_t rights;
    zx_obj_type_t type;
    zx_koid_t related_koid;
    zx_obj_props_t props;
} zx_info_handle_basic_t;

ZX_ABI_ASSERT(sizeof(zx_info_handle_basic_t) == 32, "zx_info_handle_basic_t size");
ZX_ABI_ASSERT(offsetof(zx_info_handle_basic_t, koid) == 0, "koid offset");
ZX_ABI_ASSERT(offsetof(zx_info_handle_basic_t, rights) == 8, "rights offset");
ZX_ABI_ASSERT(offsetof(zx_info_handle_basic_t, type) == 12, "type offset");
ZX_ABI_ASSERT(offsetof(zx_info_handle_basic_t, related_koid) == 16, "related_koid offset");
ZX_ABI_ASSERT(offsetof(zx_info_handle_basic_t, props) == 24, "props offset");

#endif
