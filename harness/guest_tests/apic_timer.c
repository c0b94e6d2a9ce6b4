/* The x2APIC timer behind zx_vcpu_resume: each mode (one-shot, periodic, TSC-deadline), the
 * divide rule, a masked LVT, and the races a timer that lives outside KVM must survive: a
 * deadline already past or due during the exit that writes it, a tick handler re-arming at a
 * high rate, VCPUs whose TSCs differ, and expiries while the VCPU is halted or being kicked. */
#include <pthread.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>
#include <x86intrin.h>

#include "zxc.h"

#define TIMER_DONE 0x100u    /* rax of the timer guests once their ticks came */
#define TIMER_VECTOR 32u
#define KICK_VECTOR 33u      /* guests/tsc_deadline_rearm.S counts it apart */
#define WATCHDOG_VECTOR 2u   /* an NMI ends a guest whose interrupt never came */

#define CLAUSE_TIMER_RATE "zx_vcpu_resume.DESCRIPTION.apic-timer-counts-rate"
#define CLAUSE_TIMER_MODES "zx_vcpu_resume.DESCRIPTION.shot-mode-raises-vector"
#define CLAUSE_TIMER_MASKED "zx_vcpu_resume.DESCRIPTION.raises-nothing-lvt-entry"
#define CLAUSE_HLT_WAKES "zx_vcpu_resume.DESCRIPTION.apic-timer-self-ipi"

#define MSR_UNKNOWN 0x4b560000u
#define LVT_MASKED (1u << 16)
#define LVT_PERIODIC (1u << 17)
#define LVT_TSC_DEADLINE (2u << 17)
#define DCR_DIVIDE_1 0xbu
#define DCR_DIVIDE_2 0x0u
#define DCR_DIVIDE_128 0xau

/* A TSC reading and the CLOCK_MONOTONIC time it was taken at: of 8 tries, the one that the
 * two clock reads around it enclose most tightly (a preemption between them would skew it). */
static void tsc_sample(uint64_t *tsc, double *ns) {
    uint64_t best_width = UINT64_MAX;
    for (int i = 0; i < 8; i++) {
        uint64_t before = zxc_now_ns(), t = __rdtsc(), after = zxc_now_ns();
        if (after - before < best_width) {
            best_width = after - before;
            *tsc = t;
            *ns = ((double)before + (double)after) / 2;
        }
    }
}

/* The TSC's rate, measured against CLOCK_MONOTONIC: the guest's TSC runs at the host's. */
static double tsc_ticks_per_ns(void) {
    static double rate;
    if (rate == 0) {
        uint64_t start_tsc = 0, end_tsc = 0;
        double start_ns = 0, end_ns = 0;
        tsc_sample(&start_tsc, &start_ns);
        zxc_sleep_ms(200);
        tsc_sample(&end_tsc, &end_ns);
        rate = (double)(end_tsc - start_tsc) / (end_ns - start_ns);
    }
    return rate;
}

struct timer_run {
    uint64_t ticks, elapsed_ns, ended_by; /* ended_by: TIMER_DONE or the vector that ran */
    uint64_t armed_tsc, ahead, watchdog_tsc; /* TSC-deadline: the guest's TSC at the write */
};

/* Runs guests/apic_timer.S with the given registers until `ticks` timer interrupts came or the
 * watchdog fired after `watchdog_ms`. */
static struct timer_run run_timer_spinning(const char *clause, uint32_t lvt, uint32_t dcr,
                                           uint64_t count, uint64_t ticks, int watchdog_ms,
                                           bool spin) {
    struct zxc_guest g;
    zx_handle_t vcpu = zxc_guest_with_vcpu(&g, ZXC_IMAGE(apic_timer));
    zx_vcpu_state_t state = zxc_read_state(vcpu);
    state.r12 = lvt;
    state.r13 = dcr;
    state.r14 = count;
    state.r15 = ticks;
    state.rbp = spin;
    zxc_write_state(vcpu, &state);
    struct zxc_watchdog w;
    uint64_t start = zxc_now_ns();
    zxc_watchdog_start(&w, vcpu, WATCHDOG_VECTOR, watchdog_ms);
    zx_port_packet_t p = zxc_resume(vcpu, clause);
    uint64_t end = zxc_now_ns();
    zxc_watchdog_stop(&w);
    zxc_expect_u64(clause, "packet type (the guest's EXIT write)", ZX_PKT_TYPE_GUEST_MEM, p.type);
    state = zxc_read_state(vcpu);
    return (struct timer_run){.ticks = state.rbx, .elapsed_ns = end - start, .ended_by = state.rax,
                              .armed_tsc = state.r8, .ahead = count, .watchdog_tsc = state.r9};
}

