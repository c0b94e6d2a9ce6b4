/* The x86 guest environment behind zx_vcpu_resume: the x2APIC's MSRs and #GP cases, ICR writes
 * as GUEST_VCPU packets (Fuchsia's IPI test), a second VCPU started from a STARTUP packet,
 * CPUID and kvmclock (the timer: apic_timer.c). */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "zxc.h"

#define DATA_ADDR 0x30000u   /* guests/apic.inc */
#define REPORTED 0x600du     /* rbx of a guest that did what it was asked */
#define TIMER_VECTOR 32u
#define GP_VECTOR 13u
#define TRAMPOLINE 0x9000u   /* vector 9 */

#define CLAUSE_X2APIC "zx_vcpu_resume.DESCRIPTION.x86-vcpu-local-apic"
#define CLAUSE_APIC_ID "zx_vcpu_resume.DESCRIPTION.apic-id-vcpu-s"
#define CLAUSE_FIXED "zx_vcpu_resume.DESCRIPTION.write-interrupt-command-register"
#define CLAUSE_MASK "zx_vcpu_resume.DESCRIPTION.mask-holds-destination-s"
#define CLAUSE_STARTUP "zx_vcpu_resume.DESCRIPTION.write-interrupt-command-register-2"
#define CLAUSE_INIT "zx_vcpu_resume.DESCRIPTION.write-init-delivery-mode"
#define CLAUSE_HLT_WAKES "zx_vcpu_resume.DESCRIPTION.apic-timer-self-ipi"
#define CLAUSE_GP "zx_vcpu_resume.DESCRIPTION.read-write-model-specific"
#define CLAUSE_INVALID_ARGS "zx_vcpu_resume.DESCRIPTION.guest-changes-ia32-apic"
#define CLAUSE_NOT_SUPPORTED "zx_vcpu_resume.DESCRIPTION.interrupt-command-logical-destination"
#define CLAUSE_CPUID "zx_vcpu_resume.DESCRIPTION.cpuid-shows-hypervisor-calls"
#define CLAUSE_KVMCLOCK "zx_vcpu_resume.DESCRIPTION.kvmclock-model-specific-registers"
#define CLAUSE_VCPU_PACKETS "zx_guest_set_trap.DESCRIPTION.packets-type-pkt_type_guest_vcpu-not"

#define MSR_APIC_BASE 0x1bu
#define MSR_MTRR_DEF_TYPE 0x2ffu
#define MSR_CSTAR 0xc0000083u
#define MSR_TSC_DEADLINE 0x6e0u
#define MSR_KVM_ASYNC_PF_EN 0x4b564d02u
#define MSR_UNKNOWN 0x4b560000u
#define X2APIC_ID 0x802u
#define X2APIC_VERSION 0x803u
#define X2APIC_TPR 0x808u
#define X2APIC_EOI 0x80bu
#define X2APIC_SVR 0x80fu
#define X2APIC_ISR0 0x810u
#define X2APIC_ICR 0x830u
#define X2APIC_LVT_TIMER 0x832u
#define X2APIC_LVT_LINT0 0x835u
#define X2APIC_CURRENT_COUNT 0x839u
#define X2APIC_SELF_IPI 0x83fu
#define LVT_MASKED (1u << 16)

/* ---- the MSR probe guest (guests/msr.S) ---------------------------------------------------- */

enum msr_outcome { MSR_DONE, MSR_ISR, MSR_VCPU_FAILED };
struct msr_result {
    enum msr_outcome outcome;
    uint64_t value;     /* MSR_DONE: EDX:EAX after RDMSR */
    uint64_t vector;    /* MSR_ISR: the vector whose ISR ran instead (13: #GP) */
    zx_status_t status; /* MSR_VCPU_FAILED: what resume returned */
};

static void describe(const struct msr_result *r, char *out, size_t size) {
    if (r->outcome == MSR_DONE)
        snprintf(out, size, "completed (EDX:EAX %#llx)", (unsigned long long)r->value);
    else if (r->outcome == MSR_ISR)
        snprintf(out, size, "ran the ISR of vector %llu", (unsigned long long)r->vector);
    else
        snprintf(out, size, "zx_vcpu_resume returned %s", zxc_status_name(r->status));
}

