/* APIC timers: one thread for the whole library sleeps until the earliest armed deadline of any
 * VCPU, then lets apic.c fire it (Zircon's kernel timer callback). Firing raises the vector
 * through zxr_vcpu_raise, which wakes a halted VCPU or kicks a running one out of KVM_RUN, so
 * no VCPU thread ever polls for its timer. The thread starts with the first armed timer. */
#include <signal.h>
#include <time.h>

#include "zxr.h"

static pthread_mutex_t timers_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t timers_changed;
static pthread_once_t timers_once = PTHREAD_ONCE_INIT;
static struct zxr_vcpu *armed; /* linked through apic.next_armed */
static bool thread_running;

uint64_t zxr_monotonic_ns(void) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (uint64_t)now.tv_sec * 1000000000ull + (uint64_t)now.tv_nsec;
}

void zxr_apic_timers_lock(void) { pthread_mutex_lock(&timers_lock); }
void zxr_apic_timers_unlock(void) { pthread_mutex_unlock(&timers_lock); }

static void init_timers_changed(void) {
    pthread_condattr_t attr;
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    pthread_cond_init(&timers_changed, &attr);
    pthread_condattr_destroy(&attr);
}

/* A forked child has no timer thread and none of its parent's running VCPUs. Its copy of the
 * condition variable still counts the parent's timer thread as a waiter, which would take the
 * child's first signal (or block it): the child starts with a new one. */
static void before_fork(void) { pthread_mutex_lock(&timers_lock); }
static void after_fork_parent(void) { pthread_mutex_unlock(&timers_lock); }
static void after_fork_child(void) {
    armed = NULL;
    thread_running = false;
    init_timers_changed();
    pthread_mutex_unlock(&timers_lock);
}

static void init_timers(void) {
    init_timers_changed();
    pthread_atfork(before_fork, after_fork_parent, after_fork_child);
}

static void unlink_armed(struct zxr_vcpu *vcpu) {
    for (struct zxr_vcpu **p = &armed; *p != NULL; p = &(*p)->apic.next_armed) {
        if (*p == vcpu) {
            *p = vcpu->apic.next_armed;
            break;
        }
    }
    vcpu->apic.next_armed = NULL;
}

/* Fires every expired timer; returns the earliest deadline still armed (0: none). */
static uint64_t fire_expired_locked(void) {
    for (;;) {
        uint64_t now = zxr_monotonic_ns(), earliest = 0;
        struct zxr_vcpu *expired = NULL;
        for (struct zxr_vcpu *v = armed; v != NULL; v = v->apic.next_armed) {
            if (v->apic.deadline_ns <= now)
                expired = v;
            else if (earliest == 0 || v->apic.deadline_ns < earliest)
                earliest = v->apic.deadline_ns;
        }
        if (expired == NULL)
            return earliest;
        unlink_armed(expired);
        expired->apic.deadline_ns = 0;
        zxr_apic_timer_expired_locked(expired); /* may arm it again (periodic) */
    }
}

static void *timer_thread(void *arg) {
    (void)arg;
    pthread_mutex_lock(&timers_lock);
    for (;;) {
        uint64_t earliest = fire_expired_locked();
        if (earliest == 0) {
            pthread_cond_wait(&timers_changed, &timers_lock);
        } else {
            struct timespec at = {(time_t)(earliest / 1000000000ull),
                                  (long)(earliest % 1000000000ull)};
            pthread_cond_timedwait(&timers_changed, &timers_lock, &at);
        }
    }
    return NULL;
}

/* The thread takes no signals: the application's stay with its own threads. */
static bool start_thread_locked(void) {
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    pthread_t thread;
    bool started = pthread_create(&thread, NULL, timer_thread, NULL) == 0;
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (started)
        pthread_detach(thread);
    return started;
}

void zxr_apic_timer_set_locked(struct zxr_vcpu *vcpu, uint64_t deadline_ns) {
    pthread_once(&timers_once, init_timers);
    if (vcpu->apic.deadline_ns != 0)
        unlink_armed(vcpu);
    vcpu->apic.deadline_ns = deadline_ns;
    if (deadline_ns == 0)
        return;
    vcpu->apic.next_armed = armed;
    armed = vcpu;
    if (!thread_running)
        thread_running = start_thread_locked();
    pthread_cond_signal(&timers_changed);
}

void zxr_apic_timer_remove(struct zxr_vcpu *vcpu) {
    zxr_apic_timers_lock();
    if (vcpu->apic.deadline_ns != 0)
        unlink_armed(vcpu);
    vcpu->apic.deadline_ns = 0;
    zxr_apic_timers_unlock();
}
