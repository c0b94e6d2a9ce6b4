/* The API fuzzer (libFuzzer): an input is a sequence of calls, each made from the model that
 * gen/fuzz_model.py derives from spec/ (build/fuzz/api_model.c), on live objects made afresh
 * for the input. Oracles: no crash, sanitizer report or hang; every status is ZX_OK or one
 * the call's ERRORS section lists; after the input, with every handle closed, the process has
 * as many file descriptors as before (leaked memory: LeakSanitizer at exit). Encoding: fuzz/README.md. */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "api_model.h"
#include "fuzz_support.h"

#define PAGE 4096u
#define MAX_ARGS 6
#define MAX_POOL 96
#define MAX_CALLS_PER_INPUT 32
#define GUEST_MEMORY (16 * PAGE)
#define OUT_DX 0xEE /* out %al,(%dx) */

/* ---- handles: live ones of each type, reduced-rights and closed ones ---- */
struct pool_entry {
    zx_handle_t handle;
    zx_obj_type_t type;
    bool reduced;
};
static struct pool_entry pool[MAX_POOL];
static unsigned pool_size;

static void pool_add(zx_handle_t handle, bool reduced) {
    zx_info_handle_basic_t info;
    if (pool_size == MAX_POOL ||
        fuzz_impl.zx_object_get_info(handle, ZX_INFO_HANDLE_BASIC, &info, sizeof info, NULL,
                                     NULL) != ZX_OK)
        return;
    pool[pool_size++] = (struct pool_entry){handle, info.type, reduced};
}

static bool handle_valid(zx_handle_t handle) {
    return fuzz_impl.zx_object_get_info(handle, ZX_INFO_HANDLE_VALID, NULL, 0, NULL, NULL) ==
           ZX_OK;
}

/* One of `type` (any type for NONE), reduced or not; the index picks among them. */
static bool pool_pick(zx_obj_type_t type, bool want_type, bool reduced, uint8_t index,
                      zx_handle_t *out) {
    unsigned matches[MAX_POOL], n = 0;
    for (unsigned i = 0; i < pool_size; i++) {
        bool type_ok = type == ZX_OBJ_TYPE_NONE || (pool[i].type == type) == want_type;
        if (type_ok && pool[i].reduced == reduced && handle_valid(pool[i].handle))
            matches[n++] = i;
    }
    if (n == 0)
        return false;
    *out = pool[matches[index % n]].handle;
    return true;
}

static zx_handle_t closed_handle;

/* The objects every input starts with, made on this (the owner) thread. */
static void make_objects(void) {
    pool_size = 0;
    zx_handle_t resource, vmo, guest = ZX_HANDLE_INVALID, vcpu, port, event, dup;
    if (fuzz_impl.zxconf_hypervisor_resource(&resource) == ZX_OK)
        pool_add(resource, false);
    if (fuzz_impl.zx_vmo_create(GUEST_MEMORY, 0, &vmo) == ZX_OK) {
        /* Guest memory is OUTs, which exit (no trap: NOT_FOUND): zeros would let a real-mode
         * VCPU loop for ever, clearing its IVT so that not even an NMI gets it out. */
        static uint8_t exits[GUEST_MEMORY];
        if (exits[0] != OUT_DX)
            memset(exits, OUT_DX, sizeof exits);
        fuzz_impl.zx_vmo_write(vmo, exits, 0, sizeof exits);
        pool_add(vmo, false);
        if (fuzz_impl.zx_guest_create(resource, 0, vmo, &guest) == ZX_OK)
            pool_add(guest, false);
    }
    if (guest != ZX_HANDLE_INVALID && fuzz_impl.zx_vcpu_create(guest, 0, 0, &vcpu) == ZX_OK)
        pool_add(vcpu, false);
    if (fuzz_impl.zx_port_create(0, &port) == ZX_OK)
        pool_add(port, false);
    if (fuzz_impl.zx_event_create(0, &event) == ZX_OK)
        pool_add(event, false);
    /* A copy of each without the rights the calls check (READ, WRITE, EXECUTE, SIGNAL). */
    unsigned made = pool_size;
    for (unsigned i = 0; i < made; i++)
        if (fuzz_impl.zx_handle_duplicate(pool[i].handle, ZX_RIGHT_DUPLICATE | ZX_RIGHT_TRANSFER,
                                          &dup) == ZX_OK)
            pool_add(dup, true);
    if (fuzz_impl.zx_event_create(0, &closed_handle) == ZX_OK)
        fuzz_impl.zx_handle_close(closed_handle);
}

