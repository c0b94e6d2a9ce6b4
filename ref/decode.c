/* What exited (KVM reports an access, not the instruction): the registers come from
 * kvm_run (KVM_CAP_SYNC_REGS, no ioctl), instruction bytes are read from the mapped guest
 * memory through a software walk of the guest's page tables, and Capstone decodes MEM
 * instructions.
 *
 * Where the instruction is depends on the exit: KVM completes an MMIO write inside its
 * emulator before exiting, so RIP already points past the instruction; an MMIO read exits
 * before RIP moves (for I/O see zxr_is_string_io). For a write the instruction is found by decoding backwards from RIP: the
 * candidate that ends exactly at RIP and writes memory, preferring one whose address is the
 * faulting one, then the longest. */
#include <capstone/capstone.h>
#include <linux/kvm.h>
#include <string.h>
#include <sys/ioctl.h>

#include "zxr.h"

#define PAGE_SIZE 4096ull
#define CR0_PG (1ull << 31)
#define CR4_PSE (1ull << 4)
#define CR4_PAE (1ull << 5)
#define CR4_LA57 (1ull << 12)
#define EFER_LMA (1ull << 10)
#define PTE_PRESENT 1ull
#define PTE_LARGE (1ull << 7)
#define PTE_ADDR 0x000FFFFFFFFFF000ull

struct cpu {
    const struct kvm_regs *regs;
    const struct kvm_sregs *sregs;
    struct kvm_regs regs_copy; /* when KVM does not sync them into kvm_run */
    struct kvm_sregs sregs_copy;
    bool long_mode;
    uint64_t rip_linear;
};

static bool cpu_at_exit(struct zxr_vcpu *vcpu, struct cpu *c) {
    if (vcpu->sync_regs) {
        c->regs = &vcpu->run->s.regs.regs;
        c->sregs = &vcpu->run->s.regs.sregs;
    } else {
        if (ioctl(vcpu->fd, KVM_GET_SREGS, &c->sregs_copy) != 0 ||
            ioctl(vcpu->fd, KVM_GET_REGS, &c->regs_copy) != 0)
            return false;
        c->regs = &c->regs_copy;
        c->sregs = &c->sregs_copy;
    }
    c->long_mode = c->sregs->cs.l && (c->sregs->efer & EFER_LMA);
    c->rip_linear = c->long_mode ? c->regs->rip : (uint32_t)(c->sregs->cs.base + c->regs->rip);
    return true;
}

uint64_t zxr_exit_rax(struct zxr_vcpu *vcpu) {
    struct cpu c;
    return cpu_at_exit(vcpu, &c) ? c.regs->rax : 0;
}

/* While rec is not NULL, notes the aligned words under [pa, pa + len) for zxr_is_string_io's
 * cache, or spoils the recording when it cannot. */
static void record(struct zxr_io_cache *rec, const struct zxr_vmo *mem, uint64_t pa, size_t len) {
    if (rec == NULL)
        return;
    for (uint64_t word = pa & ~7ull; word < pa + len && rec->recording; word += 8) {
        if (word >= mem->size || mem->size - word < 8 || rec->words == ZXR_IO_WORDS) {
            rec->recording = false;
            return;
        }
        int i = 0;
        while (i < rec->words && rec->word_pa[i] != word)
            i++;
        if (i == rec->words) {
            rec->word_pa[i] = word;
            memcpy(&rec->word[i], mem->map + word, sizeof(rec->word[i]));
            rec->words++;
        }
    }
}

/* Reads a page-table entry of `size` bytes at guest-physical pa. */
static bool read_entry(struct zxr_io_cache *rec, const struct zxr_vmo *mem, uint64_t pa,
                       size_t size, uint64_t *entry) {
    if (pa >= mem->size || mem->size - pa < size) {
        if (rec != NULL)
            rec->recording = false;
        return false;
    }
    record(rec, mem, pa, size);
    *entry = 0;
    memcpy(entry, mem->map + pa, size);
    return (*entry & PTE_PRESENT) != 0;
}

