/* MEM exits: the instruction that made the access, decoded with Capstone, for the packet's
 * inst_buf. KVM completes an MMIO write inside its emulator before exiting, so RIP already
 * points past the instruction; an MMIO read exits before RIP moves. For a write the
 * instruction is found by decoding backwards from RIP: the candidate that ends exactly at RIP
 * and writes memory, preferring one whose address is the faulting one, then the longest. */
#include <capstone/capstone.h>
#include <string.h>

#include "guest_view.h"

static bool decoder_ready(struct zxr_vcpu *vcpu) {
    if (vcpu->decoder != 0)
        return true;
    csh handle;
    if (cs_open(CS_ARCH_X86, CS_MODE_64, &handle) != CS_ERR_OK)
        return false;
    cs_option(handle, CS_OPT_DETAIL, CS_OPT_ON); /* operands, for write candidates */
    cs_insn *insn = cs_malloc(handle);
    if (insn == NULL) {
        cs_close(&handle);
        return false;
    }
    vcpu->decoder = handle;
    vcpu->decoder_insn = insn;
    vcpu->decoder_mode = CS_MODE_64;
    return true;
}

/* Decodes one instruction from bytes into the VCPU's insn; returns its length or 0. */
static size_t decode_one(struct zxr_vcpu *vcpu, cs_mode mode, const uint8_t *bytes, size_t len,
                         uint64_t la) {
    if (vcpu->decoder_mode != (int)mode) {
        cs_option(vcpu->decoder, CS_OPT_MODE, mode);
        vcpu->decoder_mode = mode;
    }
    cs_insn *insn = vcpu->decoder_insn;
    const uint8_t *code = bytes;
    size_t size = len;
    uint64_t address = la;
    return cs_disasm_iter(vcpu->decoder, &code, &size, &address, insn) ? insn->size : 0;
}

/* The value of a general register as an address component, or false if not one. */
static bool reg_value(const struct kvm_regs *r, int reg, uint64_t *value) {
    static const struct { int r64, r32; size_t offset; } gprs[] = {
        {X86_REG_RAX, X86_REG_EAX, offsetof(struct kvm_regs, rax)},
        {X86_REG_RBX, X86_REG_EBX, offsetof(struct kvm_regs, rbx)},
        {X86_REG_RCX, X86_REG_ECX, offsetof(struct kvm_regs, rcx)},
        {X86_REG_RDX, X86_REG_EDX, offsetof(struct kvm_regs, rdx)},
        {X86_REG_RSI, X86_REG_ESI, offsetof(struct kvm_regs, rsi)},
        {X86_REG_RDI, X86_REG_EDI, offsetof(struct kvm_regs, rdi)},
        {X86_REG_RSP, X86_REG_ESP, offsetof(struct kvm_regs, rsp)},
        {X86_REG_RBP, X86_REG_EBP, offsetof(struct kvm_regs, rbp)},
        {X86_REG_R8, X86_REG_R8D, offsetof(struct kvm_regs, r8)},
        {X86_REG_R9, X86_REG_R9D, offsetof(struct kvm_regs, r9)},
        {X86_REG_R10, X86_REG_R10D, offsetof(struct kvm_regs, r10)},
        {X86_REG_R11, X86_REG_R11D, offsetof(struct kvm_regs, r11)},
        {X86_REG_R12, X86_REG_R12D, offsetof(struct kvm_regs, r12)},
        {X86_REG_R13, X86_REG_R13D, offsetof(struct kvm_regs, r13)},
        {X86_REG_R14, X86_REG_R14D, offsetof(struct kvm_regs, r14)},
        {X86_REG_R15, X86_REG_R15D, offsetof(struct kvm_regs, r15)},
    };
    for (size_t i = 0; i < sizeof(gprs) / sizeof(gprs[0]); i++) {
        if (reg != gprs[i].r64 && reg != gprs[i].r32)
            continue;
        uint64_t v;
        memcpy(&v, (const uint8_t *)r + gprs[i].offset, sizeof(v));
        *value = reg == gprs[i].r32 ? (uint32_t)v : v;
        return true;
    }
    return false;
}

static uint64_t segment_base(const struct zxr_exit_cpu *c, int segment) {
    const struct kvm_sregs *s = c->sregs;
    switch (segment) {
    case X86_REG_FS: return s->fs.base;
    case X86_REG_GS: return s->gs.base;
    case X86_REG_ES: return c->long_mode ? 0 : s->es.base;
    case X86_REG_SS: return c->long_mode ? 0 : s->ss.base;
    case X86_REG_CS: return c->long_mode ? 0 : s->cs.base;
    default: return c->long_mode ? 0 : s->ds.base;
    }
}

/* True if the memory operand addresses guest-physical gpa, with the registers as they are
 * after the instruction (a store leaves its address registers alone). */