static struct timer_run run_timer(const char *clause, uint32_t lvt, uint32_t dcr, uint64_t count,
                                  uint64_t ticks, int watchdog_ms) {
    return run_timer_spinning(clause, lvt, dcr, count, ticks, watchdog_ms, false);
}

/* Requires `ticks` interrupts, none earlier than ticks * period_ms after resume began. */
static void expect_fired(const char *clause, const char *mode, struct timer_run r, uint64_t ticks,
                         double period_ms) {
    char tsc[256] = "";
    if (r.armed_tsc != 0 && r.ended_by == WATCHDOG_VECTOR)
        snprintf(tsc, sizeof tsc, "; the guest counted its deadline from TSC %llu, %llu ticks "
                 "ahead, and its TSC was %lld ticks past that deadline when the watchdog came",
                 (unsigned long long)r.armed_tsc, (unsigned long long)r.ahead,
                 (long long)(r.watchdog_tsc - r.armed_tsc - r.ahead));
    if (r.ended_by != TIMER_DONE)
        zxc_fail(clause, "%s timer: %llu of %llu interrupts in %.0f ms, then the watchdog ran "
                 "(vector %llu)%s", mode, (unsigned long long)r.ticks, (unsigned long long)ticks,
                 (double)r.elapsed_ns / 1e6, (unsigned long long)r.ended_by, tsc);
    double earliest_ms = 0.95 * (double)ticks * period_ms;
    if ((double)r.elapsed_ns / 1e6 < earliest_ms)
        zxc_fail(clause, "%s timer: %llu interrupts after %.1f ms, expected no earlier than "
                 "%.1f ms", mode, (unsigned long long)ticks, (double)r.elapsed_ns / 1e6,
                 earliest_ms);
}

/* Timer counts (and TSC-deadline distances) for `ms` at the TSC's rate over `divisor`. */
static uint32_t count_for(double ms, unsigned divisor) {
    return (uint32_t)(ms * 1e6 * tsc_ticks_per_ns() / divisor);
}

ZXC_TEST(apic_timer_one_shot_wakes_hlt) {
    ZXC_COVERS("zx_vcpu_resume.DESCRIPTION.apic-timer-counts-rate");
    ZXC_COVERS("zx_vcpu_resume.DESCRIPTION.shot-mode-raises-vector");
    ZXC_COVERS("zx_vcpu_resume.DESCRIPTION.apic-timer-self-ipi");
    const double period_ms = 100;
    struct timer_run r = run_timer(CLAUSE_HLT_WAKES, TIMER_VECTOR, DCR_DIVIDE_1,
                                   count_for(period_ms, 1), 1, 5000);
    expect_fired(CLAUSE_TIMER_MODES, "one-shot", r, 1, period_ms);
}

ZXC_TEST(apic_timer_divide_rule) {
    ZXC_COVERS("zx_vcpu_resume.DESCRIPTION.apic-timer-counts-rate");
    const double period_ms = 100;
    struct timer_run r = run_timer(CLAUSE_TIMER_RATE, TIMER_VECTOR, DCR_DIVIDE_128,
                                   count_for(period_ms, 128), 1, 5000);
    expect_fired(CLAUSE_TIMER_RATE, "one-shot, divide by 128", r, 1, period_ms);
    r = run_timer(CLAUSE_TIMER_RATE, TIMER_VECTOR, DCR_DIVIDE_2, count_for(period_ms, 2), 1, 5000);
    expect_fired(CLAUSE_TIMER_RATE, "one-shot, divide by 2", r, 1, period_ms);
}

