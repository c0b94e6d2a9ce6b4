/* The local x2APIC of each VCPU, as Zircon's kernel emulated it (vmm-facts §1.2-1.5): fixed
 * register values, ignored writes, a #GP for the rest, the ICR turned into packets for user
 * space, and the timer (one-shot, periodic, TSC-deadline) counting at the TSC's rate. KVM's
 * in-kernel APIC cannot be used: it would deliver IPIs itself. */
#include <linux/kvm.h>
#include <sys/ioctl.h>

#include <x86intrin.h>

#include "zxr.h"

#define APIC_PHYS_BASE 0xfee00000ull
#define APIC_BASE_X2APIC (1ull << 10)
#define APIC_BASE_XAPIC (1ull << 11)

#define REG_ID 0x802u
#define REG_VERSION 0x803u
#define REG_TPR 0x808u
#define REG_EOI 0x80bu
#define REG_LDR 0x80du
#define REG_SVR 0x80fu
#define REG_ISR_FIRST 0x810u
#define REG_IRR_LAST 0x827u /* ISR, TMR and IRR: 0x810-0x827 */
#define REG_ESR 0x828u
#define REG_LVT_CMCI 0x82fu
#define REG_ICR 0x830u
#define REG_LVT_TIMER 0x832u
#define REG_LVT_THERMAL 0x833u
#define REG_LVT_MONITOR 0x834u
#define REG_LVT_LINT0 0x835u
#define REG_LVT_LINT1 0x836u
#define REG_LVT_ERROR 0x837u
#define REG_INITIAL_COUNT 0x838u
#define REG_DCR 0x83eu
#define REG_SELF_IPI 0x83fu

/* Version 0x15, 7 LVT entries (max index 6), no EOI-broadcast suppression. */
#define APIC_VERSION (0x15u | (6u << 16))
#define SVR_RESET 0xffu
#define LVT_MASKED (1u << 16)
#define LVT_VECTOR(lvt) ((lvt) & 0xffu)
#define LVT_TIMER_MODE(lvt) ((lvt) & (3u << 17))
#define TIMER_ONESHOT 0u
#define TIMER_PERIODIC (1u << 17)
#define TIMER_TSC_DEADLINE (2u << 17)
#define TIMER_RESERVED (3u << 17)

#define ICR_VECTOR(low) ((low) & 0xffu)
#define ICR_DELIVERY(low) (((low) >> 8) & 7u)
#define ICR_LOGICAL (1u << 11)
#define ICR_SHORTHAND(low) (((low) >> 18) & 3u)
#define DELIVERY_FIXED 0u
#define DELIVERY_INIT 5u
#define DELIVERY_STARTUP 6u
#define SHORTHAND_NONE 0u
#define SHORTHAND_SELF 1u
#define SHORTHAND_ALL 2u
#define SHORTHAND_OTHERS 3u

#define MSR_IA32_TSC 0x10u

uint64_t zxr_apic_base(const struct zxr_vcpu *vcpu) {
    return APIC_PHYS_BASE | APIC_BASE_XAPIC | APIC_BASE_X2APIC |
           (vcpu->vpid == 1 ? ZXR_APIC_BASE_BSP : 0);
}

static uint32_t apic_id(const struct zxr_vcpu *vcpu) { return vcpu->vpid - 1; }

static int set_msr(int fd, uint32_t index, uint64_t value) {
    struct {
        struct kvm_msrs header;
        struct kvm_msr_entry entry;
    } msrs = {.header.nmsrs = 1, .entry = {.index = index, .data = value}};
    return ioctl(fd, KVM_SET_MSRS, &msrs) == 1 ? 0 : -1;
}