static bool walk_cache_holds(struct zxr_io_cache *rec, const struct zxr_vmo *mem,
                             const struct zxr_walk_cache *w, uint64_t table, uint64_t la,
                             int levels) {
    if (w->levels != levels || w->root != table || w->la_page != la >> 12)
        return false;
    for (int i = 0; i < w->used; i++) {
        uint64_t entry;
        memcpy(&entry, mem->map + w->entry_pa[i], sizeof(entry));
        if (entry != w->entry[i])
            return false;
    }
    for (int i = 0; i < w->used; i++)
        record(rec, mem, w->entry_pa[i], sizeof(w->entry[i]));
    return true;
}

/* Walks levels of 512 8-byte entries from table; remembers the walk in cache. */
static bool walk64(struct zxr_io_cache *rec, const struct zxr_vmo *mem,
                   struct zxr_walk_cache *cache, uint64_t table, uint64_t la, int levels,
                   uint64_t *pa) {
    if (walk_cache_holds(rec, mem, cache, table, la, levels)) {
        *pa = cache->pa_page | (la & 0xFFF);
        return true;
    }
    struct zxr_walk_cache w = {.root = table, .la_page = la >> 12, .levels = levels};
    for (int level = levels; level >= 1; level--) {
        int shift = 12 + 9 * (level - 1);
        uint64_t entry, entry_pa = table + ((la >> shift) & 511) * 8;
        if (!read_entry(rec, mem, entry_pa, 8, &entry))
            return false;
        w.entry_pa[w.used] = entry_pa;
        w.entry[w.used++] = entry;
        uint64_t page_mask = (1ull << shift) - 1;
        if (level == 1 || (level <= 3 && (entry & PTE_LARGE))) {
            *pa = (entry & PTE_ADDR & ~page_mask) | (la & page_mask);
            w.pa_page = *pa & ~0xFFFull;
            *cache = w;
            return true;
        }
        table = entry & PTE_ADDR;
    }
    return false;
}

/* Guest linear to guest physical, as the MMU would (permissions aside). */
static bool translate(struct zxr_vcpu *vcpu, const struct cpu *c, uint64_t la, uint64_t *pa) {
    const struct kvm_sregs *s = c->sregs;
    const struct zxr_vmo *mem = vcpu->guest->physmem;
    struct zxr_io_cache *rec = vcpu->io.recording ? &vcpu->io : NULL;
    if (!(s->cr0 & CR0_PG)) {
        *pa = (uint32_t)la;
        return true;
    }
    if (c->long_mode && !(s->cr4 & CR4_LA57))
        return walk64(rec, mem, &vcpu->walk, s->cr3 & PTE_ADDR, la, 4, pa);
    if (!c->long_mode && (s->cr4 & CR4_PAE)) {
        uint64_t pdpte;
        la = (uint32_t)la;
        if (!read_entry(rec, mem, (s->cr3 & 0xFFFFFFE0u) + (la >> 30) * 8, 8, &pdpte))
            return false;
        return walk64(rec, mem, &vcpu->walk, pdpte & PTE_ADDR, la, 2, pa);
    }
    if (!c->long_mode) { /* 32-bit paging: 4-byte entries, 4 MiB pages with PSE */
        uint64_t pde, pte;
        la = (uint32_t)la;
        if (!read_entry(rec, mem, (s->cr3 & 0xFFFFF000u) + (la >> 22) * 4, 4, &pde))
            return false;
        if ((pde & PTE_LARGE) && (s->cr4 & CR4_PSE)) {
            *pa = (pde & 0xFFC00000u) | (la & 0x3FFFFF);
            return true;
        }
        if (!read_entry(rec, mem, (pde & 0xFFFFF000u) + ((la >> 12) & 1023) * 4, 4, &pte))
            return false;
        *pa = (pte & 0xFFFFF000u) | (la & 0xFFF);
        return true;
    }
    /* Five-level paging: rare enough to ask KVM (and not to cache). */
    if (rec != NULL)
        rec->recording = false;
    struct kvm_translation tr = {.linear_address = la};
    if (ioctl(vcpu->fd, KVM_TRANSLATE, &tr) != 0 || !tr.valid)
        return false;
    *pa = tr.physical_address;
    return true;
}

