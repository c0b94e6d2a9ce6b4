/* Zircon ABI: resource kinds (seed era). */
#ifndef ZIRCON_SYSCALLS_RESOURCE_H_
#define ZIRCON_SYSCALLS_RESOURCE_H_

#include <stdint.h>

#define ZX_RSRC_KIND_MMIO       ((uint32_t)0u)
#define ZX_RSRC_KIND_IRQ        ((uint32_t)1u)
#define ZX_RSRC_KIND_IOPORT     ((uint32_t)2u)
#define ZX_RSRC_KIND_HYPERVISOR ((uint32_t)3u)
#define ZX_RSRC_KIND_ROOT       ((uint32_t)4u)
#define ZX_RSRC_KIND_VMEX       ((uint32_t)5u)
#define ZX_RSRC_KIND_SMC        ((uint32_t)6u)
#define ZX_RSRC_KIND_COUNT      ((uint32_t)7u)

#endif