/* The guest's TSC now. Where the CPU cannot scale TSCs, the guest's TSC is the host's plus the
 * offset KVM programmed, exactly, and that is what is used. KVM's own IA32_TSC (KVM_GET_MSRS)
 * applies its scaling ratio, which Linux 6.1 leaves 0 when, at VCPU creation, the rate it chose
 * differs from the host's by more than 250 ppm and the CPU cannot scale (a kernel that refined its
 * TSC calibration after KVM loaded): the MSR then reads 0 while the guest's TSC runs on, and every
 * deadline became the guest's whole TSC ahead (ref/README.md, "Timer deadlines"). With scaling,
 * the ratio is set and the MSR is right. */
static bool guest_tsc(const struct zxr_vcpu *vcpu, uint64_t *tsc) {
    if (!vcpu->apic.tsc_scaling) {
        uint64_t offset;
        struct kvm_device_attr attr = {
            .group = KVM_VCPU_TSC_CTRL, .attr = KVM_VCPU_TSC_OFFSET, .addr = (uintptr_t)&offset};
        if (ioctl(vcpu->fd, KVM_GET_DEVICE_ATTR, &attr) == 0) {
            *tsc = __rdtsc() + offset;
            return true;
        }
    }
    struct {
        struct kvm_msrs header;
        struct kvm_msr_entry entry;
    } msrs = {.header.nmsrs = 1, .entry.index = MSR_IA32_TSC};
    if (ioctl(vcpu->fd, KVM_GET_MSRS, &msrs) != 1)
        return false;
    *tsc = msrs.entry.data;
    return true;
}

zx_status_t zxr_apic_init(struct zxr_vcpu *vcpu) {
    int khz = ioctl(vcpu->fd, KVM_GET_TSC_KHZ, 0);
    if (khz <= 0 || set_msr(vcpu->fd, ZXR_MSR_APIC_BASE, zxr_apic_base(vcpu)) != 0)
        return ZX_ERR_INTERNAL;
    vcpu->apic.tsc_khz = (uint32_t)khz;
    vcpu->apic.tsc_scaling = ioctl(vcpu->guest->kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_TSC_CONTROL) > 0;
    vcpu->apic.lvt_timer = LVT_MASKED;
    return ZX_OK;
}

static uint64_t tsc_ticks_to_ns(const struct zxr_apic *apic, uint64_t ticks) {
    return (uint64_t)((unsigned __int128)ticks * 1000000u / apic->tsc_khz);
}

/* Zircon's divide rule: DCR bits 1:0 and 3 give a shift of (value + 1) mod 8, so 0b1011 is
 * divide by 1 and 0b0000 divide by 2. */
static unsigned divide_shift(uint32_t dcr) {
    return (((dcr & 3u) | (((dcr >> 3) & 1u) << 2)) + 1u) & 7u;
}

/* The deadline of a one-shot or periodic count from now; 0 (no timer) in other modes. An
 * initial count of 0 stops the timer, as on hardware (Zircon fired it at once, and a periodic
 * one without end). A period shorter than KVM's own minimum for its in-kernel APIC timer is
 * stretched to it, so that a guest cannot keep the timer thread firing without pause. */
#define MIN_PERIOD_NS 200000u
static uint64_t count_deadline(const struct zxr_apic *apic) {
    uint32_t mode = LVT_TIMER_MODE(apic->lvt_timer);
    if ((mode != TIMER_ONESHOT && mode != TIMER_PERIODIC) || apic->initial_count == 0)
        return 0;
    uint64_t ticks = (uint64_t)apic->initial_count << divide_shift(apic->divide_config);
    uint64_t ns = tsc_ticks_to_ns(apic, ticks);
    if (mode == TIMER_PERIODIC && ns < MIN_PERIOD_NS)
        ns = MIN_PERIOD_NS;
    return zxr_monotonic_ns() + ns;
}

void zxr_apic_timer_expired_locked(struct zxr_vcpu *vcpu) {
    struct zxr_apic *apic = &vcpu->apic;
    if (apic->lvt_timer & LVT_MASKED)
        return;
    if (LVT_TIMER_MODE(apic->lvt_timer) == TIMER_PERIODIC)
        zxr_apic_timer_set_locked(vcpu, count_deadline(apic));
    zxr_vcpu_raise(vcpu, LVT_VECTOR(apic->lvt_timer));
}

