/* Zircon ABI: hypervisor constants and VCPU state (seed era). */
#ifndef ZIRCON_SYSCALLS_HYPERVISOR_H_
#define ZIRCON_SYSCALLS_HYPERVISOR_H_

#include <stddef.h>
#include <zircon/types.h>

/* zx_guest_set_trap kinds. */
typedef uint32_t zx_guest_trap_t;
#define ZX_GUEST_TRAP_BELL ((zx_guest_trap_t)0u)
#define ZX_GUEST_TRAP_MEM  ((zx_guest_trap_t)1u)
#define ZX_GUEST_TRAP_IO   ((zx_guest_trap_t)2u)

/* zx_vcpu_read_state / zx_vcpu_write_state kinds. */
typedef uint32_t zx_vcpu_t;
#define ZX_VCPU_STATE ((zx_vcpu_t)0u)
#define ZX_VCPU_IO    ((zx_vcpu_t)1u)

#if defined(__aarch64__)
typedef struct zx_vcpu_state {
    uint64_t x[31];
    uint64_t sp;
    uint32_t cpsr; /* only NZCV, bits 31:28 */
} zx_vcpu_state_t;

ZX_ABI_ASSERT(sizeof(zx_vcpu_state_t) == 264, "zx_vcpu_state_t size");
ZX_ABI_ASSERT(offsetof(zx_vcpu_state_t, sp) == 248, "sp offset");
ZX_ABI_ASSERT(offsetof(zx_vcpu_state_t, cpsr) == 256, "cpsr offset");
#else
typedef struct zx_vcpu_state {
    uint64_t rax;
    uint64_t rcx;
    uint64_t rdx;
    uint64_t rbx;
    uint64_t rsp;
    uint64_t rbp;
    uint64_t rsi;
    uint64_t rdi;
    uint64_t r8;
    uint64_t r9;
    uint64_t r10;
    uint64_t r11;
    uint64_t r12;
    uint64_t r13;
    uint64_t r14;
    uint64_t r15;
    /* Only the user-controllable bits (0x244DD5) are read; a write takes effect only when
     * bit 1 is set in the value written. */
    uint64_t rflags;
} zx_vcpu_state_t;

ZX_ABI_ASSERT(sizeof(zx_vcpu_state_t) == 136, "zx_vcpu_state_t size");
ZX_ABI_ASSERT(offsetof(zx_vcpu_state_t, rax) == 0, "rax offset");
ZX_ABI_ASSERT(offsetof(zx_vcpu_state_t, rcx) == 8, "rcx offset");
ZX_ABI_ASSERT(offsetof(zx_vcpu_state_t, rdx) == 16, "rdx offset");
ZX_ABI_ASSERT(offsetof(zx_vcpu_state_t, rbx) == 24, "rbx offset");
ZX_ABI_ASSERT(offsetof(zx_vcpu_state_t, rsp) == 32, "rsp offset");
ZX_ABI_ASSERT(offsetof(zx_vcpu_state_t, rbp) == 40, "rbp offset");
ZX_ABI_ASSERT(offsetof(zx_vcpu_state_t, rsi) == 48, "rsi offset");
ZX_ABI_ASSERT(offsetof(zx_vcpu_state_t, rdi) == 56, "rdi offset");
ZX_ABI_ASSERT(offsetof(zx_vcpu_state_t, r8) == 64, "r8 offset");
ZX_ABI_ASSERT(offsetof(zx_vcpu_state_t, r9) == 72, "r9 offset");
ZX_ABI_ASSERT(offsetof(zx_vcpu_state_t, r10) == 80, "r10 offset");
ZX_ABI_ASSERT(offsetof(zx_vcpu_state_t, r11) == 88, "r11 offset");
ZX_ABI_ASSERT(offsetof(zx_vcpu_state_t, r12) == 96, "r12 offset");
ZX_ABI_ASSERT(offsetof(zx_vcpu_state_t, r13) == 104, "r13 offset");
ZX_ABI_ASSERT(offsetof(zx_vcpu_state_t, r14) == 112, "r14 offset");
ZX_ABI_ASSERT(offsetof(zx_vcpu_state_t, r15) == 120, "r15 offset");
ZX_ABI_ASSERT(offsetof(zx_vcpu_state_t, rflags) == 128, "rflags offset");
#endif

/* ZX_VCPU_IO: the value an IN instruction reads, given before the next resume. */
typedef struct zx_vcpu_io {
    uint8_t access_size; /* 1, 2 or 4 */
    union {
        uint8_t u8;
        uint16_t u16;
        uint32_t u32;
        uint8_t data[4];
    };
} zx_vcpu_io_t;

ZX_ABI_ASSERT(sizeof(zx_vcpu_io_t) == 8, "zx_vcpu_io_t size");
ZX_ABI_ASSERT(offsetof(zx_vcpu_io_t, access_size) == 0, "access_size offset");
ZX_ABI_ASSERT(offsetof(zx_vcpu_io_t, u32) == 4, "io data offset");
ZX_ABI_ASSERT(offsetof(zx_vcpu_io_t, data) == 4, "io data offset");

#endif
