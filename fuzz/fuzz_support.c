/* See fuzz_support.h. */
#include "fuzz_support.h"

#include <dirent.h>
#include <dlfcn.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

struct fuzz_impl fuzz_impl;
static void *library;

void *fuzz_impl_symbol(const char *name) { return library ? dlsym(library, name) : NULL; }

void fuzz_load_impl(void) {
    const char *path = getenv("ZXC_FUZZ_IMPL");
    if (path == NULL) {
        fprintf(stderr, "zxfuzz: set ZXC_FUZZ_IMPL to the implementation (.so) to fuzz\n");
        exit(2);
    }
    library = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (library == NULL) {
        fprintf(stderr, "zxfuzz: cannot load %s: %s\n", path, dlerror());
        exit(2);
    }
#define FUZZ_IMPL_LOOKUP(name)                                                        \
    fuzz_impl.name = (__typeof__(fuzz_impl.name))fuzz_impl_symbol(#name);             \
    if (fuzz_impl.name == NULL) {                                                     \
        fprintf(stderr, "zxfuzz: %s does not export %s\n", path, #name);              \
        exit(2);                                                                      \
    }
    FUZZ_IMPL_LOOKUP(zx_handle_close) FUZZ_IMPL_LOOKUP(zx_handle_duplicate)
    FUZZ_IMPL_LOOKUP(zx_object_get_info) FUZZ_IMPL_LOOKUP(zx_vmo_create)
    FUZZ_IMPL_LOOKUP(zx_vmo_write) FUZZ_IMPL_LOOKUP(zx_port_create)
    FUZZ_IMPL_LOOKUP(zx_event_create) FUZZ_IMPL_LOOKUP(zx_guest_create)
    FUZZ_IMPL_LOOKUP(zx_guest_set_trap) FUZZ_IMPL_LOOKUP(zx_vcpu_create)
    FUZZ_IMPL_LOOKUP(zx_vcpu_resume) FUZZ_IMPL_LOOKUP(zx_vcpu_interrupt)
    FUZZ_IMPL_LOOKUP(zx_vcpu_read_state) FUZZ_IMPL_LOOKUP(zx_vcpu_write_state)
    FUZZ_IMPL_LOOKUP(zxconf_hypervisor_resource)
#undef FUZZ_IMPL_LOOKUP
    atexit(fuzz_write_stats);
    fprintf(stderr, "zxfuzz: fuzzing %s\n", path);
}

uint8_t fuzz_byte(struct fuzz_reader *r) { return r->at < r->size ? r->data[r->at++] : 0; }

uint64_t fuzz_u64(struct fuzz_reader *r) {
    uint64_t value = 0;
    for (int i = 0; i < 8; i++)
        value |= (uint64_t)fuzz_byte(r) << (8 * i);
    return value;
}

static int count_entries(const char *dir_path) {
    DIR *dir = opendir(dir_path);
    if (dir == NULL)
        return -1;
    int n = 0;
    while (readdir(dir) != NULL)
        n++;
    closedir(dir);
    return n;
}

int fuzz_count_fds(void) { return count_entries("/proc/self/fd"); }

/* ---- the resume watchdog ---- */
#define RESUME_KICK_MS 200
#define RESUME_KICK_EVERY_MS 50
#define RESUME_HANG_MS 20000
#define NMI_VECTOR 2
/* The lock makes sure no interrupt is still being sent once fuzz_resume has returned: such a
 * call holds a reference to the VCPU, and closing it would then not close its fds at once. */
static pthread_mutex_t resume_lock = PTHREAD_MUTEX_INITIALIZER;
static uint64_t resume_started_ms; /* 0: no resume running */
static zx_handle_t resume_vcpu;
static pthread_once_t watchdog_once = PTHREAD_ONCE_INIT;
static void (*before_nmi)(void);

void fuzz_resume_before_nmi(void (*restore)(void)) {
    pthread_mutex_lock(&resume_lock);
    before_nmi = restore;
    pthread_mutex_unlock(&resume_lock);
}

static void *watchdog(void *unused) {
    (void)unused;
    for (;;) {
        usleep(RESUME_KICK_EVERY_MS * 1000);
        pthread_mutex_lock(&resume_lock);
        uint64_t ran = resume_started_ms == 0 ? 0 : fuzz_now_ms() - resume_started_ms;
        if (ran > RESUME_HANG_MS)
            fuzz_finding("zx_vcpu_resume did not return within %d ms, interrupted since %d ms",
                         RESUME_HANG_MS, RESUME_KICK_MS);
        if (ran > RESUME_KICK_MS) {
            if (before_nmi != NULL)
                before_nmi();
            fuzz_impl.zx_vcpu_interrupt(resume_vcpu, NMI_VECTOR);
        }
        pthread_mutex_unlock(&resume_lock);
    }
    return NULL;
}

static void start_watchdog(void) {
    pthread_t thread;
    if (pthread_create(&thread, NULL, watchdog, NULL) != 0) {
        perror("zxfuzz: watchdog");
        exit(2);
    }
}

zx_status_t fuzz_resume(zx_handle_t vcpu, zx_port_packet_t *packet) {
    pthread_once(&watchdog_once, start_watchdog);
    pthread_mutex_lock(&resume_lock);
    resume_vcpu = vcpu;
    resume_started_ms = fuzz_now_ms();
    pthread_mutex_unlock(&resume_lock);
    zx_status_t status = fuzz_impl.zx_vcpu_resume(vcpu, packet);
    pthread_mutex_lock(&resume_lock);
    resume_started_ms = 0;
    pthread_mutex_unlock(&resume_lock);
    return status;
}

/* ---- statuses per call ---- */
#define MAX_CALLS 64
#define MAX_STATUS 64 /* -status: ZX_OK and ZX_ERR_* down to -63 */
static pthread_mutex_t stats_lock = PTHREAD_MUTEX_INITIALIZER;
static const char *stat_calls[MAX_CALLS];
static uint64_t stat_counts[MAX_CALLS][MAX_STATUS + 1]; /* the last column: anything else */

void fuzz_count_status(const char *call, zx_status_t status) {
    pthread_mutex_lock(&stats_lock);
    unsigned i = 0;
    while (i < MAX_CALLS && stat_calls[i] != NULL && strcmp(stat_calls[i], call) != 0)
        i++;
    if (i < MAX_CALLS) {
        stat_calls[i] = call;
        stat_counts[i][status <= 0 && status > -MAX_STATUS ? -status : MAX_STATUS]++;
    }
    pthread_mutex_unlock(&stats_lock);
}

void fuzz_write_stats(void) {
    const char *path = getenv("ZXC_FUZZ_STATS");
    if (path == NULL)
        return;
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    FILE *f = fopen(tmp, "w");
    if (f == NULL)
        return;
    pthread_mutex_lock(&stats_lock);
    for (unsigned i = 0; i < MAX_CALLS && stat_calls[i] != NULL; i++)
        for (int s = 0; s <= MAX_STATUS; s++)
            if (stat_counts[i][s] != 0)
                fprintf(f, "%s %s %llu\n", stat_calls[i],
                        s == MAX_STATUS ? "other" : zxc_status_name(-s),
                        (unsigned long long)stat_counts[i][s]);
    pthread_mutex_unlock(&stats_lock);
    fclose(f);
    rename(tmp, path);
}

void fuzz_finding(const char *fmt, ...) {
    va_list args;
    va_start(args, fmt);
    fprintf(stderr, "zxfuzz: FINDING: ");
    vfprintf(stderr, fmt, args);
    fprintf(stderr, "\n");
    va_end(args);
    fuzz_write_stats();
    abort();
}

uint64_t fuzz_now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}