static void close_everything(void) {
    for (unsigned i = 0; i < pool_size; i++)
        if (handle_valid(pool[i].handle))
            fuzz_impl.zx_handle_close(pool[i].handle);
    pool_size = 0;
}

/* ---- memory the pointers point into: two pages, then one that is not mapped ---- */
static uint8_t *arena;     /* 2 pages read-write, then a PROT_NONE page */
static uint8_t *read_only; /* 1 page */

static void make_arena(void) {
    arena = mmap(NULL, 3 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    read_only = mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (arena == MAP_FAILED || read_only == MAP_FAILED ||
        mprotect(arena + 2 * PAGE, PAGE, PROT_NONE) != 0) {
        perror("zxfuzz: mmap");
        _exit(2);
    }
    memset(arena, OUT_DX, 2 * PAGE); /* what vmo_write puts in guest memory: exits too */
}

/* A pointer to `size` bytes: valid (ending at the guard page, so an access past `size`
 * faults), NULL, unmapped, read-only, or straddling the guard page. */
static uint64_t pick_pointer(struct fuzz_reader *r, size_t size, bool *valid) {
    uint8_t choice = fuzz_byte(r) % 8;
    size_t fit = size > 2 * PAGE ? 2 * PAGE : size;
    *valid = choice < 4;
    switch (choice) {
    case 4: return 0;
    case 5: return (uint64_t)(uintptr_t)(arena + 2 * PAGE);
    case 6: return (uint64_t)(uintptr_t)read_only;
    case 7: return (uint64_t)(uintptr_t)(arena + 2 * PAGE - (fit + 1) / 2);
    default: return (uint64_t)(uintptr_t)(arena + 2 * PAGE - fit);
    }
}

static uint64_t pick_value(struct fuzz_reader *r, const struct fuzz_arg *arg) {
    uint8_t choice = fuzz_byte(r);
    uint64_t mask = arg->bits >= 64 ? ~0ull : (1ull << arg->bits) - 1;
    if (arg->value_count > 0 && choice < 0x80)
        return arg->values[choice % arg->value_count];
    const uint64_t edges[] = {0, 1, 2, PAGE - 1, PAGE, PAGE + 1, mask, mask - 1,
                              mask >> 1, (mask >> 1) + 1, GUEST_MEMORY, GUEST_MEMORY - PAGE};
    unsigned n = sizeof edges / sizeof edges[0];
    if (choice % (n + 1) == n)
        return fuzz_u64(r) & mask;
    return edges[choice % (n + 1)] & mask;
}

static uint64_t pick_size(struct fuzz_reader *r) {
    const uint64_t sizes[] = {sizeof(zx_vcpu_state_t), sizeof(zx_vcpu_io_t),
                              sizeof(zx_info_handle_basic_t), sizeof(zx_port_packet_t),
                              0, 1, 8, PAGE, 2 * PAGE, 3 * PAGE, SIZE_MAX};
    unsigned n = sizeof sizes / sizeof sizes[0];
    uint8_t choice = fuzz_byte(r);
    return choice % (n + 1) == n ? fuzz_u64(r) & 0xffff : sizes[choice % (n + 1)];
}

/* ---- one call ---- */
struct call {
    const struct fuzz_call *model;
    uint64_t args[MAX_ARGS];
    zx_status_t status;
};

typedef zx_status_t (*any_call)(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);

static void *run_call(void *p) {
    struct call *c = p;
    any_call fn = (any_call)fuzz_impl_symbol(c->model->name);
    if (strcmp(c->model->name, "zx_vcpu_resume") == 0) /* under the watchdog */
        c->status = fuzz_resume((zx_handle_t)c->args[0], (zx_port_packet_t *)(uintptr_t)c->args[1]);
    else if (fn == NULL)
        fuzz_finding("the implementation does not export %s", c->model->name);
    else
        c->status = fn(c->args[0], c->args[1], c->args[2], c->args[3], c->args[4], c->args[5]);
    return NULL;
}

static bool allowed(const struct fuzz_call *model, zx_status_t status) {
    for (unsigned i = 0; i < model->status_count; i++)
        if (model->statuses[i] == status)
            return true;
    return false;
}

static void one_call(struct fuzz_reader *r) {
    struct call c = {.model = &fuzz_calls[fuzz_byte(r) % fuzz_call_count]};
    bool other_thread = fuzz_byte(r) & 1;
    bool out_valid[MAX_ARGS] = {false};
    const struct fuzz_arg *args = c.model->args;
    for (unsigned i = 0; i < c.model->arg_count && i < MAX_ARGS; i++) {
        const struct fuzz_arg *arg = &args[i];
        uint8_t choice;
        zx_handle_t h = ZX_HANDLE_INVALID;
        switch (arg->kind) {
        case FUZZ_HANDLE:
            choice = fuzz_byte(r);
            switch (choice % 8) {
            case 4: h = closed_handle; break;
            case 5: h = ZX_HANDLE_INVALID; break;
            case 6: h = (zx_handle_t)fuzz_u64(r); break;
            case 7: pool_pick(arg->object, false, false, choice >> 3, &h); break; /* wrong type */
            case 3: pool_pick(arg->object, true, true, choice >> 3, &h); break;   /* reduced */
            default: pool_pick(arg->object, true, false, choice >> 3, &h); break;
            }
            c.args[i] = h;
            break;
        case FUZZ_OUT_HANDLE:
        case FUZZ_OUT:
            c.args[i] = pick_pointer(r, arg->size, &out_valid[i]);
            break;
        case FUZZ_IN: {
            c.args[i] = pick_pointer(r, arg->size, &out_valid[i]);
            if (out_valid[i])
                for (size_t b = 0; b < arg->size; b++)
                    ((uint8_t *)(uintptr_t)c.args[i])[b] = fuzz_byte(r);
            break;
        }
        case FUZZ_SIZE:
            break; /* chosen with its buffer */
        case FUZZ_BUFFER: {
            uint64_t size = pick_size(r);
            c.args[arg->size_arg] = size;
            c.args[i] = pick_pointer(r, size, &out_valid[i]);
            break;
        }
        case FUZZ_DEADLINE: {
            /* Never a deadline in the future: an empty port would block the fuzzer. */
            const int64_t past[] = {0, 1, -1, INT64_MIN};
            c.args[i] = (uint64_t)past[fuzz_byte(r) % 4];
            break;
        }
        case FUZZ_VALUE:
            c.args[i] = pick_value(r, arg);
            break;
        }
    }
    if (other_thread) {
        pthread_t t;
        if (pthread_create(&t, NULL, run_call, &c) != 0)
            run_call(&c);
        else
            pthread_join(t, NULL);
    } else {
        run_call(&c);
    }
    fuzz_count_status(c.model->name, c.status);
    if (!allowed(c.model, c.status))
        fuzz_finding("%s returned %s, which is not ZX_OK nor in its ERRORS (%s)", c.model->name,
                     zxc_status_name(c.status), c.model->page);
    for (unsigned i = 0; i < c.model->arg_count && i < MAX_ARGS; i++)
        if (args[i].kind == FUZZ_OUT_HANDLE && out_valid[i] && c.status == ZX_OK)
            pool_add(*(zx_handle_t *)(uintptr_t)c.args[i], false);
}

int LLVMFuzzerInitialize(int *argc, char ***argv) {
    (void)argc;
    (void)argv;
    fuzz_load_impl();
    make_arena();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static uint64_t inputs;
    int fds = fuzz_count_fds();
    struct fuzz_reader r = {data, size, 0};
    make_objects();
    for (int n = 0; n < MAX_CALLS_PER_INPUT && r.at < r.size; n++)
        one_call(&r);
    close_everything();
    int fds_after = fuzz_count_fds();
    if (fds_after != fds)
        fuzz_finding("%d file descriptors before the input, %d after closing every handle", fds,
                     fds_after);
    if (++inputs % 256 == 0)
        fuzz_write_stats();
    return 0;
}