static struct msr_result msr_access(uint32_t msr, bool write, uint64_t value) {
    struct zxc_guest g;
    zx_handle_t vcpu = zxc_guest_with_vcpu(&g, ZXC_IMAGE(msr));
    zx_vcpu_state_t state = zxc_read_state(vcpu);
    state.r12 = msr;
    state.r13 = value;
    state.r14 = write;
    zxc_write_state(vcpu, &state);
    zx_port_packet_t packet;
    memset(&packet, 0, sizeof packet);
    struct msr_result result = {.status = ZX(zx_vcpu_resume)(vcpu, &packet)};
    if (result.status != ZX_OK) {
        result.outcome = MSR_VCPU_FAILED;
        return result;
    }
    if (packet.type != ZX_PKT_TYPE_GUEST_MEM || packet.guest_mem.addr != ZXC_EXIT_ADDR)
        zxc_fail(CLAUSE_X2APIC, "MSR %#x: expected the guest's EXIT write, got packet type %#x",
                 msr, packet.type);
    state = zxc_read_state(vcpu);
    result.value = (state.rdx << 32) | (uint32_t)state.rax;
    result.vector = state.rax;
    result.outcome = state.rbx == REPORTED ? MSR_DONE : MSR_ISR;
    return result;
}

static void expect_read(const char *clause, uint32_t msr, uint64_t expected) {
    struct msr_result r = msr_access(msr, false, 0);
    char got[96];
    describe(&r, got, sizeof got);
    if (r.outcome != MSR_DONE)
        zxc_fail(clause, "RDMSR %#x: expected value %#llx, but it %s", msr,
                 (unsigned long long)expected, got);
    char what[64];
    snprintf(what, sizeof what, "RDMSR %#x (EDX:EAX)", msr);
    zxc_expect_u64(clause, what, expected, r.value);
}

static void expect_gp(const char *clause, uint32_t msr, bool write, uint64_t value) {
    struct msr_result r = msr_access(msr, write, value);
    char got[96];
    describe(&r, got, sizeof got);
    if (r.outcome != MSR_ISR || r.vector != GP_VECTOR)
        zxc_fail(clause, "%s %#x (value %#llx): expected a #GP in the guest, but it %s",
                 write ? "WRMSR" : "RDMSR", msr, (unsigned long long)value, got);
}

static void expect_write_done(const char *clause, uint32_t msr, uint64_t value) {
    struct msr_result r = msr_access(msr, true, value);
    char got[96];
    describe(&r, got, sizeof got);
    if (r.outcome != MSR_DONE)
        zxc_fail(clause, "WRMSR %#x (value %#llx): expected it to complete, but it %s", msr,
                 (unsigned long long)value, got);
}

static void expect_write_fails(const char *clause, uint32_t msr, uint64_t value,
                               zx_status_t expected) {
    struct msr_result r = msr_access(msr, true, value);
    char what[80];
    snprintf(what, sizeof what, "zx_vcpu_resume after WRMSR %#x (value %#llx)", msr,
             (unsigned long long)value);
    zxc_expect_status(clause, what, expected, r.status);
}

ZXC_TEST(apic_msr_reads) {
    ZXC_COVERS("zx_vcpu_resume.DESCRIPTION.x86-vcpu-local-apic");
    ZXC_COVERS("zx_vcpu_resume.DESCRIPTION.apic-id-vcpu-s");
    /* The first VCPU: x2APIC on at 0xfee00000, bootstrap processor, APIC ID 0. */
    expect_read(CLAUSE_X2APIC, MSR_APIC_BASE, 0xfee00000u | 1u << 11 | 1u << 10 | 1u << 8);
    expect_read(CLAUSE_APIC_ID, X2APIC_ID, 0);
    expect_read(CLAUSE_X2APIC, X2APIC_VERSION, 0x15u | 6u << 16);
    expect_read(CLAUSE_X2APIC, X2APIC_SVR, 0xff);
    expect_read(CLAUSE_X2APIC, X2APIC_TPR, 0);
    expect_read(CLAUSE_X2APIC, X2APIC_ISR0, 0);
    expect_read(CLAUSE_X2APIC, X2APIC_LVT_LINT0, LVT_MASKED);
    expect_read(CLAUSE_X2APIC, X2APIC_LVT_TIMER, LVT_MASKED);
    expect_read(CLAUSE_X2APIC, MSR_MTRR_DEF_TYPE, 0);
}

