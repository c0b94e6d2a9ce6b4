/* Zircon ABI: port packets (seed era, x86-64 layout of zx_packet_guest_mem_t). */
#ifndef ZIRCON_SYSCALLS_PORT_H_
#define ZIRCON_SYSCALLS_PORT_H_

#include <stdbool.h>
#include <stddef.h>
#include <zircon/types.h>

/* Packet kinds, stored in the low byte of zx_port_packet_t.type. */
#define ZX_PKT_TYPE_USER        ((uint8_t)0x00u)
#define ZX_PKT_TYPE_SIGNAL_ONE  ((uint8_t)0x01u)
#define ZX_PKT_TYPE_SIGNAL_REP  ((uint8_t)0x02u)
#define ZX_PKT_TYPE_GUEST_BELL  ((uint8_t)0x03u)
#define ZX_PKT_TYPE_GUEST_MEM   ((uint8_t)0x04u)
#define ZX_PKT_TYPE_GUEST_IO    ((uint8_t)0x05u)
#define ZX_PKT_TYPE_GUEST_VCPU  ((uint8_t)0x06u)
#define ZX_PKT_TYPE_INTERRUPT   ((uint8_t)0x07u)
#define ZX_PKT_TYPE_EXCEPTION(n) ((uint32_t)(0x08u | (((n) & 0xFFu) << 8)))

#define ZX_PKT_TYPE_MASK ((uint32_t)0x000000FFu)

#define ZX_PKT_IS_USER(type)        ((type) == ZX_PKT_TYPE_USER)
#define ZX_PKT_IS_SIGNAL_ONE(type)  ((type) == ZX_PKT_TYPE_SIGNAL_ONE)
#define ZX_PKT_IS_SIGNAL_REP(type)  ((type) == ZX_PKT_TYPE_SIGNAL_REP)
#define ZX_PKT_IS_GUEST_BELL(type)  ((type) == ZX_PKT_TYPE_GUEST_BELL)
#define ZX_PKT_IS_GUEST_MEM(type)   ((type) == ZX_PKT_TYPE_GUEST_MEM)
#define ZX_PKT_IS_GUEST_IO(type)    ((type) == ZX_PKT_TYPE_GUEST_IO)
#define ZX_PKT_IS_GUEST_VCPU(type)  ((type) == ZX_PKT_TYPE_GUEST_VCPU)
#define ZX_PKT_IS_INTERRUPT(type)   ((type) == ZX_PKT_TYPE_INTERRUPT)
#define ZX_PKT_IS_EXCEPTION(type)   (((type) & ZX_PKT_TYPE_MASK) == ZX_PKT_TYPE_EXCEPTION(0))

/* zx_packet_guest_vcpu_t.type */
#define ZX_PKT_GUEST_VCPU_INTERRUPT ((uint8_t)0u)
#define ZX_PKT_GUEST_VCPU_STARTUP   ((uint8_t)1u)

#define ZX_PORT_BIND_TO_INTERRUPT ((uint32_t)1u << 0)

#define X86_MAX_INST_LEN 15u

typedef union zx_packet_user {
    uint64_t u64[4];
    uint32_t u32[8];
    uint16_t u16[16];
    uint8_t c8[32];
} zx_packet_user_t;

typedef struct zx_packet_signal {
    zx_signals_t trigger;
    zx_signals_t observed;
    uint64_t count;
    uint64_t reserved0;
    uint64_t reserved1;
} zx_packet_signal_t;

typedef struct zx_packet_exception {
    uint64_t pid;
    uint64_t tid;
    uint64_t reserved0;
    uint64_t reserved1;
} zx_packet_exception_t;

typedef struct zx_packet_guest_bell {
    zx_gpaddr_t addr;
    uint64_t reserved0;
    uint64_t reserved1;
    uint64_t reserved2;
} zx_packet_guest_bell_t;

#if defined(__aarch64__)
typedef struct zx_packet_guest_mem {
    zx_gpaddr_t addr;
    uint8_t access_size;
    bool sign_extend;
    uint8_t xt;
    bool read;
    uint64_t data;
    uint64_t reserved;
} zx_packet_guest_mem_t;
#else
typedef struct zx_packet_guest_mem {
    zx_gpaddr_t addr;
    uint8_t inst_len;
    uint8_t inst_buf[X86_MAX_INST_LEN];
    uint8_t default_operand_size; /* 2 or 4 */
    uint8_t reserved[7];
} zx_packet_guest_mem_t;
#endif

typedef struct zx_packet_guest_io {
    uint16_t port;
    uint8_t access_size;
    bool input;
    union {
        uint8_t u8;
        uint16_t u16;
        uint32_t u32;
        uint8_t data[4];
    };
    uint64_t reserved0;
    uint64_t reserved1;
    uint64_t reserved2;
} zx_packet_guest_io_t;

typedef struct zx_packet_guest_vcpu {
    union {
        struct {
            uint64_t mask;
            uint8_t vector;
        } interrupt;
        struct {
            uint64_t id;
            zx_gpaddr_t entry;
        } startup;
    };
    uint8_t type;
    uint64_t reserved;
} zx_packet_guest_vcpu_t;

typedef struct zx_packet_interrupt {
    zx_time_t timestamp;
} zx_packet_interrupt_t;

typedef struct zx_port_packet {
    uint64_t key;
    uint32_t type;
    int32_t status;
    union {
        zx_packet_user_t user;
        zx_packet_signal_t signal;
        zx_packet_exception_t exception;
        zx_packet_guest_bell_t guest_bell;
        zx_packet_guest_mem_t guest_mem;
        zx_packet_guest_io_t guest_io;
        zx_packet_guest_vcpu_t guest_vcpu;
        zx_packet_interrupt_t interrupt;
    };
} zx_port_packet_t;