ZXC_TEST(apic_timer_periodic) {
    ZXC_COVERS("zx_vcpu_resume.DESCRIPTION.shot-mode-raises-vector");
    const double period_ms = 40;
    struct timer_run r = run_timer(CLAUSE_TIMER_MODES, LVT_PERIODIC | TIMER_VECTOR, DCR_DIVIDE_1,
                                   count_for(period_ms, 1), 5, 3000);
    expect_fired(CLAUSE_TIMER_MODES, "periodic", r, 5, period_ms);
}

/* The guest spins instead of halting: the expiry must stop it in the middle of running. */
ZXC_TEST(apic_timer_periodic_running_guest) {
    ZXC_COVERS("zx_vcpu_resume.DESCRIPTION.shot-mode-raises-vector");
    const double period_ms = 40;
    struct timer_run r = run_timer_spinning(CLAUSE_TIMER_MODES, LVT_PERIODIC | TIMER_VECTOR,
                                            DCR_DIVIDE_1, count_for(period_ms, 1), 3, 3000, true);
    expect_fired(CLAUSE_TIMER_MODES, "periodic, guest running", r, 3, period_ms);
}

ZXC_TEST(apic_timer_tsc_deadline) {
    ZXC_COVERS("zx_vcpu_resume.DESCRIPTION.shot-mode-raises-vector");
    const double period_ms = 100;
    struct timer_run r = run_timer(CLAUSE_TIMER_MODES, LVT_TSC_DEADLINE | TIMER_VECTOR,
                                   DCR_DIVIDE_1, count_for(period_ms, 1), 1, 5000);
    expect_fired(CLAUSE_TIMER_MODES, "TSC-deadline", r, 1, period_ms);
}

ZXC_TEST(apic_timer_masked) {
    ZXC_COVERS("zx_vcpu_resume.DESCRIPTION.raises-nothing-lvt-entry");
    const double period_ms = 20;
    struct timer_run r = run_timer(CLAUSE_TIMER_MASKED, LVT_MASKED | TIMER_VECTOR, DCR_DIVIDE_1,
                                   count_for(period_ms, 1), 1, 400);
    zxc_expect_u64(CLAUSE_TIMER_MASKED, "timer interrupts of a masked one-shot timer", 0, r.ticks);
    zxc_expect_u64(CLAUSE_TIMER_MASKED, "what ended the wait (the watchdog NMI)", WATCHDOG_VECTOR,
                   r.ended_by);
    r = run_timer(CLAUSE_TIMER_MASKED, LVT_MASKED | LVT_PERIODIC | TIMER_VECTOR, DCR_DIVIDE_1,
                  count_for(period_ms, 1), 1, 400);
    zxc_expect_u64(CLAUSE_TIMER_MASKED, "timer interrupts of a masked periodic timer", 0, r.ticks);
    r = run_timer(CLAUSE_TIMER_MASKED, LVT_MASKED | LVT_TSC_DEADLINE | TIMER_VECTOR, DCR_DIVIDE_1,
                  count_for(period_ms, 1), 1, 400);
    zxc_expect_u64(CLAUSE_TIMER_MASKED, "timer interrupts of a masked TSC-deadline timer", 0,
                   r.ticks);
}

/* Linux probes MSRs with rdmsr_safe while its one-shot timer runs: guests/timer_gp.S spins in
 * RDMSR of an MSR that #GPs while a one-shot timer that each tick re-arms comes every period. A
 * tick raised while such an exit is handled must still arrive (after the #GP); one lost tick
 * stops the ticks for good, as it stopped zxvmm's Linux guests. Whether a tick falls into that
 * window is up to the timer thread, so the guest waits for many. */