ZXC_TEST(apic_msr_ignored_writes) {
    ZXC_COVERS("zx_vcpu_resume.DESCRIPTION.x86-vcpu-local-apic");
    expect_write_done(CLAUSE_X2APIC, X2APIC_TPR, 0x20);
    expect_write_done(CLAUSE_X2APIC, X2APIC_SVR, 0x1ff);
    expect_write_done(CLAUSE_X2APIC, X2APIC_EOI, 0);
    expect_write_done(CLAUSE_X2APIC, MSR_MTRR_DEF_TYPE, 0xc06);
    expect_write_done(CLAUSE_X2APIC, MSR_CSTAR, 0);
    expect_write_done(CLAUSE_X2APIC, MSR_APIC_BASE, 0xfee00000u | 1u << 11 | 1u << 10 | 1u << 8);
}

ZXC_TEST(apic_msr_general_protection) {
    ZXC_COVERS("zx_vcpu_resume.DESCRIPTION.read-write-model-specific");
    expect_gp(CLAUSE_GP, X2APIC_CURRENT_COUNT, false, 0);
    expect_gp(CLAUSE_GP, X2APIC_ICR, false, 0);
    expect_gp(CLAUSE_GP, X2APIC_EOI, true, 1);
    expect_gp(CLAUSE_GP, X2APIC_ID, true, 5);
    expect_gp(CLAUSE_GP, MSR_TSC_DEADLINE, false, 0);
    expect_gp(CLAUSE_GP, MSR_UNKNOWN, false, 0);
    expect_gp(CLAUSE_GP, MSR_UNKNOWN, true, 0);
    /* Async page faults would need KVM's in-kernel APIC: not offered. */
    expect_gp(CLAUSE_GP, MSR_KVM_ASYNC_PF_EN, true, 0);
}

ZXC_TEST(apic_msr_vcpu_failures) {
    ZXC_COVERS("zx_vcpu_resume.DESCRIPTION.guest-changes-ia32-apic");
    ZXC_COVERS("zx_vcpu_resume.DESCRIPTION.interrupt-command-logical-destination");
    expect_write_fails(CLAUSE_INVALID_ARGS, MSR_APIC_BASE, 0xfee00000u | 1u << 11 | 1u << 8,
                       ZX_ERR_INVALID_ARGS);
    expect_write_fails(CLAUSE_INVALID_ARGS, MSR_APIC_BASE, 0xfed00000u | 1u << 11 | 1u << 10,
                       ZX_ERR_INVALID_ARGS);
    /* The timer is in one-shot mode (masked) after reset. */
    expect_write_fails(CLAUSE_INVALID_ARGS, MSR_TSC_DEADLINE, 1, ZX_ERR_INVALID_ARGS);
    expect_write_fails(CLAUSE_NOT_SUPPORTED, X2APIC_ICR, 1ull << 32 | 1u << 11 | 0x40,
                       ZX_ERR_NOT_SUPPORTED); /* logical destination */
    expect_write_fails(CLAUSE_NOT_SUPPORTED, X2APIC_ICR, 1ull << 32 | 4u << 8 | 0x40,
                       ZX_ERR_NOT_SUPPORTED); /* NMI delivery */
}

ZXC_TEST(apic_self_ipi) {
    ZXC_COVERS("zx_vcpu_resume.DESCRIPTION.apic-timer-self-ipi");
    struct msr_result r = msr_access(X2APIC_SELF_IPI, true, TIMER_VECTOR);
    char got[96];
    describe(&r, got, sizeof got);
    if (r.outcome != MSR_ISR || r.vector != TIMER_VECTOR)
        zxc_fail(CLAUSE_HLT_WAKES, "WRMSR of the self-IPI register (vector %u): expected the "
                 "guest to take that interrupt, but it %s", TIMER_VECTOR, got);
}

/* ---- ICR writes as packets (Fuchsia's VcpuIpi, on the seed era's rules) -------------------- */

#define NO_PACKET 0xff /* INIT: ignored, the next write's packet comes instead */
struct icr_write {
    uint32_t eax, edx;
    uint8_t kind; /* ZX_PKT_GUEST_VCPU_*, or NO_PACKET */
    uint64_t mask_or_id, entry;
    uint8_t vector;
};