/* Stores a timer register and re-arms from it, as every such write did in Zircon. */
static void write_timer_register(struct zxr_vcpu *vcpu, uint32_t *reg, uint32_t value) {
    zxr_apic_timers_lock();
    *reg = value;
    zxr_apic_timer_set_locked(vcpu, count_deadline(&vcpu->apic));
    zxr_apic_timers_unlock();
}

struct zxr_msr_outcome zxr_apic_write_tsc_deadline(struct zxr_vcpu *vcpu, uint64_t tsc_deadline) {
    zxr_apic_timers_lock();
    bool deadline_mode = LVT_TIMER_MODE(vcpu->apic.lvt_timer) == TIMER_TSC_DEADLINE;
    zxr_apic_timers_unlock();
    if (!deadline_mode)
        return ZXR_MSR_FAILURE(ZX_ERR_INVALID_ARGS); /* Zircon fails the VCPU; not a #GP */
    uint64_t deadline_ns = 0, now_tsc = 0;
    if (tsc_deadline != 0) {
        /* The guest's TSC is KVM's (its offset and rate), not the host's: read it now. */
        if (!guest_tsc(vcpu, &now_tsc))
            return ZXR_MSR_FAILURE(ZX_ERR_INTERNAL);
        uint64_t ahead = tsc_deadline > now_tsc ? tsc_deadline - now_tsc : 0;
        deadline_ns = zxr_monotonic_ns() + tsc_ticks_to_ns(&vcpu->apic, ahead);
    }
    zxr_apic_timers_lock();
    zxr_apic_timer_set_locked(vcpu, deadline_ns);
    zxr_apic_timers_unlock();
    return ZXR_MSR_OUTCOME(ZXR_MSR_DONE);
}

struct zxr_msr_outcome zxr_apic_read(struct zxr_vcpu *vcpu, uint32_t msr, uint64_t *value) {
    switch (msr) {
    case REG_ID:
        *value = apic_id(vcpu);
        return ZXR_MSR_OUTCOME(ZXR_MSR_DONE);
    case REG_VERSION:
        *value = APIC_VERSION;
        return ZXR_MSR_OUTCOME(ZXR_MSR_DONE);
    case REG_SVR:
        *value = SVR_RESET;
        return ZXR_MSR_OUTCOME(ZXR_MSR_DONE);
    case REG_TPR:
    case REG_LDR:
    case REG_ISR_FIRST ... REG_IRR_LAST:
    case REG_ESR:
    case REG_LVT_MONITOR:
        *value = 0;
        return ZXR_MSR_OUTCOME(ZXR_MSR_DONE);
    case REG_LVT_LINT0:
    case REG_LVT_LINT1:
    case REG_LVT_THERMAL:
    case REG_LVT_CMCI:
        *value = LVT_MASKED;
        return ZXR_MSR_OUTCOME(ZXR_MSR_DONE);
    case REG_LVT_TIMER:
        zxr_apic_timers_lock();
        *value = vcpu->apic.lvt_timer;
        zxr_apic_timers_unlock();
        return ZXR_MSR_OUTCOME(ZXR_MSR_DONE);
    default: /* write-only and unimplemented registers, the current count among them */
        return ZXR_MSR_OUTCOME(ZXR_MSR_GP);
    }
}

/* The destination mask of a fixed IPI, as Zircon computed it: 32-bit shifts (a destination of
 * 32 or more wraps, as x86's shift does) and a 32-bit complement for "all but self". */
static uint64_t ipi_mask(uint32_t shorthand, uint32_t destination, uint32_t self) {
    switch (shorthand) {
    case SHORTHAND_NONE:
        return 1u << (destination & 31u);
    case SHORTHAND_SELF:
        return 1u << self;
    case SHORTHAND_ALL:
        return UINT64_MAX;
    default:
        return (uint32_t)~(1u << self);
    }
}