ZXC_TEST(apic_timer_tick_during_gp_exit) {
    ZXC_COVERS("zx_vcpu_resume.DESCRIPTION.shot-mode-raises-vector");
    const uint64_t ticks = 300;
    const double period_ms = 0.25;
    struct zxc_guest g;
    zx_handle_t vcpu = zxc_guest_with_vcpu(&g, ZXC_IMAGE(timer_gp));
    zx_vcpu_state_t state = zxc_read_state(vcpu);
    state.r12 = MSR_UNKNOWN;
    state.r14 = count_for(period_ms, 1);
    state.r15 = ticks;
    zxc_write_state(vcpu, &state);
    struct zxc_watchdog w;
    uint64_t start = zxc_now_ns();
    zxc_watchdog_start(&w, vcpu, WATCHDOG_VECTOR, 10000);
    zx_port_packet_t p = zxc_resume(vcpu, CLAUSE_TIMER_MODES);
    uint64_t end = zxc_now_ns();
    zxc_watchdog_stop(&w);
    zxc_expect_u64(CLAUSE_TIMER_MODES, "packet type (the guest's EXIT write)",
                   ZX_PKT_TYPE_GUEST_MEM, p.type);
    state = zxc_read_state(vcpu);
    if (state.rax != TIMER_DONE)
        zxc_fail(CLAUSE_TIMER_MODES, "one-shot timer re-armed by each tick, guest in RDMSR that "
                 "#GPs: %llu of %llu ticks (and %llu #GPs) in %.0f ms, then the watchdog ran "
                 "(vector %llu): a tick was lost", (unsigned long long)state.rbx,
                 (unsigned long long)ticks, (unsigned long long)state.rbp,
                 (double)(end - start) / 1e6, (unsigned long long)state.rax);
    else if (state.rbp == 0)
        zxc_fail(CLAUSE_TIMER_MODES, "the guest's RDMSR of MSR %#x raised no #GP: the test "
                 "proved nothing", MSR_UNKNOWN);
}

/* ---- TSC-deadline races (guests/tsc_deadline_rearm.S) --------------------------------------- */

/* How a run of tsc_deadline_rearm is set up: each tick re-arms the deadline `ahead` TSC ticks
 * after its RDTSC (negative: in the past), after IA32_TSC_ADJUST is set to `tsc_adjust`; the
 * VCPU waits in HLT between ticks unless `spin`; with `kick_ms`, another thread interrupts it
 * with KICK_VECTOR that often. */
struct rearm_plan {
    const char *what;
    int64_t ahead;
    uint64_t tsc_adjust, ticks;
    bool spin;
    int kick_ms, watchdog_ms;
};

struct rearm_run {
    uint64_t ticks, kicks, elapsed_ns, ended_by;
    uint64_t last_armed_tsc, watchdog_tsc; /* the TSC the last deadline counted from; at the NMI */
};

static struct rearm_run run_rearm(const struct rearm_plan *plan) {
    struct zxc_guest g;
    zx_handle_t vcpu = zxc_guest_with_vcpu(&g, ZXC_IMAGE(tsc_deadline_rearm));
    zx_vcpu_state_t state = zxc_read_state(vcpu);
    state.r12 = (uint64_t)plan->ahead;
    state.r13 = plan->tsc_adjust;
    state.r15 = plan->ticks;
    state.rbp = plan->spin;
    zxc_write_state(vcpu, &state);
    struct zxc_watchdog watchdog, kicker;
    uint64_t start = zxc_now_ns();
    zxc_watchdog_start(&watchdog, vcpu, WATCHDOG_VECTOR, plan->watchdog_ms);
    if (plan->kick_ms > 0)
        zxc_watchdog_start(&kicker, vcpu, KICK_VECTOR, plan->kick_ms);
    zx_port_packet_t p = zxc_resume(vcpu, CLAUSE_TIMER_MODES);
    uint64_t end = zxc_now_ns();
    if (plan->kick_ms > 0)
        zxc_watchdog_stop(&kicker);
    zxc_watchdog_stop(&watchdog);
    zxc_expect_u64(CLAUSE_TIMER_MODES, "packet type (the guest's EXIT write)",
                   ZX_PKT_TYPE_GUEST_MEM, p.type);
    state = zxc_read_state(vcpu);
    return (struct rearm_run){.ticks = state.rbx, .kicks = state.rsi,
                              .elapsed_ns = end - start, .ended_by = state.rax,
                              .last_armed_tsc = state.r8, .watchdog_tsc = state.r9};
}

