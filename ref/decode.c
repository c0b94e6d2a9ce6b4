/* Instruction fetch and decode (KVM reports an access, not the instruction): fetch bytes
 * through the guest's page tables and let Capstone decode them.
 *
 * Where the instruction is depends on the exit: KVM completes an MMIO write (and string I/O)
 * inside its emulator before exiting, so RIP already points past the instruction; an MMIO
 * read or a plain IN/OUT exits before RIP moves. For the first case the instruction is found
 * by decoding backwards from RIP: the candidate that ends exactly at RIP and writes memory,
 * preferring one whose address is the faulting one, then the longest. */
#include <capstone/capstone.h>
#include <linux/kvm.h>
#include <string.h>
#include <sys/ioctl.h>

#include "zxr.h"

#define PAGE_SIZE 4096ull
#define EFER_LMA (1ull << 10)

struct cpu_mode {
    uint64_t rip_linear;
    cs_mode mode;
    bool operand32;
};

static bool translate(struct zxr_vcpu *vcpu, uint64_t la, uint64_t *pa) {
    struct kvm_translation tr = {.linear_address = la};
    if (ioctl(vcpu->fd, KVM_TRANSLATE, &tr) != 0 || !tr.valid)
        return false;
    *pa = tr.physical_address;
    return true;
}

/* Copies guest-virtual bytes at linear address la; returns how many could be read. */
static size_t fetch(struct zxr_vcpu *vcpu, uint64_t la, uint8_t *buf, size_t len) {
    struct zxr_vmo *mem = vcpu->guest->physmem;
    size_t done = 0;
    uint64_t pa;
    while (done < len && translate(vcpu, la + done, &pa) && pa < mem->size) {
        size_t n = PAGE_SIZE - (pa % PAGE_SIZE);
        if (n > len - done)
            n = len - done;
        if (n > mem->size - pa)
            n = mem->size - pa;
        memcpy(buf + done, mem->map + pa, n);
        done += n;
    }
    return done;
}

static bool cpu_mode(struct zxr_vcpu *vcpu, struct cpu_mode *m) {
    struct kvm_sregs sregs;
    struct kvm_regs regs;
    if (ioctl(vcpu->fd, KVM_GET_SREGS, &sregs) != 0 || ioctl(vcpu->fd, KVM_GET_REGS, &regs) != 0)
        return false;
    bool long_mode = sregs.cs.l && (sregs.efer & EFER_LMA);
    m->rip_linear = long_mode ? regs.rip : (uint32_t)(sregs.cs.base + regs.rip);
    m->mode = long_mode ? CS_MODE_64 : sregs.cs.db ? CS_MODE_32 : CS_MODE_16;
    m->operand32 = long_mode || sregs.cs.db;
    return true;
}

/* Decodes exactly one instruction of exactly len bytes, or returns NULL. */
static cs_insn *decode_exact(struct zxr_vcpu *vcpu, cs_mode mode, const uint8_t *bytes,
                             size_t len, uint64_t la) {
    cs_insn *insn;
    cs_option(vcpu->decoder, CS_OPT_MODE, mode);
    if (cs_disasm(vcpu->decoder, bytes, len, la, 1, &insn) != 1)
        return NULL;
    if (insn->size != len) {
        cs_free(insn, 1);
        return NULL;
    }
    return insn;
}

/* 0: no memory write; 1: writes memory; 2: writes memory at gpa. */
static int write_score(struct zxr_vcpu *vcpu, const cs_insn *insn, uint64_t end_la, uint64_t gpa) {
    int score = 0;
    const cs_x86 *x86 = &insn->detail->x86;
    for (int i = 0; i < x86->op_count; i++) {
        const cs_x86_op *op = &x86->operands[i];
        if (op->type != X86_OP_MEM || !(op->access & CS_AC_WRITE))
            continue;
        score = score < 1 ? 1 : score;
        uint64_t ea, pa;
        if (op->mem.index != X86_REG_INVALID)
            continue;
        if (op->mem.base == X86_REG_INVALID)
            ea = (uint64_t)op->mem.disp;
        else if (op->mem.base == X86_REG_RIP)
            ea = end_la + (uint64_t)op->mem.disp;
        else
            continue;
        if (translate(vcpu, ea, &pa) && pa == gpa)
            score = 2;
    }
    return score;
}

