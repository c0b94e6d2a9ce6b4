/* Little-endian fields of the structures zxvmm lays out for the guest (the zero page, ELF and
 * ACPI tables), written and read byte by byte so that the host's order never matters. */
#ifndef ZXVMM_LE_BYTES_H_
#define ZXVMM_LE_BYTES_H_

#include <stdint.h>

static inline uint16_t get16(const uint8_t *p) { return p[0] | p[1] << 8; }
static inline uint32_t get32(const uint8_t *p) { return get16(p) | (uint32_t)get16(p + 2) << 16; }
static inline uint64_t get64(const uint8_t *p) { return get32(p) | (uint64_t)get32(p + 4) << 32; }
static inline void put16(uint8_t *p, uint16_t v) { p[0] = v; p[1] = v >> 8; }
static inline void put32(uint8_t *p, uint32_t v) { put16(p, v); put16(p + 2, v >> 16); }
static inline void put64(uint8_t *p, uint64_t v) { put32(p, v); put32(p + 4, v >> 32); }

#endif