ZXC_TEST(apic_ipi_packets) {
    ZXC_COVERS("zx_vcpu_resume.DESCRIPTION.write-interrupt-command-register");
    ZXC_COVERS("zx_vcpu_resume.DESCRIPTION.mask-holds-destination-s");
    ZXC_COVERS("zx_vcpu_resume.DESCRIPTION.write-interrupt-command-register-2");
    ZXC_COVERS("zx_vcpu_resume.DESCRIPTION.write-init-delivery-mode");
    ZXC_COVERS("zx_guest_set_trap.DESCRIPTION.packets-type-pkt_type_guest_vcpu-not");
    static const struct icr_write writes[] = {
        {0x00080040, 0, ZX_PKT_GUEST_VCPU_INTERRUPT, UINT64_MAX, 0, 0x40}, /* all incl. self */
        {0x00040041, 0, ZX_PKT_GUEST_VCPU_INTERRUPT, 0x1, 0, 0x41},        /* self */
        {0x00004500, 1, NO_PACKET, 0, 0, 0},                               /* INIT: ignored */
        {0x00080042, 0, ZX_PKT_GUEST_VCPU_INTERRUPT, UINT64_MAX, 0, 0x42},
        {0x000c0043, 0, ZX_PKT_GUEST_VCPU_INTERRUPT, 0xfffffffe, 0, 0x43}, /* all but self */
        {0x00000044, 2, ZX_PKT_GUEST_VCPU_INTERRUPT, 0x4, 0, 0x44},        /* destination 2 */
        {0x00000045, 5, ZX_PKT_GUEST_VCPU_INTERRUPT, 0x20, 0, 0x45},       /* destination 5 */
        {0x00004609, 1, ZX_PKT_GUEST_VCPU_STARTUP, 1, 0x9000, 0},          /* STARTUP */
        {0x0000469f, 3, ZX_PKT_GUEST_VCPU_STARTUP, 3, 0x9f000, 0},
    };
    const size_t n = sizeof writes / sizeof writes[0];
    uint32_t list[2 * (sizeof writes / sizeof writes[0]) + 1];
    for (size_t i = 0; i < n; i++) {
        list[2 * i] = writes[i].eax;
        list[2 * i + 1] = writes[i].edx;
    }
    list[2 * n] = 0xffffffffu;
    struct zxc_guest g;
    zx_handle_t vcpu = zxc_guest_with_vcpu(&g, ZXC_IMAGE(ipi));
    zxc_guest_write(&g, DATA_ADDR, list, sizeof list);
    bool after_init = false;
    for (size_t i = 0; i < n; i++) {
        const struct icr_write *w = &writes[i];
        if (w->kind == NO_PACKET) {
            after_init = true;
            continue;
        }
        char what[96];
        zx_port_packet_t p = zxc_resume(vcpu, CLAUSE_FIXED);
        snprintf(what, sizeof what, "ICR write %#x:%#x: packet type", w->edx, w->eax);
        zxc_expect_u64(CLAUSE_VCPU_PACKETS, what, ZX_PKT_TYPE_GUEST_VCPU, p.type);
        snprintf(what, sizeof what, "ICR write %#x:%#x: guest_vcpu.type", w->edx, w->eax);
        const char *clause = w->kind == ZX_PKT_GUEST_VCPU_STARTUP ? CLAUSE_STARTUP : CLAUSE_FIXED;
        zxc_expect_u64(after_init ? CLAUSE_INIT : clause, what, w->kind, p.guest_vcpu.type);
        after_init = false;
        if (w->kind == ZX_PKT_GUEST_VCPU_INTERRUPT) {
            snprintf(what, sizeof what, "ICR write %#x:%#x: interrupt.mask", w->edx, w->eax);
            zxc_expect_u64(CLAUSE_MASK, what, w->mask_or_id, p.guest_vcpu.interrupt.mask);
            snprintf(what, sizeof what, "ICR write %#x:%#x: interrupt.vector", w->edx, w->eax);
            zxc_expect_u64(CLAUSE_FIXED, what, w->vector, p.guest_vcpu.interrupt.vector);
        } else {
            snprintf(what, sizeof what, "ICR write %#x:%#x: startup.id", w->edx, w->eax);
            zxc_expect_u64(CLAUSE_STARTUP, what, w->mask_or_id, p.guest_vcpu.startup.id);
            snprintf(what, sizeof what, "ICR write %#x:%#x: startup.entry", w->edx, w->eax);
            zxc_expect_u64(CLAUSE_STARTUP, what, w->entry, p.guest_vcpu.startup.entry);
        }
    }
    zxc_resume_expect_exit(vcpu, CLAUSE_FIXED);
}

