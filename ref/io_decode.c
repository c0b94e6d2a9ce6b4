/* I/O exits: string or plain. KVM reports a port access, not the instruction, so the bytes
 * at RIP (and the 2 before it) are read from guest memory. A loop of I/O exits runs the same
 * instruction again and again, so what those bytes hold is worked out once and kept in the
 * VCPU's zxr_io_site while it holds; an exit then costs a few comparisons. */
#include <string.h>

#include "guest_view.h"

#define INSN_MAX 15  /* bytes an x86 instruction may have */
#define SHORT_READ 4 /* a plain IN or OUT with up to two prefixes */

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

/* The plain IN or OUT that starts at b (len bytes readable). */
static struct zxr_plain_io plain_io_starting(const uint8_t *b, size_t len) {
    return (struct zxr_plain_io){
        .dx = len >= 1 && (b[0] & 0xFC) == 0xEC,
        .imm = len >= 2 && (b[0] & 0xFC) == 0xE4,
        .imm_port = len >= 2 ? b[1] : 0,
    };
}
/* The plain IN or OUT that ends with the 2 bytes b (either form may fit). */
static struct zxr_plain_io plain_io_ending(const uint8_t b[2]) {
    return (struct zxr_plain_io){
        .dx = (b[1] & 0xFC) == 0xEC,
        .imm = (b[0] & 0xFC) == 0xE4,
        .imm_port = b[1],
    };
}
static bool plain_io_is(const struct zxr_plain_io *io, uint16_t port, uint16_t dx) {
    return (io->imm && io->imm_port == port) || (io->dx && dx == port);
}

static bool site_holds(const struct zxr_io_site *site, const struct zxr_exit_cpu *c) {
    const struct kvm_sregs *s = c->sregs;
    uint64_t changed = (site->rip_linear ^ c->rip_linear) | (site->cr3 ^ s->cr3) |
                       (site->cr0 ^ s->cr0) | (site->cr4 ^ s->cr4) |
                       (uint64_t)(site->long_mode ^ c->long_mode); /* one branch, not five */
    return site->valid && changed == 0 && zxr_record_holds(&site->words);
}

/* Reads only the bytes a plain IN or OUT can span: fewer guest-memory words to check at the
 * next exit. Only an instruction with more than two prefixes needs the rest. */
static void read_site(struct zxr_vcpu *vcpu, const struct zxr_exit_cpu *c,
                      struct zxr_io_site *site) {
    *site = (struct zxr_io_site){.rip_linear = c->rip_linear, .cr0 = c->sregs->cr0,
                                 .cr3 = c->sregs->cr3, .cr4 = c->sregs->cr4,
                                 .long_mode = c->long_mode, .words = {.complete = true}};
    uint8_t at[INSN_MAX], before[2];
    size_t got = zxr_fetch(vcpu, c, c->rip_linear, at, SHORT_READ, &site->words);
    size_t op = prefix_length(at, got, c->long_mode);
    if (got == SHORT_READ && op + 2 > SHORT_READ) {
        got = zxr_fetch(vcpu, c, c->rip_linear, at, INSN_MAX, &site->words);
        op = prefix_length(at, got, c->long_mode);
    }
    site->string_in = op < got && (at[op] & 0xFE) == 0x6C;
    site->at = plain_io_starting(at + op, got - op);
    if (zxr_fetch(vcpu, c, c->rip_linear - 2, before, 2, &site->words) == 2)
        site->before = plain_io_ending(before);
    site->valid = site->words.complete;
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
    struct zxr_exit_cpu c;
    if (!zxr_exit_cpu(vcpu, &c))
        return false;
    struct zxr_io_site *site = &vcpu->io_site;
    if (!site_holds(site, &c))
        read_site(vcpu, &c, site);
    if (input)
        return site->string_in;
    if (!sends_rax(data, c.regs->rax, size))
        return true; /* a plain OUT sends RAX */
    uint16_t dx = (uint16_t)c.regs->rdx;
    return !plain_io_is(&site->before, port, dx) && !plain_io_is(&site->at, port, dx);
}
