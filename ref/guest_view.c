/* What the guest looked like at an exit (KVM reports an access, not the instruction): the
 * registers come from kvm_run (KVM_CAP_SYNC_REGS, no ioctl), and guest memory is read through
 * a software walk of the guest's page tables over the mapped physmem VMO. */
#include <string.h>
#include <sys/ioctl.h>

#include "guest_view.h"

#define PAGE_SIZE 4096ull
#define CR0_PG (1ull << 31)
#define CR4_PSE (1ull << 4)
#define CR4_PAE (1ull << 5)
#define CR4_LA57 (1ull << 12)
#define PTE_PRESENT 1ull
#define PTE_LARGE (1ull << 7)
#define PTE_ADDR 0x000FFFFFFFFFF000ull

bool zxr_exit_cpu_by_ioctl(struct zxr_vcpu *vcpu, struct zxr_exit_cpu *c) {
    if (ioctl(vcpu->fd, KVM_GET_SREGS, &c->sregs_copy) != 0 ||
        ioctl(vcpu->fd, KVM_GET_REGS, &c->regs_copy) != 0)
        return false;
    c->regs = &c->regs_copy;
    c->sregs = &c->sregs_copy;
    zxr_exit_cpu_mode(c);
    return true;
}

uint64_t zxr_exit_rax(struct zxr_vcpu *vcpu) {
    struct zxr_exit_cpu c;
    return zxr_exit_cpu(vcpu, &c) ? c.regs->rax : 0;
}

/* Notes the aligned words under [pa, pa + len) in rec, or marks it incomplete. */
static void record(struct zxr_word_record *rec, const struct zxr_vmo *mem, uint64_t pa,
                   size_t len) {
    if (rec == NULL)
        return;
    for (uint64_t word = pa & ~7ull; word < pa + len && rec->complete; word += 8) {
        if (word >= mem->size || mem->size - word < 8 || rec->count == ZXR_RECORD_WORDS) {
            rec->complete = false;
            return;
        }
        const uint64_t *host = (const uint64_t *)(mem->map + word); /* aligned: map is */
        int i = 0;
        while (i < rec->count && rec->word[i] != host)
            i++;
        if (i == rec->count) {
            rec->word[i] = host;
            rec->value[i] = *host;
            rec->count++;
        }
    }
}

bool zxr_record_holds(const struct zxr_word_record *rec) {
    uint64_t changed = 0; /* no early exit: the words almost always all match */
    for (int i = 0; i < rec->count; i++)
        changed |= *rec->word[i] ^ rec->value[i];
    return changed == 0;
}

/* Reads a page-table entry of `size` bytes at guest-physical pa. */
static bool read_entry(struct zxr_word_record *rec, const struct zxr_vmo *mem, uint64_t pa,
                       size_t size, uint64_t *entry) {
    if (pa >= mem->size || mem->size - pa < size) {
        if (rec != NULL) {
            rec->complete = false;
            rec->left_memory = true;
            rec->left_at = pa;
        }
        return false;
    }
    record(rec, mem, pa, size);
    *entry = 0;
    memcpy(entry, mem->map + pa, size);
    return (*entry & PTE_PRESENT) != 0;
}

static bool walk_cache_holds(struct zxr_word_record *rec, const struct zxr_vmo *mem,
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
    for (int i = 0; rec != NULL && i < w->used; i++)
        record(rec, mem, w->entry_pa[i], sizeof(w->entry[i]));
    return true;
}

/* Walks levels of 512 8-byte entries from table, unless one of the VCPU's last walks holds;
 * remembers the walk in place of the oldest. */
static bool walk64(struct zxr_word_record *rec, struct zxr_vcpu *vcpu, uint64_t table,
                   uint64_t la, int levels, uint64_t *pa) {
    const struct zxr_vmo *mem = vcpu->guest->physmem;
    for (int i = 0; i < ZXR_WALKS; i++) {
        const struct zxr_walk_cache *cached = &vcpu->walks[i];
        if (walk_cache_holds(rec, mem, cached, table, la, levels)) {
            *pa = cached->pa_page | (la & 0xFFF);
            return true;
        }
    }
    struct zxr_walk_cache *cache = &vcpu->walks[vcpu->next_walk++ % ZXR_WALKS];
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

bool zxr_translate(struct zxr_vcpu *vcpu, const struct zxr_exit_cpu *c, uint64_t la,
                   uint64_t *pa, struct zxr_word_record *rec) {
    const struct kvm_sregs *s = c->sregs;
    const struct zxr_vmo *mem = vcpu->guest->physmem;
    if (!(s->cr0 & CR0_PG)) {
        *pa = (uint32_t)la;
        return true;
    }
    if (c->long_mode && !(s->cr4 & CR4_LA57))
        return walk64(rec, vcpu, s->cr3 & PTE_ADDR, la, 4, pa);
    if (!c->long_mode && (s->cr4 & CR4_PAE)) {
        uint64_t pdpte;
        la = (uint32_t)la;
        if (!read_entry(rec, mem, (s->cr3 & 0xFFFFFFE0u) + (la >> 30) * 8, 8, &pdpte))
            return false;
        return walk64(rec, vcpu, pdpte & PTE_ADDR, la, 2, pa);
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
        rec->complete = false;
    struct kvm_translation tr = {.linear_address = la};
    if (ioctl(vcpu->fd, KVM_TRANSLATE, &tr) != 0 || !tr.valid)
        return false;
    *pa = tr.physical_address;
    return true;
}

size_t zxr_fetch(struct zxr_vcpu *vcpu, const struct zxr_exit_cpu *c, uint64_t la,
                 uint8_t *buf, size_t len, struct zxr_word_record *rec) {
    const struct zxr_vmo *mem = vcpu->guest->physmem;
    size_t done = 0;
    uint64_t pa;
    while (done < len && zxr_translate(vcpu, c, la + done, &pa, rec) && pa < mem->size) {
        size_t n = PAGE_SIZE - (pa % PAGE_SIZE);
        if (n > len - done)
            n = len - done;
        if (n > mem->size - pa)
            n = mem->size - pa;
        memcpy(buf + done, mem->map + pa, n);
        record(rec, mem, pa, n);
        done += n;
    }
    return done;
}