/* ---- a second VCPU from a STARTUP packet ----------------------------------------------------- */

struct application_processor {
    const struct zxc_guest *guest;
    uint64_t entry;
    zx_port_packet_t ipis[2], last; /* its IPIs to self and to all but self, then its exit */
    zx_vcpu_state_t state;
};

static void *run_application_processor(void *arg) {
    struct application_processor *ap = arg;
    zx_handle_t vcpu = zxc_vcpu_new(ap->guest, ap->entry);
    ap->ipis[0] = zxc_resume(vcpu, CLAUSE_STARTUP);
    ap->ipis[1] = zxc_resume(vcpu, CLAUSE_STARTUP);
    ap->last = zxc_resume(vcpu, CLAUSE_STARTUP);
    ap->state = zxc_read_state(vcpu);
    return NULL;
}

ZXC_TEST(apic_startup_second_vcpu) {
    ZXC_COVERS("zx_vcpu_resume.DESCRIPTION.apic-id-vcpu-s");
    ZXC_COVERS("zx_vcpu_resume.DESCRIPTION.mask-holds-destination-s");
    ZXC_COVERS("zx_vcpu_resume.DESCRIPTION.write-interrupt-command-register-2");
    ZXC_COVERS("zx_vcpu_resume.DESCRIPTION.write-init-delivery-mode");
    struct zxc_guest g;
    zx_handle_t bsp = zxc_guest_with_vcpu(&g, ZXC_IMAGE(startup));
    /* Around the trampoline: `out %al,(%dx)` to port 0, which has no trap, so a start at the
     * wrong address fails at once instead of running on. */
    zxc_guest_fill(&g, TRAMPOLINE - 0x1000, 0xee, 0x4000);
    zxc_guest_load(&g, TRAMPOLINE, ZXC_IMAGE(trampoline));
    zx_port_packet_t p = zxc_resume(bsp, CLAUSE_STARTUP);
    zxc_expect_u64(CLAUSE_INIT, "packet type after INIT and STARTUP (INIT gives none)",
                   ZX_PKT_TYPE_GUEST_VCPU, p.type);
    zxc_expect_u64(CLAUSE_STARTUP, "guest_vcpu.type", ZX_PKT_GUEST_VCPU_STARTUP, p.guest_vcpu.type);
    zxc_expect_u64(CLAUSE_STARTUP, "startup.id", 1, p.guest_vcpu.startup.id);
    struct application_processor ap = {.guest = &g, .entry = p.guest_vcpu.startup.entry};
    pthread_t thread;
    pthread_create(&thread, NULL, run_application_processor, &ap);
    pthread_join(thread, NULL);
    const uint64_t masks[2] = {0x2, 0xfffffffd}; /* APIC ID 1: self, all but self */
    for (int i = 0; i < 2; i++) {
        char what[80];
        snprintf(what, sizeof what, "second VCPU: IPI %d: packet type", i + 1);
        zxc_expect_u64(CLAUSE_FIXED, what, ZX_PKT_TYPE_GUEST_VCPU, ap.ipis[i].type);
        snprintf(what, sizeof what, "second VCPU: IPI %d: interrupt.mask", i + 1);
        zxc_expect_u64(CLAUSE_MASK, what, masks[i], ap.ipis[i].guest_vcpu.interrupt.mask);
    }
    zxc_expect_u64(CLAUSE_STARTUP, "second VCPU: packet type (its EXIT write)",
                   ZX_PKT_TYPE_GUEST_MEM, ap.last.type);
    zxc_expect_u64(CLAUSE_STARTUP, "second VCPU: reached long mode and reported (rbx)", REPORTED,
                   ap.state.rbx);
    zxc_expect_u64(CLAUSE_APIC_ID, "second VCPU: its x2APIC ID (rax)", 1, ap.state.rax);
    /* Linux sends STARTUP twice; the VMM ignores the second. */
    p = zxc_resume(bsp, CLAUSE_STARTUP);
    zxc_expect_u64(CLAUSE_STARTUP, "second STARTUP: guest_vcpu.type", ZX_PKT_GUEST_VCPU_STARTUP,
                   p.guest_vcpu.type);
    zxc_resume_expect_exit(bsp, CLAUSE_STARTUP);
}