/* Every tick must come: one lost stops the guest's ticks for good, as it stops Linux's. */
static void expect_every_tick(const struct rearm_plan *plan, struct rearm_run r) {
    if (r.ended_by != TIMER_DONE && r.ticks >= plan->ticks)
        zxc_fail(CLAUSE_TIMER_MODES, "TSC-deadline timer re-armed by each tick %s: all %llu ticks "
                 "came, but so slowly that the watchdog ran first, after %.0f ms (a host too "
                 "loaded for this test?)", plan->what, (unsigned long long)plan->ticks,
                 (double)r.elapsed_ns / 1e6);
    if (r.ended_by != TIMER_DONE)
        zxc_fail(CLAUSE_TIMER_MODES, "TSC-deadline timer re-armed by each tick %s: %llu of %llu "
                 "ticks in %.0f ms, then the watchdog ran (vector %llu): a deadline was lost "
                 "(the last was counted from TSC %llu; the guest's TSC was %lld ticks past it "
                 "when the watchdog came)", plan->what, (unsigned long long)r.ticks,
                 (unsigned long long)plan->ticks, (double)r.elapsed_ns / 1e6,
                 (unsigned long long)r.ended_by, (unsigned long long)r.last_armed_tsc,
                 (long long)(r.watchdog_tsc - r.last_armed_tsc - (uint64_t)plan->ahead));
}

static void run_and_expect_every_tick(const struct rearm_plan *plan) {
    expect_every_tick(plan, run_rearm(plan));
}

static int64_t ticks_for_us(double us) { return (int64_t)(us * 1e3 * tsc_ticks_per_ns()); }

/* A deadline written in the past fires at once (Intel SDM 10.5.4.1), every time. */
ZXC_TEST(apic_timer_tsc_deadline_past) {
    ZXC_COVERS("zx_vcpu_resume.DESCRIPTION.shot-mode-raises-vector");
    const struct rearm_plan halted = {"(deadline 1, long past), VCPU in HLT", INT64_MIN / 2, 0,
                                      100, false, 0, 10000};
    run_and_expect_every_tick(&halted);
    const struct rearm_plan spinning = {"(deadline 1, long past), VCPU spinning", INT64_MIN / 2,
                                        0, 100, true, 0, 10000};
    run_and_expect_every_tick(&spinning);
}

/* A deadline a few microseconds ahead has passed before the exit that writes it is handled. */
ZXC_TEST(apic_timer_tsc_deadline_due_during_exit) {
    ZXC_COVERS("zx_vcpu_resume.DESCRIPTION.shot-mode-raises-vector");
    const struct rearm_plan halted = {"2 us ahead, VCPU in HLT", ticks_for_us(2), 0, 100, false,
                                      0, 10000};
    run_and_expect_every_tick(&halted);
    const struct rearm_plan spinning = {"2 us ahead, VCPU spinning", ticks_for_us(2), 0, 100,
                                        true, 0, 10000};
    run_and_expect_every_tick(&spinning);
}

/* Linux's tick handler re-arms the timer from the interrupt, some 10^3 to 10^4 times a second
 * while it boots: deadlines about one exit's time ahead race the timer thread's sleep. */
ZXC_TEST(apic_timer_tsc_deadline_rearm_rate) {
    ZXC_COVERS("zx_vcpu_resume.DESCRIPTION.shot-mode-raises-vector");
    const double aheads_us[] = {20, 50, 100, 250};
    for (size_t i = 0; i < sizeof aheads_us / sizeof aheads_us[0]; i++) {
        for (int spin = 0; spin <= 1; spin++) {
            char what[64];
            snprintf(what, sizeof what, "%.0f us ahead, VCPU %s", aheads_us[i],
                     spin ? "spinning" : "in HLT");
            const struct rearm_plan plan = {what, ticks_for_us(aheads_us[i]), 0, 150, spin, 0,
                                            10000};
            run_and_expect_every_tick(&plan);
        }
    }
}

/* Kicks (other vectors from another thread) interleave with the expiries: each tick still comes,
 * and so does each kick's vector. */