static struct zxr_msr_outcome write_icr(struct zxr_vcpu *vcpu, uint64_t value, zx_port_packet_t *packet) {
    uint32_t low = (uint32_t)value, destination = (uint32_t)(value >> 32);
    if (low & ICR_LOGICAL)
        return ZXR_MSR_FAILURE(ZX_ERR_NOT_SUPPORTED);
    switch (ICR_DELIVERY(low)) {
    case DELIVERY_FIXED:
        *packet = (zx_port_packet_t){
            .type = ZX_PKT_TYPE_GUEST_VCPU,
            .guest_vcpu = {
                .type = ZX_PKT_GUEST_VCPU_INTERRUPT,
                .interrupt = {.mask = ipi_mask(ICR_SHORTHAND(low), destination, apic_id(vcpu)),
                              .vector = (uint8_t)ICR_VECTOR(low)},
            },
        };
        return ZXR_MSR_OUTCOME(ZXR_MSR_PACKET);
    case DELIVERY_INIT:
        return ZXR_MSR_OUTCOME(ZXR_MSR_DONE); /* only STARTUP starts a VCPU */
    case DELIVERY_STARTUP:
        *packet = (zx_port_packet_t){
            .type = ZX_PKT_TYPE_GUEST_VCPU,
            .guest_vcpu = {
                .type = ZX_PKT_GUEST_VCPU_STARTUP,
                .startup = {.id = destination, .entry = (uint64_t)ICR_VECTOR(low) << 12},
            },
        };
        return ZXR_MSR_OUTCOME(ZXR_MSR_PACKET);
    default: /* SMI, NMI, lowest priority, ... */
        return ZXR_MSR_FAILURE(ZX_ERR_NOT_SUPPORTED);
    }
}

struct zxr_msr_outcome zxr_apic_write(struct zxr_vcpu *vcpu, uint32_t msr, uint64_t value,
                                      zx_port_packet_t *packet) {
    uint32_t eax = (uint32_t)value, edx = (uint32_t)(value >> 32);
    switch (msr) {
    case REG_EOI:
    case REG_ESR:
        if (eax != 0)
            return ZXR_MSR_OUTCOME(ZXR_MSR_GP); /* EOI does nothing: there is no ISR to clear */
        __attribute__((fallthrough));
    case REG_TPR:
    case REG_SVR:
    case REG_LVT_MONITOR:
    case REG_LVT_ERROR:
    case REG_LVT_LINT0:
    case REG_LVT_LINT1:
    case REG_LVT_THERMAL:
    case REG_LVT_CMCI:
        return edx != 0 ? ZXR_MSR_FAILURE(ZX_ERR_INVALID_ARGS) : ZXR_MSR_OUTCOME(ZXR_MSR_DONE);
    case REG_LVT_TIMER:
        if (LVT_TIMER_MODE(eax) == TIMER_RESERVED)
            return ZXR_MSR_FAILURE(ZX_ERR_INVALID_ARGS);
        write_timer_register(vcpu, &vcpu->apic.lvt_timer, eax);
        return ZXR_MSR_OUTCOME(ZXR_MSR_DONE);
    case REG_INITIAL_COUNT:
        write_timer_register(vcpu, &vcpu->apic.initial_count, eax);
        return ZXR_MSR_OUTCOME(ZXR_MSR_DONE);
    case REG_DCR:
        write_timer_register(vcpu, &vcpu->apic.divide_config, eax);
        return ZXR_MSR_OUTCOME(ZXR_MSR_DONE);
    case REG_SELF_IPI:
        zxr_vcpu_raise(vcpu, eax & 0xffu);
        return ZXR_MSR_OUTCOME(ZXR_MSR_DONE);
    case REG_ICR:
        return write_icr(vcpu, value, packet);
    default: /* read-only and unimplemented registers */
        return ZXR_MSR_OUTCOME(ZXR_MSR_GP);
    }
}
