/* Model-specific registers as Zircon's kernel handled them (vmm-facts §1.1-1.3). The MSRs
 * Zircon passed through to the guest, and kvmclock's, stay with KVM; KVM's MSR filter denies
 * every other one, so that the guest's RDMSR and WRMSR of them exit to user space
 * (KVM_EXIT_X86_RDMSR/WRMSR, reason FILTER). The x2APIC range cannot be filtered: without an
 * in-kernel APIC, KVM refuses those accesses and they exit with reason INVAL. */
#include <linux/kvm.h>
#include <sys/ioctl.h>

#include "zxr.h"

#define MSR_PLATFORM_ID 0x17u
#define MSR_BIOS_SIGN_ID 0x8bu
#define MSR_MTRRCAP 0xfeu
#define MSR_MCG_CAP 0x179u
#define MSR_MCG_STATUS 0x17au
#define MSR_MISC_ENABLE 0x1a0u
#define MSR_TEMPERATURE_TARGET 0x1a2u
#define MSR_MTRR_PHYSBASE0 0x200u
#define MSR_MTRR_PHYSMASK9 0x213u
#define MSR_MTRR_FIX64K_00000 0x250u
#define MSR_MTRR_FIX16K_80000 0x258u
#define MSR_MTRR_FIX16K_A0000 0x259u
#define MSR_MTRR_FIX4K_C0000 0x268u
#define MSR_MTRR_FIX4K_F8000 0x26fu
#define MSR_MTRR_DEF_TYPE 0x2ffu
#define MSR_RAPL_POWER_UNIT 0x606u
#define MSR_PKG_ENERGY_STATUS 0x611u
#define MSR_DRAM_POWER_LIMIT 0x618u
#define MSR_DRAM_ENERGY_STATUS 0x619u
#define MSR_PP0_POWER_LIMIT 0x638u
#define MSR_PP0_ENERGY_STATUS 0x639u
#define MSR_PP1_POWER_LIMIT 0x640u
#define MSR_PP1_ENERGY_STATUS 0x641u
#define MSR_PLATFORM_ENERGY_COUNTER 0x64du
#define MSR_PLATFORM_POWER_LIMIT 0x65cu
#define MSR_CSTAR 0xc0000083u
#define MISC_ENABLE_FAST_STRINGS 1u

/* What the guest reaches directly: Zircon's MSR bitmap (TSC_ADJUST, SYSENTER_CS/ESP/EIP, PAT,
 * EFER, STAR, LSTAR, FMASK, FS/GS/KERNEL_GS_BASE, TSC_AUX) and kvmclock's MSRs (old 0x11,
 * 0x12 and new 0x4b564d00, 0x4b564d01), which KVM implements without an in-kernel APIC. */
struct allowed_range {
    uint32_t base, count;
    uint64_t bits; /* bit i: base + i is allowed */
};
static const struct allowed_range allowed[] = {
    {0x11, 43, (1ull << 0) | (1ull << 1) | (1ull << (0x3b - 0x11))}, /* kvmclock old, TSC_ADJUST */
    {0x174, 3, 0x7},                                                  /* SYSENTER_CS/ESP/EIP */
    {0x277, 1, 0x1},                                                  /* PAT */
    {0xc0000080, 5, 0x17},        /* EFER, STAR, LSTAR, FMASK; not CSTAR (emulated) */
    {0xc0000100, 4, 0xf},         /* FS_BASE, GS_BASE, KERNEL_GS_BASE, TSC_AUX */
    {0x4b564d00, 2, 0x3},         /* kvmclock */
};
#define ALLOWED_RANGES (sizeof(allowed) / sizeof(allowed[0]))

zx_status_t zxr_msr_setup_vm(int vm_fd) {
    struct kvm_enable_cap cap = {
        .cap = KVM_CAP_X86_USER_SPACE_MSR,
        .args = {KVM_MSR_EXIT_REASON_INVAL | KVM_MSR_EXIT_REASON_UNKNOWN |
                 KVM_MSR_EXIT_REASON_FILTER},
    };
    if (ioctl(vm_fd, KVM_ENABLE_CAP, &cap) != 0)
        return ZX_ERR_NOT_SUPPORTED;
    struct kvm_msr_filter filter = {.flags = KVM_MSR_FILTER_DEFAULT_DENY};
    uint64_t bitmaps[ALLOWED_RANGES];
    for (size_t i = 0; i < ALLOWED_RANGES; i++) {
        bitmaps[i] = allowed[i].bits;
        filter.ranges[i] = (struct kvm_msr_filter_range){
            .flags = KVM_MSR_FILTER_READ | KVM_MSR_FILTER_WRITE,
            .nmsrs = allowed[i].count,
            .base = allowed[i].base,
            .bitmap = (uint8_t *)&bitmaps[i],
        };
    }
    return ioctl(vm_fd, KVM_X86_SET_MSR_FILTER, &filter) == 0 ? ZX_OK : ZX_ERR_NOT_SUPPORTED;
}

