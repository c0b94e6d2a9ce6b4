/* The raw KVM baseline: see raw_kvm.h. */
#include "raw_kvm.h"

#include "bench.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#define CR0_PE (1ull << 0)
#define CR0_NE (1ull << 5)
#define CR0_PG (1ull << 31)
#define CR4_PAE (1ull << 5)
#define EFER_LME (1ull << 8)
#define EFER_LMA (1ull << 10)
#define CPUID_MAX_ENTRIES 256

/* KVM_GET_SUPPORTED_CPUID is costly and never changes: a VMM asks once. */
static struct kvm_cpuid2 *supported_cpuid;
static pthread_mutex_t cpuid_lock = PTHREAD_MUTEX_INITIALIZER;

static const struct kvm_cpuid2 *cached_cpuid(int kvm_fd) {
    pthread_mutex_lock(&cpuid_lock);
    if (supported_cpuid == NULL) {
        struct kvm_cpuid2 *cpuid = calloc(1, sizeof(*cpuid) + CPUID_MAX_ENTRIES *
                                                                 sizeof(struct kvm_cpuid_entry2));
        if (cpuid != NULL) {
            cpuid->nent = CPUID_MAX_ENTRIES;
            if (ioctl(kvm_fd, KVM_GET_SUPPORTED_CPUID, cpuid) == 0)
                supported_cpuid = cpuid;
            else
                free(cpuid);
        }
    }
    pthread_mutex_unlock(&cpuid_lock);
    return supported_cpuid;
}

int raw_vm_create(struct raw_vm *vm, size_t mem_size) {
    *vm = (struct raw_vm){.kvm_fd = -1, .vm_fd = -1};
    vm->kvm_fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
    if (vm->kvm_fd < 0)
        return -errno;
    vm->vm_fd = ioctl(vm->kvm_fd, KVM_CREATE_VM, 0);
    vm->run_size = ioctl(vm->kvm_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
    void *mem = mmap(NULL, mem_size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (vm->vm_fd < 0 || vm->run_size <= 0 || mem == MAP_FAILED) {
        int err = errno;
        if (mem != MAP_FAILED)
            munmap(mem, mem_size);
        raw_vm_destroy(vm);
        return -err;
    }
    vm->mem = mem;
    vm->mem_size = mem_size;
    struct kvm_userspace_memory_region region = {
        .slot = 0, .memory_size = mem_size, .userspace_addr = (uintptr_t)mem,
    };
    if (ioctl(vm->vm_fd, KVM_SET_USER_MEMORY_REGION, &region) != 0) {
        int err = errno;
        raw_vm_destroy(vm);
        return -err;
    }
    for (size_t i = 0; i < BENCH_PAGE_TABLE_ENTRIES; i++)
        memcpy(vm->mem + bench_page_tables[i].gpa, &bench_page_tables[i].value, sizeof(uint64_t));
    return 0;
}

void raw_vm_destroy(struct raw_vm *vm) {
    if (vm->mem != NULL)
        munmap(vm->mem, vm->mem_size);
    if (vm->vm_fd >= 0)
        close(vm->vm_fd);
    if (vm->kvm_fd >= 0)
        close(vm->kvm_fd);
    *vm = (struct raw_vm){.kvm_fd = -1, .vm_fd = -1};
}

static void flat_segment(struct kvm_segment *seg, uint64_t base, uint16_t selector, uint8_t type) {
    *seg = (struct kvm_segment){
        .base = base, .limit = 0xFFFF, .selector = selector, .type = type, .present = 1, .s = 1,
    };
}

static int set_start_registers(struct raw_vcpu *vcpu, bool long_mode, uint64_t entry) {
    struct kvm_sregs sregs;
    if (ioctl(vcpu->fd, KVM_GET_SREGS, &sregs) != 0)
        return -errno;
    flat_segment(&sregs.cs, long_mode ? 0 : entry, long_mode ? 0 : (uint16_t)(entry >> 4), 0xB);
    sregs.cs.l = long_mode;
    flat_segment(&sregs.ds, 0, 0, 0x3);
    sregs.es = sregs.fs = sregs.gs = sregs.ss = sregs.ds;
    if (long_mode) {
        sregs.cr3 = 0;
        sregs.cr0 = CR0_PE | CR0_PG | CR0_NE;
        sregs.cr4 = CR4_PAE;
        sregs.efer = EFER_LME | EFER_LMA;
    }
    if (ioctl(vcpu->fd, KVM_SET_SREGS, &sregs) != 0)
        return -errno;
    struct kvm_regs regs = {.rip = long_mode ? entry : 0, .rflags = 0x2};
    return ioctl(vcpu->fd, KVM_SET_REGS, &regs) == 0 ? 0 : -errno;
}

int raw_vcpu_create(struct raw_vm *vm, unsigned id, uint64_t entry, struct raw_vcpu *vcpu) {
    *vcpu = (struct raw_vcpu){.fd = -1};
    vcpu->fd = ioctl(vm->vm_fd, KVM_CREATE_VCPU, (unsigned long)id);
    if (vcpu->fd < 0)
        return -errno;
    void *run = mmap(NULL, (size_t)vm->run_size, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu->fd, 0);
    if (run == MAP_FAILED) {
        int err = errno;
        raw_vcpu_destroy(vcpu);
        return -err;
    }
    vcpu->run = run;
    vcpu->run_size = (size_t)vm->run_size;
    bool long_mode = id == 0;
    const struct kvm_cpuid2 *cpuid = long_mode ? cached_cpuid(vm->kvm_fd) : NULL;
    int status = 0;
    if (long_mode && (cpuid == NULL || ioctl(vcpu->fd, KVM_SET_CPUID2, cpuid) != 0))
        status = cpuid == NULL ? -ENOSYS : -errno;
    if (status == 0)
        status = set_start_registers(vcpu, long_mode, entry);
    if (status != 0)
        raw_vcpu_destroy(vcpu);
    return status;
}

void raw_vcpu_destroy(struct raw_vcpu *vcpu) {
    if (vcpu->run != NULL)
        munmap(vcpu->run, vcpu->run_size);
    if (vcpu->fd >= 0)
        close(vcpu->fd);
    *vcpu = (struct raw_vcpu){.fd = -1};
}

int raw_vcpu_run(struct raw_vcpu *vcpu) {
    if (ioctl(vcpu->fd, KVM_RUN, 0) != 0)
        return -errno;
    return (int)vcpu->run->exit_reason;
}
