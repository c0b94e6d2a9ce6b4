/* What the guest looked like at an exit, for the files that work out which instruction
 * exited (io_decode.c, mem_decode.c): its registers, and its memory as its page tables map it. */
#ifndef ZXREF_GUEST_VIEW_H
#define ZXREF_GUEST_VIEW_H

#include <linux/kvm.h>

#include "zxr.h"

struct zxr_exit_cpu {
    const struct kvm_regs *regs;
    const struct kvm_sregs *sregs;
    bool long_mode;
    uint64_t rip_linear;
    struct kvm_regs regs_copy; /* when KVM does not sync them into kvm_run */
    struct kvm_sregs sregs_copy;
};
#define ZXR_EFER_LMA (1ull << 10)

/* Works out the mode and RIP's linear address once regs and sregs are set. */
static inline void zxr_exit_cpu_mode(struct zxr_exit_cpu *c) {
    c->long_mode = c->sregs->cs.l && (c->sregs->efer & ZXR_EFER_LMA);
    c->rip_linear = c->long_mode ? c->regs->rip : (uint32_t)(c->sregs->cs.base + c->regs->rip);
}

/* Reads them with KVM_GET_REGS and KVM_GET_SREGS, where KVM does not sync them. */
bool zxr_exit_cpu_by_ioctl(struct zxr_vcpu *vcpu, struct zxr_exit_cpu *c);

/* The registers at the last exit: from kvm_run (KVM_CAP_SYNC_REGS, no ioctl) where KVM syncs
 * them. False if they cannot be read. Inline: every I/O exit asks. */
static inline bool zxr_exit_cpu(struct zxr_vcpu *vcpu, struct zxr_exit_cpu *c) {
    if (!vcpu->sync_regs)
        return zxr_exit_cpu_by_ioctl(vcpu, c);
    c->regs = &vcpu->run->s.regs.regs;
    c->sregs = &vcpu->run->s.regs.sregs;
    zxr_exit_cpu_mode(c);
    return true;
}

/* Guest linear to guest physical, as the MMU would (permissions aside). */
bool zxr_translate(struct zxr_vcpu *vcpu, const struct zxr_exit_cpu *c, uint64_t la,
                   uint64_t *pa, struct zxr_word_record *rec);
/* Copies guest-virtual bytes at linear address la; returns how many could be read. With rec,
 * notes every guest-memory word the read went through (page-table entries, the bytes). */
size_t zxr_fetch(struct zxr_vcpu *vcpu, const struct zxr_exit_cpu *c, uint64_t la,
                 uint8_t *buf, size_t len, struct zxr_word_record *rec);
/* True while every word rec noted still has its value in guest memory. */
bool zxr_record_holds(const struct zxr_word_record *rec);

#endif