static bool operand_hits(struct zxr_vcpu *vcpu, const struct zxr_exit_cpu *c,
                         const struct zxr_mem_operand *m,
                         uint64_t end_la, uint64_t gpa) {
    uint64_t ea = (uint64_t)m->disp, base = 0, index = 0, pa;
    if (m->base == X86_REG_RIP)
        base = end_la;
    else if (m->base != X86_REG_INVALID && !reg_value(c->regs, m->base, &base))
        return false;
    if (m->index != X86_REG_INVALID && !reg_value(c->regs, m->index, &index))
        return false;
    ea += base + index * (uint64_t)m->scale + segment_base(c, m->segment);
    if (!c->long_mode)
        ea = (uint32_t)ea;
    return zxr_translate(vcpu, c, ea, &pa, NULL) && pa == gpa;
}

/* 0: no memory write; 1: writes memory; 2: writes memory at gpa (then *hit is the operand). */
static int write_score(struct zxr_vcpu *vcpu, const struct zxr_exit_cpu *c, uint64_t end_la,
                       uint64_t gpa, struct zxr_mem_operand *hit) {
    int score = 0;
    const cs_x86 *x86 = &((cs_insn *)vcpu->decoder_insn)->detail->x86;
    for (int i = 0; i < x86->op_count; i++) {
        const cs_x86_op *op = &x86->operands[i];
        if (op->type != X86_OP_MEM || !(op->access & CS_AC_WRITE))
            continue;
        score = 1;
        struct zxr_mem_operand m = {
            .segment = op->mem.segment, .base = op->mem.base, .index = op->mem.index,
            .scale = op->mem.scale, .disp = op->mem.disp,
        };
        if (operand_hits(vcpu, c, &m, end_la, gpa)) {
            *hit = m;
            return 2;
        }
    }
    return score;
}

static cs_mode capstone_mode(const struct zxr_exit_cpu *c) {
    return c->long_mode ? CS_MODE_64 : c->sregs->cs.db ? CS_MODE_32 : CS_MODE_16;
}

/* A repeat of the last write (same bytes, same mode) whose chosen operand still addresses
 * gpa is taken from the cache without decoding again. */
static size_t decode_write(struct zxr_vcpu *vcpu, const struct zxr_exit_cpu *c, uint64_t gpa,
                           uint8_t out[X86_MAX_INST_LEN]) {
    struct zxr_decoded_write *last = &vcpu->last_write;
    uint8_t bytes[X86_MAX_INST_LEN];
    cs_mode mode = capstone_mode(c);
    if (zxr_fetch(vcpu, c, c->rip_linear - X86_MAX_INST_LEN, bytes, sizeof(bytes), NULL) !=
        sizeof(bytes))
        return 0;
    if (last->len != 0 && last->mode == (int)mode && memcmp(last->bytes, bytes, sizeof(bytes)) == 0 &&
        operand_hits(vcpu, c, &last->operand, c->rip_linear, gpa)) {
        memcpy(out, bytes + sizeof(bytes) - last->len, last->len);
        return last->len;
    }
    if (!decoder_ready(vcpu))
        return 0;
    size_t best = 0;
    int best_score = 0;
    struct zxr_mem_operand operand;
    for (size_t len = X86_MAX_INST_LEN; len >= 1 && best_score < 2; len--) {
        const uint8_t *start = bytes + sizeof(bytes) - len;
        if (decode_one(vcpu, mode, start, len, c->rip_linear - len) != len)
            continue;
        int score = write_score(vcpu, c, c->rip_linear, gpa, &operand);
        if (score > best_score) {
            best_score = score;
            best = len;
        }
    }
    memcpy(out, bytes + sizeof(bytes) - best, best);
    last->len = best_score == 2 ? (uint8_t)best : 0;
    if (best_score == 2) {
        last->mode = mode;
        last->operand = operand;
        memcpy(last->bytes, bytes, sizeof(bytes));
    }
    return best;
}

static size_t decode_read(struct zxr_vcpu *vcpu, const struct zxr_exit_cpu *c,
                          uint8_t out[X86_MAX_INST_LEN]) {
    uint8_t bytes[X86_MAX_INST_LEN];
    size_t got = zxr_fetch(vcpu, c, c->rip_linear, bytes, sizeof(bytes), NULL);
    size_t len = got > 0 && decoder_ready(vcpu)
                     ? decode_one(vcpu, capstone_mode(c), bytes, got, c->rip_linear)
                     : 0;
    memcpy(out, bytes, len);
    return len;
}

void zxr_decode_mem_instruction(struct zxr_vcpu *vcpu, bool write, uint64_t gpa,
                                zx_packet_guest_mem_t *mem) {
    struct zxr_exit_cpu c;
    memset(mem->inst_buf, 0, sizeof(mem->inst_buf));
    mem->inst_len = 0;
    mem->default_operand_size = 4;
    if (!zxr_exit_cpu(vcpu, &c))
        return;
    mem->default_operand_size = c.long_mode || c.sregs->cs.db ? 4 : 2;
    size_t len = write ? decode_write(vcpu, &c, gpa, mem->inst_buf)
                       : decode_read(vcpu, &c, mem->inst_buf);
    mem->inst_len = (uint8_t)len;
}

void zxr_decoder_close(struct zxr_vcpu *vcpu) {
    if (vcpu->decoder == 0)
        return;
    cs_free(vcpu->decoder_insn, 1);
    cs_close(&vcpu->decoder);
}