/* Layout checks: the ABI of the seed era, x86-64. */
ZX_ABI_ASSERT(sizeof(zx_port_packet_t) == 48, "zx_port_packet_t size");
ZX_ABI_ASSERT(offsetof(zx_port_packet_t, key) == 0, "key offset");
ZX_ABI_ASSERT(offsetof(zx_port_packet_t, type) == 8, "type offset");
ZX_ABI_ASSERT(offsetof(zx_port_packet_t, status) == 12, "status offset");
ZX_ABI_ASSERT(offsetof(zx_port_packet_t, user) == 16, "union offset");
ZX_ABI_ASSERT(sizeof(zx_packet_user_t) == 32, "user size");
ZX_ABI_ASSERT(sizeof(zx_packet_signal_t) == 32, "signal size");
ZX_ABI_ASSERT(sizeof(zx_packet_exception_t) == 32, "exception size");
ZX_ABI_ASSERT(sizeof(zx_packet_guest_bell_t) == 32, "guest_bell size");
ZX_ABI_ASSERT(offsetof(zx_port_packet_t, guest_bell.addr) == 16, "guest_bell.addr");
ZX_ABI_ASSERT(sizeof(zx_packet_guest_mem_t) == 32, "guest_mem size");
ZX_ABI_ASSERT(offsetof(zx_port_packet_t, guest_mem.addr) == 16, "guest_mem.addr");
#if defined(__aarch64__)
ZX_ABI_ASSERT(offsetof(zx_packet_guest_mem_t, access_size) == 8, "guest_mem.access_size");
ZX_ABI_ASSERT(offsetof(zx_packet_guest_mem_t, sign_extend) == 9, "guest_mem.sign_extend");
ZX_ABI_ASSERT(offsetof(zx_packet_guest_mem_t, xt) == 10, "guest_mem.xt");
ZX_ABI_ASSERT(offsetof(zx_packet_guest_mem_t, read) == 11, "guest_mem.read");
ZX_ABI_ASSERT(offsetof(zx_packet_guest_mem_t, data) == 16, "guest_mem.data");
ZX_ABI_ASSERT(offsetof(zx_packet_guest_mem_t, reserved) == 24, "guest_mem.reserved");
#else
ZX_ABI_ASSERT(offsetof(zx_packet_guest_mem_t, inst_len) == 8, "guest_mem.inst_len");
ZX_ABI_ASSERT(offsetof(zx_packet_guest_mem_t, inst_buf) == 9, "guest_mem.inst_buf");
ZX_ABI_ASSERT(offsetof(zx_packet_guest_mem_t, default_operand_size) == 24,
               "guest_mem.default_operand_size");
ZX_ABI_ASSERT(offsetof(zx_packet_guest_mem_t, reserved) == 25, "guest_mem.reserved");
ZX_ABI_ASSERT(offsetof(zx_port_packet_t, guest_mem.inst_len) == 24, "packet guest_mem.inst_len");
ZX_ABI_ASSERT(offsetof(zx_port_packet_t, guest_mem.inst_buf) == 25, "packet guest_mem.inst_buf");
ZX_ABI_ASSERT(offsetof(zx_port_packet_t, guest_mem.default_operand_size) == 40,
               "packet guest_mem.default_operand_size");
#endif
ZX_ABI_ASSERT(sizeof(zx_packet_guest_io_t) == 32, "guest_io size");
ZX_ABI_ASSERT(offsetof(zx_packet_guest_io_t, port) == 0, "guest_io.port");
ZX_ABI_ASSERT(offsetof(zx_packet_guest_io_t, access_size) == 2, "guest_io.access_size");
ZX_ABI_ASSERT(offsetof(zx_packet_guest_io_t, input) == 3, "guest_io.input");
ZX_ABI_ASSERT(offsetof(zx_packet_guest_io_t, u8) == 4, "guest_io.u8");
ZX_ABI_ASSERT(offsetof(zx_packet_guest_io_t, u32) == 4, "guest_io.u32");
ZX_ABI_ASSERT(offsetof(zx_packet_guest_io_t, data) == 4, "guest_io.data");
ZX_ABI_ASSERT(offsetof(zx_packet_guest_io_t, reserved0) == 8, "guest_io.reserved0");
ZX_ABI_ASSERT(offsetof(zx_port_packet_t, guest_io.port) == 16, "packet guest_io.port");
ZX_ABI_ASSERT(offsetof(zx_port_packet_t, guest_io.data) == 20, "packet guest_io.data");
ZX_ABI_ASSERT(sizeof(zx_packet_guest_vcpu_t) == 32, "guest_vcpu size");
ZX_ABI_ASSERT(offsetof(zx_packet_guest_vcpu_t, interrupt.mask) == 0, "guest_vcpu.interrupt.mask");
ZX_ABI_ASSERT(offsetof(zx_packet_guest_vcpu_t, interrupt.vector) == 8,
               "guest_vcpu.interrupt.vector");
ZX_ABI_ASSERT(offsetof(zx_packet_guest_vcpu_t, startup.id) == 0, "guest_vcpu.startup.id");
ZX_ABI_ASSERT(offsetof(zx_packet_guest_vcpu_t, startup.entry) == 8, "guest_vcpu.startup.entry");
ZX_ABI_ASSERT(offsetof(zx_packet_guest_vcpu_t, type) == 16, "guest_vcpu.type");
ZX_ABI_ASSERT(offsetof(zx_packet_guest_vcpu_t, reserved) == 24, "guest_vcpu.reserved");
ZX_ABI_ASSERT(offsetof(zx_port_packet_t, guest_vcpu.type) == 32, "packet guest_vcpu.type");
ZX_ABI_ASSERT(sizeof(zx_packet_interrupt_t) == 8, "interrupt size");

#endif
