/* MEM packets: the implementation hands over the instruction's bytes and zxvmm decodes them, as
 * Zircon's VMMs did. Only the MOV forms a kernel uses for device registers are needed: MOV to or
 * from a register (88, 89, 8A, 8B), MOV of an immediate (C6, C7) and MOVZX (0F B6, 0F B7). For
 * a read the value goes into the register through zx_vcpu_write_state (RIP is already past). */
#include <stdio.h>

#include "impl.h"
#include "machine.h"

struct mov {
    bool write;
    uint8_t size;      /* bytes moved to or from memory */
    uint8_t reg_size;  /* bytes of the register written by a read (MOVZX widens) */
    uint8_t reg;       /* zx_vcpu_state_t order is the x86 register number order */
    bool high_byte;    /* AH, CH, DH, BH */
    bool immediate;
    uint64_t value;    /* the immediate */
};

/* Bytes of the ModRM operand after the ModRM byte: SIB and displacement. */
static unsigned modrm_tail(const uint8_t *p, unsigned left) {
    unsigned mod = p[0] >> 6, rm = p[0] & 7, tail = 0;
    if (mod == 3)
        return 0;
    if (rm == 4) {
        if (left < 2)
            return 0;
        tail = 1;
        if (mod == 0 && (p[1] & 7) == 5)
            tail += 4;
    } else if (mod == 0 && rm == 5) {
        tail = 4; /* RIP-relative */
    }
    return tail + (mod == 1 ? 1 : mod == 2 ? 4 : 0);
}

static bool decode(const zx_packet_guest_mem_t *mem, struct mov *out) {
    const uint8_t *p = mem->inst_buf, *end = p + (mem->inst_len <= X86_MAX_INST_LEN ? mem->inst_len : 0);
    uint8_t operand = mem->default_operand_size, rex = 0;
    for (; p < end; p++) {
        if (*p == 0x66)
            operand = 2;
        else if (*p == 0x67 || *p == 0x2e || *p == 0x36 || *p == 0x3e || *p == 0x26 ||
                 *p == 0x64 || *p == 0x65)
            continue;
        else
            break;
    }
    if (p < end && (*p & 0xf0) == 0x40)
        rex = *p++;
    if (rex & 0x08)
        operand = 8;
    if (end - p < 2)
        return false;
    uint8_t opcode = *p++;
    bool movzx = false;
    if (opcode == 0x0f) {
        opcode = *p++;
        movzx = opcode == 0xb6 || opcode == 0xb7;
        if (!movzx || p >= end)
            return false;
    }
    uint8_t modrm = *p;
    *out = (struct mov){.reg = ((modrm >> 3) & 7) | (rex & 0x04 ? 8 : 0)};
    switch (opcode) {
    case 0x88: case 0x8a: out->size = 1; out->write = opcode == 0x88; break;
    case 0x89: case 0x8b: out->size = operand; out->write = opcode == 0x89; break;
    case 0xb6: case 0xb7: out->size = opcode == 0xb6 ? 1 : 2; break;
    case 0xc6: case 0xc7: {
        if ((modrm >> 3) & 7)
            return false;
        out->write = out->immediate = true;
        out->size = opcode == 0xc6 ? 1 : operand;
        unsigned imm_bytes = out->size == 8 ? 4 : out->size;
        const uint8_t *imm = p + 1 + modrm_tail(p, end - p);
        if (imm + imm_bytes > end)
            return false;
        for (unsigned i = 0; i < imm_bytes; i++)
            out->value |= (uint64_t)imm[i] << (8 * i);
        if (imm_bytes == 4 && out->size == 8 && (out->value & 0x80000000u))
            out->value |= 0xffffffff00000000ull; /* sign-extended imm32 */
        break;
    }
    default:
        return false;
    }
    out->reg_size = movzx ? operand : out->size;
    out->high_byte = out->size == 1 && !movzx && rex == 0 && out->reg >= 4 && out->reg < 8;
    if (out->high_byte)
        out->reg -= 4;
    return true;
}

#define MMIO_MAX_REGIONS 4

struct mmio_region {
    uint64_t base, size;
    mmio_read_fn read;
    mmio_write_fn write;
};

static struct mmio_region regions[MMIO_MAX_REGIONS];
static unsigned region_count;

