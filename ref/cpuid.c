/* The CPUID a VCPU sees: what KVM supports (Zircon passed the host's values), with Zircon's
 * edits (vmm-facts §1.6) and TSC-deadline added, since the library implements that timer. KVM
 * answers CPUID from this table without exiting. */
#include <linux/kvm.h>
#include <string.h>
#include <sys/ioctl.h>

#include "zxr.h"

#define CPUID_MAX_ENTRIES 256
#define BIT(n) (1u << (n))

/* Leaf 1 */
#define ECX_MONITOR BIT(3)
#define ECX_VMX BIT(5)
#define ECX_TM2 BIT(8)
#define ECX_PDCM BIT(15)
#define ECX_X2APIC BIT(21)
#define ECX_TSC_DEADLINE BIT(24)
#define ECX_HYPERVISOR BIT(31)
#define EDX_SEP BIT(11)
#define EDX_ACPI BIT(22)
#define EDX_TM BIT(29)
/* Leaf 6 */
#define EAX_DTS BIT(0)
#define EAX_PTM BIT(6)
#define EAX_HWP_ALL (BIT(7) | BIT(8) | BIT(9) | BIT(10))
#define ECX_HW_FEEDBACK BIT(0)
#define ECX_PERF_BIAS BIT(3)
/* Leaf 7 */
#define EBX_PT BIT(25)
#define EDX_IBRS_IBPB BIT(26)
#define EDX_STIBP BIT(27)
#define EDX_SSBD BIT(31)
/* Leaf 0xA: no performance monitoring events (bits 6:0 set: event not available). */
#define PERFMON_NO_EVENTS 0x7fu
/* Leaf 0xD subleaf 1 */
#define EAX_XSAVES BIT(3)

#define LEAF_HYPERVISOR 0x40000000u
#define LEAF_KVM_FEATURES 0x40000001u
/* kvmclock (old and new MSRs) and no I/O delay: Zircon's 0x0b. Not the features that need
 * KVM's in-kernel APIC (PV EOI, PV send-IPI, PV unhalt, async page faults) nor steal time. */
#define KVM_FEATURES (BIT(0) | BIT(1) | BIT(3))

struct cpuid_table {
    struct kvm_cpuid2 header;
    struct kvm_cpuid_entry2 entries[CPUID_MAX_ENTRIES];
};

/* The entry for (function, index), added (zeroed) if KVM did not list it. */
static struct kvm_cpuid_entry2 *leaf(struct cpuid_table *t, uint32_t function, uint32_t index) {
    for (uint32_t i = 0; i < t->header.nent; i++)
        if (t->entries[i].function == function && t->entries[i].index == index)
            return &t->entries[i];
    if (t->header.nent == CPUID_MAX_ENTRIES)
        return NULL;
    struct kvm_cpuid_entry2 *e = &t->entries[t->header.nent++];
    *e = (struct kvm_cpuid_entry2){.function = function, .index = index};
    return e;
}

/* Every entry KVM listed for function (one per subleaf). */
#define FOR_EACH_ENTRY(t, fn, e)                                      \
    for (struct kvm_cpuid_entry2 *e = (t)->entries; e < (t)->entries + (t)->header.nent; e++) \
        if (e->function == (fn))

static void edit(struct cpuid_table *t, uint32_t apic_id) {
    FOR_EACH_ENTRY(t, 1, e) {
        e->ebx = (e->ebx & 0x00ffffffu) | (apic_id << 24);
        e->ecx |= ECX_HYPERVISOR | ECX_X2APIC | ECX_TSC_DEADLINE;
        e->ecx &= ~(ECX_VMX | ECX_PDCM | ECX_MONITOR | ECX_TM2);
        e->edx |= EDX_SEP;
        e->edx &= ~(EDX_TM | EDX_ACPI);
    }
    FOR_EACH_ENTRY(t, 5, e) e->eax = e->ebx = e->ecx = e->edx = 0; /* no MONITOR/MWAIT */
    FOR_EACH_ENTRY(t, 6, e) {
        e->eax &= ~(EAX_DTS | EAX_PTM | EAX_HWP_ALL);
        e->ecx &= ~(ECX_HW_FEEDBACK | ECX_PERF_BIAS);
    }
    FOR_EACH_ENTRY(t, 7, e) {
        e->ebx &= ~EBX_PT;
        e->edx &= ~(EDX_IBRS_IBPB | EDX_STIBP | EDX_SSBD);
    }
    FOR_EACH_ENTRY(t, 0xa, e) {
        e->eax = e->ecx = e->edx = 0;
        e->ebx = PERFMON_NO_EVENTS;
    }
    /* Topology: the x2APIC id; the levels stay the host's, as in Zircon. */
    FOR_EACH_ENTRY(t, 0xb, e) e->edx = apic_id;
    FOR_EACH_ENTRY(t, 0xd, e) if (e->index == 1) e->eax &= ~EAX_XSAVES;
}

/* Zircon disguised itself as KVM: "KVMKVMKVM\0\0\0", features up to 0x40000001. */
static bool set_hypervisor_leaves(struct cpuid_table *t) {
    struct kvm_cpuid_entry2 *vendor = leaf(t, LEAF_HYPERVISOR, 0);
    struct kvm_cpuid_entry2 *features = leaf(t, LEAF_KVM_FEATURES, 0);
    if (vendor == NULL || features == NULL)
        return false;
    static const char signature[12] = "KVMKVMKVM\0\0";
    vendor->eax = LEAF_KVM_FEATURES;
    memcpy(&vendor->ebx, signature, 4);
    memcpy(&vendor->ecx, signature + 4, 4);
    memcpy(&vendor->edx, signature + 8, 4);
    features->eax = KVM_FEATURES;
    features->ebx = features->ecx = features->edx = 0;
    return true;
}

zx_status_t zxr_cpuid_set(struct zxr_vcpu *vcpu, const struct kvm_cpuid2 *supported) {
    struct cpuid_table table;
    uint32_t n = supported->nent < CPUID_MAX_ENTRIES ? supported->nent : CPUID_MAX_ENTRIES;
    table.header = (struct kvm_cpuid2){.nent = n};
    memcpy(table.entries, supported->entries, n * sizeof(table.entries[0]));
    edit(&table, vcpu->vpid - 1);
    if (!set_hypervisor_leaves(&table))
        return ZX_ERR_INTERNAL;
    return ioctl(vcpu->fd, KVM_SET_CPUID2, &table) == 0 ? ZX_OK : ZX_ERR_INTERNAL;
}