static size_t decode_before(struct zxr_vcpu *vcpu, const struct cpu_mode *m, uint64_t gpa,
                            uint8_t out[X86_MAX_INST_LEN]) {
    uint8_t bytes[X86_MAX_INST_LEN];
    size_t got = fetch(vcpu, m->rip_linear - X86_MAX_INST_LEN, bytes, sizeof(bytes));
    if (got != sizeof(bytes))
        return 0;
    size_t best = 0;
    int best_score = 0;
    for (size_t len = X86_MAX_INST_LEN; len >= 1; len--) {
        const uint8_t *start = bytes + sizeof(bytes) - len;
        cs_insn *insn = decode_exact(vcpu, m->mode, start, len, m->rip_linear - len);
        if (insn == NULL)
            continue;
        int score = write_score(vcpu, insn, m->rip_linear, gpa);
        cs_free(insn, 1);
        if (score > best_score) {
            best_score = score;
            best = len;
            memcpy(out, start, len);
        }
    }
    return best;
}

static size_t decode_at(struct zxr_vcpu *vcpu, const struct cpu_mode *m,
                        uint8_t out[X86_MAX_INST_LEN], unsigned *id) {
    uint8_t bytes[X86_MAX_INST_LEN];
    size_t got = fetch(vcpu, m->rip_linear, bytes, sizeof(bytes));
    cs_insn *insn;
    cs_option(vcpu->decoder, CS_OPT_MODE, m->mode);
    if (got == 0 || cs_disasm(vcpu->decoder, bytes, got, m->rip_linear, 1, &insn) != 1)
        return 0;
    size_t len = insn->size;
    if (id != NULL)
        *id = insn->id;
    cs_free(insn, 1);
    if (out != NULL)
        memcpy(out, bytes, len);
    return len;
}

void zxr_decode_mem_instruction(struct zxr_vcpu *vcpu, bool write, uint64_t gpa,
                                zx_packet_guest_mem_t *mem) {
    struct cpu_mode m;
    memset(mem->inst_buf, 0, sizeof(mem->inst_buf));
    mem->inst_len = 0;
    mem->default_operand_size = 4;
    if (!cpu_mode(vcpu, &m))
        return;
    mem->default_operand_size = m.operand32 ? 4 : 2;
    size_t len = write ? decode_before(vcpu, &m, gpa, mem->inst_buf)
                       : decode_at(vcpu, &m, mem->inst_buf, NULL);
    mem->inst_len = (uint8_t)len;
}

static bool is_string_io_id(unsigned id) {
    return id == X86_INS_INSB || id == X86_INS_INSW || id == X86_INS_INSD ||
           id == X86_INS_OUTSB || id == X86_INS_OUTSW || id == X86_INS_OUTSD;
}

bool zxr_is_string_io(struct zxr_vcpu *vcpu) {
    struct cpu_mode m;
    unsigned id = 0;
    if (!cpu_mode(vcpu, &m))
        return false;
    if (decode_at(vcpu, &m, NULL, &id) > 0 &&
        (id == X86_INS_IN || id == X86_INS_OUT || is_string_io_id(id)))
        return is_string_io_id(id); /* RIP has not moved */
    /* RIP has moved past a string instruction the emulator already ran (at most a REP
     * prefix, an operand-size prefix and the opcode). */
    uint8_t bytes[3];
    if (fetch(vcpu, m.rip_linear - sizeof(bytes), bytes, sizeof(bytes)) != sizeof(bytes))
        return false;
    for (size_t len = 1; len <= sizeof(bytes); len++) {
        cs_insn *insn = decode_exact(vcpu, m.mode, bytes + sizeof(bytes) - len, len,
                                     m.rip_linear - len);
        if (insn != NULL) {
            bool string = is_string_io_id(insn->id);
            cs_free(insn, 1);
            if (string)
                return true;
        }
    }
    return false;
}
