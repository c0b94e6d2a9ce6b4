/* Proves that /dev/kvm runs a guest where scripts/vm-run puts us: a three-instruction real-mode
 * guest writes 0x42 to port 0x11 and halts; we check the IO exit, its port and its data. */
#include <fcntl.h>
#include <linux/kvm.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#define GUEST_MEMORY_SIZE 0x10000
#define GUEST_ENTRY 0x1000

static const uint8_t guest_code[] = {
    0xb0, 0x42,       /* mov $0x42, %al */
    0xe6, 0x11,       /* out %al, $0x11 */
    0xf4,             /* hlt */
};

static int fail(const char *what) {
    perror(what);
    printf("kvm-smoke: FAIL (%s)\n", what);
    return 1;
}

int main(void) {
    printf("kvm-smoke: running a 3-instruction guest on /dev/kvm\n");
    int kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
    if (kvm < 0) return fail("open /dev/kvm");
    int vm = ioctl(kvm, KVM_CREATE_VM, 0);
    if (vm < 0) return fail("KVM_CREATE_VM");
    uint8_t *memory = mmap(NULL, GUEST_MEMORY_SIZE, PROT_READ | PROT_WRITE,
                           MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (memory == MAP_FAILED) return fail("mmap guest memory");
    memcpy(memory + GUEST_ENTRY, guest_code, sizeof(guest_code));
    struct kvm_userspace_memory_region region = {
        .slot = 0, .guest_phys_addr = 0, .memory_size = GUEST_MEMORY_SIZE,
        .userspace_addr = (uintptr_t)memory,
    };
    if (ioctl(vm, KVM_SET_USER_MEMORY_REGION, &region) < 0) return fail("KVM_SET_USER_MEMORY_REGION");
    int vcpu = ioctl(vm, KVM_CREATE_VCPU, 0);
    if (vcpu < 0) return fail("KVM_CREATE_VCPU");
    int run_size = ioctl(kvm, KVM_GET_VCPU_MMAP_SIZE, 0);
    struct kvm_run *run = mmap(NULL, run_size, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu, 0);
    if (run == MAP_FAILED) return fail("mmap kvm_run");

    struct kvm_sregs sregs;
    if (ioctl(vcpu, KVM_GET_SREGS, &sregs) < 0) return fail("KVM_GET_SREGS");
    sregs.cs.base = 0;
    sregs.cs.selector = 0;
    if (ioctl(vcpu, KVM_SET_SREGS, &sregs) < 0) return fail("KVM_SET_SREGS");
    struct kvm_regs regs = {.rip = GUEST_ENTRY, .rflags = 0x2};
    if (ioctl(vcpu, KVM_SET_REGS, &regs) < 0) return fail("KVM_SET_REGS");

    if (ioctl(vcpu, KVM_RUN, 0) < 0) return fail("KVM_RUN");
    uint8_t data = ((uint8_t *)run)[run->io.data_offset];
    if (run->exit_reason != KVM_EXIT_IO || run->io.direction != KVM_EXIT_IO_OUT ||
        run->io.port != 0x11 || run->io.size != 1 || data != 0x42) {
        printf("kvm-smoke: FAIL: expected an OUT of 0x42 to port 0x11, got exit %u port 0x%x data 0x%x\n",
               run->exit_reason, run->io.port, data);
        return 1;
    }
    printf("kvm-smoke: ok: the guest wrote 0x%x to port 0x%x\n", data, run->io.port);
    return 0;
}