/* Copies guest-virtual bytes at linear address la; returns how many could be read. */
static size_t fetch(struct zxr_vcpu *vcpu, const struct cpu *c, uint64_t la, uint8_t *buf,
                    size_t len) {
    const struct zxr_vmo *mem = vcpu->guest->physmem;
    size_t done = 0;
    uint64_t pa;
    while (done < len && translate(vcpu, c, la + done, &pa) && pa < mem->size) {
        size_t n = PAGE_SIZE - (pa % PAGE_SIZE);
        if (n > len - done)
            n = len - done;
        if (n > mem->size - pa)
            n = mem->size - pa;
        memcpy(buf + done, mem->map + pa, n);
        record(vcpu->io.recording ? &vcpu->io : NULL, mem, pa, n);
        done += n;
    }
    return done;
}

/* ---- I/O: string or plain. ---- */

/* Where the opcode starts after the legacy (and, in long mode, REX) prefixes. */
static size_t prefix_length(const uint8_t *bytes, size_t len, bool long_mode) {
    size_t i = 0;
    for (; i < len; i++) {
        uint8_t b = bytes[i];
        bool prefix = b == 0x66 || b == 0x67 || b == 0xF2 || b == 0xF3 || b == 0xF0 ||
                      b == 0x26 || b == 0x2E || b == 0x36 || b == 0x3E || b == 0x64 ||
                      b == 0x65 || (long_mode && (b & 0xF0) == 0x40);
        if (!prefix)
            break;
    }
    return i;
}

/* True if bytes (ending just before RIP, or starting at it) end, or start, with a plain IN or
 * OUT (E4-E7 imm8, EC-EF) on port. */
static bool plain_io_ends(const uint8_t b[2], uint16_t port, uint16_t dx) {
    return ((b[0] & 0xFC) == 0xE4 && b[1] == port) || ((b[1] & 0xFC) == 0xEC && dx == port);
}
static bool plain_io_starts(const uint8_t *b, size_t len, uint16_t port, uint16_t dx) {
    return len >= 1 && (((b[0] & 0xFC) == 0xEC && dx == port) ||
                        (len >= 2 && (b[0] & 0xFC) == 0xE4 && b[1] == port));
}

/* The bytes at RIP and the 2 before it: a loop of I/O exits runs the same instruction again
 * and again, so they are read (with a page walk) only when the cache no longer holds. */
static bool io_cache_holds(const struct zxr_vcpu *vcpu, const struct cpu *c) {
    const struct zxr_io_cache *io = &vcpu->io;
    const struct kvm_sregs *s = c->sregs;
    if (!io->valid || io->rip_linear != c->rip_linear || io->cr3 != s->cr3 ||
        io->cr0 != s->cr0 || io->cr4 != s->cr4 || io->long_mode != c->long_mode)
        return false;
    const uint8_t *map = vcpu->guest->physmem->map;
    uint64_t changed = 0; /* no early exit: the words almost always all match */
    for (int i = 0; i < io->words; i++) {
        uint64_t word;
        memcpy(&word, map + io->word_pa[i], sizeof(word));
        changed |= word ^ io->word[i];
    }
    return changed == 0;
}
static const struct zxr_io_cache *io_bytes(struct zxr_vcpu *vcpu, const struct cpu *c) {
    struct zxr_io_cache *io = &vcpu->io;
    if (io_cache_holds(vcpu, c))
        return io;
    *io = (struct zxr_io_cache){.rip_linear = c->rip_linear, .cr0 = c->sregs->cr0,
                                .cr3 = c->sregs->cr3, .cr4 = c->sregs->cr4,
                                .long_mode = c->long_mode, .recording = true};
    io->got = (uint8_t)fetch(vcpu, c, c->rip_linear, io->at, sizeof(io->at));
    io->before_ok = fetch(vcpu, c, c->rip_linear - 2, io->before, 2) == 2;
    io->valid = io->recording;
    io->recording = false;
    return io;
}

