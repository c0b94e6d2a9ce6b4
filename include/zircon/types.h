/* Zircon ABI: basic types (seed era, early 2018). */
#ifndef ZIRCON_TYPES_H_
#define ZIRCON_TYPES_H_

#include <stddef.h>
#include <stdint.h>
#include <zircon/errors.h>
#include <zircon/rights.h>

/* Compile-time ABI layout checks (C11 _Static_assert; static_assert in C++). */
#ifdef __cplusplus
#define ZX_ABI_ASSERT(cond, msg) static_assert(cond, msg)
#else
#define ZX_ABI_ASSERT(cond, msg) _Static_assert(cond, msg)
#endif

typedef uint32_t zx_handle_t;
#define ZX_HANDLE_INVALID ((zx_handle_t)0)
/* Every valid handle value has these bits set. */
#define ZX_HANDLE_FIXED_BITS_MASK ((zx_handle_t)0x3)

typedef int32_t zx_status_t;

/* Absolute time and durations, in nanoseconds. */
typedef int64_t zx_time_t;
typedef int64_t zx_duration_t;
#define ZX_TIME_INFINITE INT64_MAX

typedef uint32_t zx_signals_t;
typedef uint64_t zx_koid_t;
#define ZX_KOID_INVALID ((zx_koid_t)0)

typedef uint64_t zx_off_t;
typedef uintptr_t zx_vaddr_t;
typedef uintptr_t zx_paddr_t;
typedef uintptr_t zx_gpaddr_t;

typedef uint32_t zx_obj_type_t;
#define ZX_OBJ_TYPE_NONE       ((zx_obj_type_t)0u)
#define ZX_OBJ_TYPE_PROCESS    ((zx_obj_type_t)1u)
#define ZX_OBJ_TYPE_THREAD     ((zx_obj_type_t)2u)
#define ZX_OBJ_TYPE_VMO        ((zx_obj_type_t)3u)
#define ZX_OBJ_TYPE_CHANNEL    ((zx_obj_type_t)4u)
#define ZX_OBJ_TYPE_EVENT      ((zx_obj_type_t)5u)
#define ZX_OBJ_TYPE_PORT       ((zx_obj_type_t)6u)
#define ZX_OBJ_TYPE_INTERRUPT  ((zx_obj_type_t)9u)
#define ZX_OBJ_TYPE_PCI_DEVICE ((zx_obj_type_t)11u)
#define ZX_OBJ_TYPE_LOG        ((zx_obj_type_t)12u)
#define ZX_OBJ_TYPE_SOCKET     ((zx_obj_type_t)14u)
#define ZX_OBJ_TYPE_RESOURCE   ((zx_obj_type_t)15u)
#define ZX_OBJ_TYPE_EVENT_PAIR ((zx_obj_type_t)16u)
#define ZX_OBJ_TYPE_JOB        ((zx_obj_type_t)17u)
#define ZX_OBJ_TYPE_VMAR       ((zx_obj_type_t)18u)
#define ZX_OBJ_TYPE_FIFO       ((zx_obj_type_t)19u)
#define ZX_OBJ_TYPE_GUEST      ((zx_obj_type_t)20u)
#define ZX_OBJ_TYPE_VCPU       ((zx_obj_type_t)21u)
#define ZX_OBJ_TYPE_TIMER      ((zx_obj_type_t)22u)

#endif