bool mmio_register(struct machine *m, uint64_t base, uint64_t size, const char *name,
                   mmio_read_fn read, mmio_write_fn write) {
    if (region_count == MMIO_MAX_REGIONS) {
        machine_end(m, VMM_FAILED, "internal error: more than %d MMIO regions", MMIO_MAX_REGIONS);
        return false;
    }
    zx_status_t status = zx.zx_guest_set_trap(m->guest, ZX_GUEST_TRAP_MEM, base, size,
                                              ZX_HANDLE_INVALID, 0);
    if (status != ZX_OK) {
        char what[80];
        snprintf(what, sizeof(what), "setting a MEM trap for the %s at 0x%llx", name,
                 (unsigned long long)base);
        machine_call_failed(m, "zx_guest_set_trap", status, what);
        return false;
    }
    regions[region_count++] = (struct mmio_region){base, size, read, write};
    return true;
}

static const struct mmio_region *find(uint64_t addr) {
    for (unsigned i = 0; i < region_count; i++)
        if (addr >= regions[i].base && addr - regions[i].base < regions[i].size)
            return &regions[i];
    return NULL;
}

void mmio_handle(struct machine *m, struct vcpu *v, const zx_port_packet_t *packet) {
    const zx_packet_guest_mem_t *mem = &packet->guest_mem;
    struct mov mov;
    const struct mmio_region *region = find(mem->addr);
    if (region == NULL) {
        machine_end(m, VMM_FAILED, "VCPU %u: zx_vcpu_resume gave a MEM packet for 0x%llx, which "
                    "no MEM trap of zxvmm covers", v->id, (unsigned long long)mem->addr);
        return;
    }
    if (!decode(mem, &mov)) {
        machine_end(m, VMM_FAILED, "VCPU %u: cannot decode the instruction of the MEM packet at "
                    "0x%llx (inst_len %u, first bytes %02x %02x %02x %02x)", v->id,
                    (unsigned long long)mem->addr, mem->inst_len, mem->inst_buf[0],
                    mem->inst_buf[1], mem->inst_buf[2], mem->inst_buf[3]);
        return;
    }
    zx_vcpu_state_t state;
    zx_status_t status = zx.zx_vcpu_read_state(v->handle, ZX_VCPU_STATE, &state, sizeof(state));
    if (status != ZX_OK) {
        machine_call_failed(m, "zx_vcpu_read_state", status, "decoding a MEM packet");
        return;
    }
    uint64_t *regs = &state.rax;
    uint64_t size_mask = mov.size == 8 ? ~0ull : (1ull << (8 * mov.size)) - 1;
    if (mov.write) {
        uint64_t value = mov.immediate ? mov.value : regs[mov.reg] >> (mov.high_byte ? 8 : 0);
        pthread_mutex_lock(&m->lock);
        if (mov.size == 8) { /* two 32-bit halves, low first, as devices see a split access */
            region->write(m, mem->addr - region->base, 4, (uint32_t)value);
            region->write(m, mem->addr - region->base + 4, 4, (uint32_t)(value >> 32));
        } else {
            region->write(m, mem->addr - region->base, mov.size, (uint32_t)(value & size_mask));
        }
        pthread_mutex_unlock(&m->lock);
        return;
    }
    pthread_mutex_lock(&m->lock);
    uint64_t value = region->read(m, mem->addr - region->base, mov.size == 8 ? 4 : mov.size);
    if (mov.size == 8)
        value |= (uint64_t)region->read(m, mem->addr - region->base + 4, 4) << 32;
    pthread_mutex_unlock(&m->lock);
    value &= size_mask;
    if (mov.high_byte)
        regs[mov.reg] = (regs[mov.reg] & ~0xff00ull) | value << 8;
    else if (mov.reg_size >= 4)
        regs[mov.reg] = value; /* a 32-bit destination clears the upper half */
    else {
        uint64_t keep = mov.reg_size == 2 ? ~0xffffull : ~0xffull;
        regs[mov.reg] = (regs[mov.reg] & keep) | value;
    }
    state.rflags |= 0x2; /* write every register back, RFLAGS unchanged */
    status = zx.zx_vcpu_write_state(v->handle, ZX_VCPU_STATE, &state, sizeof(state));
    if (status != ZX_OK)
        machine_call_failed(m, "zx_vcpu_write_state", status, "completing a MEM read");
}