/* True if the size bytes of data are the low bytes of RAX (no memcmp call for the usual sizes). */
static bool sends_rax(const void *data, uint64_t rax, uint8_t size) {
    uint8_t b;
    uint16_t w;
    uint32_t d;
    switch (size) {
    case 1: memcpy(&b, data, 1); return b == (uint8_t)rax;
    case 2: memcpy(&w, data, 2); return w == (uint16_t)rax;
    case 4: memcpy(&d, data, 4); return d == (uint32_t)rax;
    default: return memcmp(data, &rax, size) == 0;
    }
}

/* KVM leaves RIP on an IN and an INS (it must write the destination when user space answers).
 * For an OUT it depends on the path: its fast path leaves RIP on a plain OUT, its emulator
 * (which runs OUTS, and plain OUT where the fast path is not used, e.g. nested) moves RIP past
 * it, unless a REP OUTS has iterations left. So an exit is taken as a plain OUT when a plain
 * OUT of that port that sends RAX's bytes is at RIP or ends just before it. Residual ambiguity:
 * an OUTS right before (or a REP OUTS right after) such an OUT with the same port, size and
 * data reads as the plain OUT. */
bool zxr_is_string_io(struct zxr_vcpu *vcpu, bool input, uint16_t port, uint8_t size,
                      const void *data) {
    struct cpu c;
    if (!cpu_at_exit(vcpu, &c))
        return false;
    const struct zxr_io_cache *io = io_bytes(vcpu, &c);
    uint16_t dx = (uint16_t)c.regs->rdx;
    size_t op = prefix_length(io->at, io->got, c.long_mode);
    if (input)
        return op < io->got && (io->at[op] & 0xFE) == 0x6C;
    if (!sends_rax(data, c.regs->rax, size))
        return true; /* a plain OUT sends RAX */
    if (io->before_ok && plain_io_ends(io->before, port, dx))
        return false;
    return !plain_io_starts(io->at + op, io->got - op, port, dx);
}

/* ---- MEM: Capstone. ---- */

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

static uint64_t segment_base(const struct cpu *c, int segment) {
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
static bool operand_hits(struct zxr_vcpu *vcpu, const struct cpu *c,
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
    return translate(vcpu, c, ea, &pa) && pa == gpa;
}

/* 0: no memory write; 1: writes memory; 2: writes memory at gpa (then *hit is the operand). */
static int write_score(struct zxr_vcpu *vcpu, const struct cpu *c, uint64_t end_la,
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

static cs_mode capstone_mode(const struct cpu *c) {
    return c->long_mode ? CS_MODE_64 : c->sregs->cs.db ? CS_MODE_32 : CS_MODE_16;
}

/* A repeat of the last write (same bytes, same mode) whose chosen operand still addresses
 * gpa is taken from the cache without decoding again. */
static size_t decode_write(struct zxr_vcpu *vcpu, const struct cpu *c, uint64_t gpa,
                           uint8_t out[X86_MAX_INST_LEN]) {
    struct zxr_decoded_write *last = &vcpu->last_write;
    uint8_t bytes[X86_MAX_INST_LEN];
    cs_mode mode = capstone_mode(c);
    if (fetch(vcpu, c, c->rip_linear - X86_MAX_INST_LEN, bytes, sizeof(bytes)) != sizeof(bytes))
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

static size_t decode_read(struct zxr_vcpu *vcpu, const struct cpu *c,
                          uint8_t out[X86_MAX_INST_LEN]) {
    uint8_t bytes[X86_MAX_INST_LEN];
    size_t got = fetch(vcpu, c, c->rip_linear, bytes, sizeof(bytes));
    size_t len = got > 0 && decoder_ready(vcpu)
                     ? decode_one(vcpu, capstone_mode(c), bytes, got, c->rip_linear)
                     : 0;
    memcpy(out, bytes, len);
    return len;
}

void zxr_decode_mem_instruction(struct zxr_vcpu *vcpu, bool write, uint64_t gpa,
                                zx_packet_guest_mem_t *mem) {
    struct cpu c;
    memset(mem->inst_buf, 0, sizeof(mem->inst_buf));
    mem->inst_len = 0;
    mem->default_operand_size = 4;
    if (!cpu_at_exit(vcpu, &c))
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
