/* The watchdog of guest tests (zxc.h): interrupts a VCPU from another thread until stopped. */
#include <pthread.h>
#include <time.h>

#include "zxc.h"

static struct timespec after(int ms) {
    struct timespec at;
    clock_gettime(CLOCK_REALTIME, &at);
    at.tv_sec += ms / 1000;
    at.tv_nsec += (long)(ms % 1000) * 1000000L;
    if (at.tv_nsec >= 1000000000L) {
        at.tv_sec++;
        at.tv_nsec -= 1000000000L;
    }
    return at;
}

static void *watchdog_main(void *arg) {
    struct zxc_watchdog *w = arg;
    pthread_mutex_lock(&w->lock);
    for (;;) {
        struct timespec at = after(w->every_ms);
        while (!w->done && pthread_cond_timedwait(&w->done_changed, &w->lock, &at) == 0) {
        }
        if (w->done)
            break;
        ZX(zx_vcpu_interrupt)(w->vcpu, w->vector);
    }
    pthread_mutex_unlock(&w->lock);
    return NULL;
}

void zxc_watchdog_start(struct zxc_watchdog *w, zx_handle_t vcpu, uint32_t vector, int every_ms) {
    *w = (struct zxc_watchdog){.vcpu = vcpu, .vector = vector, .every_ms = every_ms};
    pthread_mutex_init(&w->lock, NULL);
    pthread_cond_init(&w->done_changed, NULL);
    if (pthread_create(&w->thread, NULL, watchdog_main, w) != 0)
        zxc_fail(NULL, "harness: cannot start the watchdog thread");
}

void zxc_watchdog_stop(struct zxc_watchdog *w) {
    pthread_mutex_lock(&w->lock);
    w->done = true;
    pthread_cond_signal(&w->done_changed);
    pthread_mutex_unlock(&w->lock);
    pthread_join(w->thread, NULL);
}