/* MTRRs: they do not affect guest memory types; Zircon read them as 0 and dropped writes. */
static bool is_mtrr(uint32_t msr) {
    switch (msr) {
    case MSR_MTRRCAP:
    case MSR_MTRR_DEF_TYPE:
    case MSR_MTRR_FIX64K_00000:
    case MSR_MTRR_FIX16K_80000 ... MSR_MTRR_FIX16K_A0000:
    case MSR_MTRR_FIX4K_C0000 ... MSR_MTRR_FIX4K_F8000:
    case MSR_MTRR_PHYSBASE0 ... MSR_MTRR_PHYSMASK9:
        return true;
    default:
        return false;
    }
}

/* MTRRs, microcode, machine check and power registers: Zircon read them as 0. */
static bool reads_as_zero(uint32_t msr) {
    if (is_mtrr(msr))
        return true;
    switch (msr) {
    case MSR_PLATFORM_ID:
    case MSR_BIOS_SIGN_ID:
    case MSR_MCG_CAP:
    case MSR_MCG_STATUS:
    case MSR_TEMPERATURE_TARGET:
    case MSR_RAPL_POWER_UNIT:
    case MSR_PKG_ENERGY_STATUS:
    case MSR_DRAM_ENERGY_STATUS:
    case MSR_DRAM_POWER_LIMIT:
    case MSR_PP0_ENERGY_STATUS:
    case MSR_PP0_POWER_LIMIT:
    case MSR_PP1_ENERGY_STATUS:
    case MSR_PP1_POWER_LIMIT:
    case MSR_PLATFORM_ENERGY_COUNTER:
    case MSR_PLATFORM_POWER_LIMIT:
        return true;
    default:
        return false;
    }
}

/* Writes Zircon accepted and dropped; CSTAR because Linux sets it even when unused. */
static bool write_ignored(uint32_t msr) {
    if (is_mtrr(msr))
        return true;
    switch (msr) {
    case MSR_BIOS_SIGN_ID:
    case MSR_DRAM_POWER_LIMIT:
    case MSR_PP0_POWER_LIMIT:
    case MSR_PP1_POWER_LIMIT:
    case MSR_PLATFORM_POWER_LIMIT:
    case MSR_CSTAR:
        return true;
    default:
        return false;
    }
}

static bool is_x2apic(uint32_t msr) {
    return msr >= ZXR_X2APIC_MSR_FIRST && msr <= ZXR_X2APIC_MSR_LAST;
}

static struct zxr_msr_outcome read_msr(struct zxr_vcpu *vcpu, uint32_t msr, uint64_t *value) {
    if (msr == ZXR_MSR_APIC_BASE) {
        *value = zxr_apic_base(vcpu);
        return ZXR_MSR_OUTCOME(ZXR_MSR_DONE);
    }
    if (msr == MSR_MISC_ENABLE) {
        /* Zircon gave the host's fast-string bit; user space cannot read the host's MSR, and
         * every x86-64 host has fast strings on. */
        *value = MISC_ENABLE_FAST_STRINGS;
        return ZXR_MSR_OUTCOME(ZXR_MSR_DONE);
    }
    if (reads_as_zero(msr)) {
        *value = 0;
        return ZXR_MSR_OUTCOME(ZXR_MSR_DONE);
    }
    if (is_x2apic(msr))
        return zxr_apic_read(vcpu, msr, value);
    return ZXR_MSR_OUTCOME(ZXR_MSR_GP); /* everything else, TSC_DEADLINE included */
}

static struct zxr_msr_outcome write_msr(struct zxr_vcpu *vcpu, uint32_t msr, uint64_t value,
                             zx_port_packet_t *packet) {
    if (msr == ZXR_MSR_APIC_BASE) /* x2APIC can be neither moved nor turned off */
        return (value | ZXR_APIC_BASE_BSP) == (zxr_apic_base(vcpu) | ZXR_APIC_BASE_BSP)
                   ? ZXR_MSR_OUTCOME(ZXR_MSR_DONE)
                   : ZXR_MSR_FAILURE(ZX_ERR_INVALID_ARGS);
    if (msr == ZXR_MSR_TSC_DEADLINE)
        return zxr_apic_write_tsc_deadline(vcpu, value);
    if (write_ignored(msr))
        return ZXR_MSR_OUTCOME(ZXR_MSR_DONE);
    if (is_x2apic(msr))
        return zxr_apic_write(vcpu, msr, value, packet);
    return ZXR_MSR_OUTCOME(ZXR_MSR_GP);
}

zx_status_t zxr_msr_exit(struct zxr_vcpu *vcpu, zx_port_packet_t *packet) {
    struct kvm_run *run = vcpu->run;
    uint64_t value = 0;
    struct zxr_msr_outcome outcome = run->exit_reason == KVM_EXIT_X86_RDMSR
                                         ? read_msr(vcpu, run->msr.index, &value)
                                         : write_msr(vcpu, run->msr.index, run->msr.data, packet);
    run->msr.error = outcome.result == ZXR_MSR_GP; /* KVM injects the #GP at the next entry */
    if (run->exit_reason == KVM_EXIT_X86_RDMSR)
        run->msr.data = value;
    switch (outcome.result) {
    case ZXR_MSR_PACKET: return ZX_ERR_NEXT;
    case ZXR_MSR_FAILED: return outcome.failure;
    default: return ZX_OK;
    }
}