ZXC_TEST(apic_timer_tsc_deadline_while_kicked) {
    ZXC_COVERS("zx_vcpu_resume.DESCRIPTION.shot-mode-raises-vector");
    ZXC_COVERS("zx_vcpu_interrupt.DESCRIPTION.raises-interrupt-vector-vcpu");
    for (int spin = 0; spin <= 1; spin++) {
        const struct rearm_plan plan = {spin ? "100 us ahead, VCPU spinning, kicked every ms"
                                             : "100 us ahead, VCPU in HLT, kicked every ms",
                                        ticks_for_us(100), 0, 300, spin, 1, 10000};
        struct rearm_run r = run_rearm(&plan);
        expect_every_tick(&plan, r);
        if (r.kicks == 0)
            zxc_fail("zx_vcpu_interrupt.DESCRIPTION.raises-interrupt-vector-vcpu", "%s: none of the kicks' "
                     "vector %u reached the guest in %.0f ms", plan.what, KICK_VECTOR,
                     (double)r.elapsed_ns / 1e6);
    }
}

/* IA32_TSC_ADJUST moves one VCPU's TSC; its deadlines are in that TSC, not another VCPU's. */
static void *run_rearm_thread(void *arg) {
    const struct rearm_plan *plan = arg;
    run_and_expect_every_tick(plan);
    return NULL;
}

ZXC_TEST(apic_timer_tsc_deadline_two_tscs) {
    ZXC_COVERS("zx_vcpu_resume.DESCRIPTION.shot-mode-raises-vector");
    const uint64_t moved = 1ull << 42; /* about half an hour of TSC ahead */
    const struct rearm_plan alone = {"50 us ahead, TSC moved by IA32_TSC_ADJUST", ticks_for_us(50),
                                     moved, 150, false, 0, 10000};
    run_and_expect_every_tick(&alone);
    const struct rearm_plan plans[2] = {
        {"50 us ahead, beside a VCPU whose TSC is moved", ticks_for_us(50), 0, 150, false, 0,
         10000},
        {"70 us ahead, TSC moved, beside a VCPU whose TSC is not", ticks_for_us(70), moved, 150,
         true, 0, 10000},
    };
    pthread_t threads[2];
    for (int i = 0; i < 2; i++)
        if (pthread_create(&threads[i], NULL, run_rearm_thread, (void *)&plans[i]) != 0)
            zxc_fail(NULL, "setup: pthread_create failed");
    for (int i = 0; i < 2; i++)
        pthread_join(threads[i], NULL);
}

/* A process that forks after its timers ran: the child's timers must work as the parent's did.
 * The parent's timer thread waits (nothing armed) when the child is forked; the child then re-arms
 * from every tick, and each re-arm wakes the child's own timer thread. */
ZXC_TEST(apic_timer_tsc_deadline_after_fork) {
    ZXC_COVERS("zx_vcpu_resume.DESCRIPTION.shot-mode-raises-vector");
    const struct rearm_plan before = {"in the parent, before forking", ticks_for_us(200), 0, 20,
                                      false, 0, 5000};
    run_and_expect_every_tick(&before);
    zxc_sleep_ms(20); /* the timer thread now waits with nothing armed */
    fflush(NULL);
    pid_t child = fork();
    if (child < 0)
        zxc_fail(NULL, "setup: fork failed");
    if (child == 0) {
        const struct rearm_plan plan = {"in a child forked after the parent's timers ran",
                                        ticks_for_us(300), 0, 100, false, 0, 10000};
        struct rearm_run r = run_rearm(&plan);
        _exit(r.ended_by == TIMER_DONE ? 0 : 100 + (int)(r.ticks > 99 ? 99 : r.ticks));
    }
    int status = 0;
    waitpid(child, &status, 0);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        zxc_fail(CLAUSE_TIMER_MODES, "TSC-deadline timer in a child forked after the parent's "
                 "timers ran: %s", WIFEXITED(status) && WEXITSTATUS(status) >= 100
                     ? "a deadline was lost (the watchdog ended the guest)"
                     : "the child did not finish its run");
}