/* ---- CPUID and kvmclock ------------------------------------------------------------------------- */

struct cpuid_regs {
    uint32_t eax, ebx, ecx, edx;
};

ZXC_TEST(apic_cpuid_leaves) {
    ZXC_COVERS("zx_vcpu_resume.DESCRIPTION.cpuid-shows-hypervisor-calls");
    struct zxc_guest g;
    zx_handle_t vcpu = zxc_guest_with_vcpu(&g, ZXC_IMAGE(cpuid));
    zxc_resume_expect_exit(vcpu, CLAUSE_CPUID);
    struct cpuid_regs leaves[4]; /* 1, 0x80000001, 0x40000000, 0x40000001 */
    zxc_guest_read(&g, DATA_ADDR, leaves, sizeof leaves);
    const uint32_t x2apic = 1u << 21, tsc_deadline = 1u << 24, hypervisor = 1u << 31;
    const uint32_t vmx = 1u << 5, monitor = 1u << 3;
    zxc_expect_u64(CLAUSE_CPUID, "leaf 1 ECX: x2APIC, TSC-deadline and hypervisor bits",
                   x2apic | tsc_deadline | hypervisor,
                   leaves[0].ecx & (x2apic | tsc_deadline | hypervisor));
    zxc_expect_u64(CLAUSE_CPUID, "leaf 1 ECX: VMX and MONITOR bits", 0,
                   leaves[0].ecx & (vmx | monitor));
    zxc_expect_u64(CLAUSE_CPUID, "leaf 1 EBX[31:24]: initial APIC ID", 0, leaves[0].ebx >> 24);
    zxc_expect_u64(CLAUSE_CPUID, "leaf 0x80000001 ECX: SVM bit (no nested virtualisation)", 0,
                   leaves[1].ecx & (1u << 2));
    zxc_expect_u64(CLAUSE_CPUID, "leaf 0x40000000 EAX: highest hypervisor leaf", 0x40000001,
                   leaves[2].eax);
    char signature[13] = {0};
    memcpy(signature, &leaves[2].ebx, 4);
    memcpy(signature + 4, &leaves[2].ecx, 4);
    memcpy(signature + 8, &leaves[2].edx, 4);
    if (strcmp(signature, "KVMKVMKVM") != 0)
        zxc_fail(CLAUSE_CPUID, "leaf 0x40000000 EBX:ECX:EDX: expected \"KVMKVMKVM\", got \"%s\"",
                 signature);
    zxc_expect_u64(CLAUSE_CPUID, "leaf 0x40000001 EAX: kvmclock (old and new), no I/O delay",
                   0x0b, leaves[3].eax);
}

ZXC_TEST(apic_kvmclock_ticks) {
    ZXC_COVERS("zx_vcpu_resume.DESCRIPTION.kvmclock-model-specific-registers");
    struct zxc_guest g;
    zx_handle_t vcpu = zxc_guest_with_vcpu(&g, ZXC_IMAGE(kvmclock));
    zxc_resume_expect_exit(vcpu, CLAUSE_KVMCLOCK);
    uint64_t first = zxc_read_state(vcpu).r8;
    uint64_t start = zxc_now_ns();
    zxc_sleep_ms(200);
    zxc_resume_expect_exit(vcpu, CLAUSE_KVMCLOCK);
    uint64_t host_ns = zxc_now_ns() - start;
    uint64_t second = zxc_read_state(vcpu).r9;
    if (first == 0)
        zxc_fail(CLAUSE_KVMCLOCK, "kvmclock read 0 ns: the clock was not set up");
    double guest_ms = (double)(int64_t)(second - first) / 1e6;
    if (guest_ms < 190 || guest_ms > (double)host_ns / 1e6 + 1000)
        zxc_fail(CLAUSE_KVMCLOCK, "kvmclock advanced %.1f ms while the host slept 200 ms "
                 "(%.1f ms around the two exits)", guest_ms, (double)host_ns / 1e6);
}
