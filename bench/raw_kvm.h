/* A minimal raw KVM guest: the baseline the reference is measured against. It does only what
 * a hand-written VMM must do: one VM with one memory slot, VCPUs started at an entry point. */
#ifndef BENCH_RAW_KVM_H
#define BENCH_RAW_KVM_H

#include <stddef.h>
#include <stdint.h>

struct kvm_run;

struct raw_vm {
    int kvm_fd, vm_fd;
    uint8_t *mem;
    size_t mem_size;
    int run_size;
};

struct raw_vcpu {
    int fd;
    struct kvm_run *run;
    size_t run_size;
};

/* A VM whose memory [0, mem_size) is one slot, holding the identity page tables of bench.h
 * (as the reference's guests need, so that both run the same code in the same mode). 0 or -errno. */
int raw_vm_create(struct raw_vm *vm, size_t mem_size);
void raw_vm_destroy(struct raw_vm *vm);

/* Creates VCPU id and starts it at entry: id 0 in 64-bit long mode with CR3 = 0 (the
 * reference's first VCPU), the others in real mode with CS base = entry (its other VCPUs).
 * Long mode needs the guest's CPUID (cached once per process). 0 or -errno. */
int raw_vcpu_create(struct raw_vm *vm, unsigned id, uint64_t entry, struct raw_vcpu *vcpu);
void raw_vcpu_destroy(struct raw_vcpu *vcpu);

/* One KVM_RUN; returns the exit reason, or -errno. */
int raw_vcpu_run(struct raw_vcpu *vcpu);

#endif
