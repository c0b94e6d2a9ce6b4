/* Baselines: for each call of spec/ a valid invocation on fresh fixtures. A table row applies one fault
 * to one argument of it; so every argument here must be valid on its own. */
#include <string.h>

#include "baselines.h"

static void set_arg(struct zxc_baseline *b, int i, enum zxc_arg_kind kind, uint64_t value) {
    b->kinds[i] = kind;
    b->args[i] = value;
}

/* The guest fixture plus a VCPU (on this thread) whose code writes the EXIT page at once. */
static void guest_and_vcpu(struct zxc_baseline *b) {
    b->vcpu = zxc_guest_with_vcpu(&b->guest, ZXC_IMAGE(exit));
}

static void zx_guest_create_baseline(struct zxc_baseline *b) {
    b->guest.resource = zxc_hypervisor_resource();
    set_arg(b, 0, ZXC_ARG_RESOURCE, b->guest.resource);
    set_arg(b, 1, ZXC_ARG_VALUE, 0);
    set_arg(b, 2, ZXC_ARG_VMO, zxc_vmo_new(ZXC_GUEST_MEM_SIZE));
    set_arg(b, 3, ZXC_ARG_OUT_POINTER, (uintptr_t)&b->out_handle);
}

/* A BELL trap, so that every argument (the port included) takes part. */
static void zx_guest_set_trap_baseline(struct zxc_baseline *b) {
    zxc_guest_init(&b->guest);
    b->port = zxc_port_new();
    set_arg(b, 0, ZXC_ARG_GUEST, b->guest.guest);
    set_arg(b, 1, ZXC_ARG_VALUE, ZX_GUEST_TRAP_BELL);
    set_arg(b, 2, ZXC_ARG_VALUE, ZXC_TRAP_ADDR);
    set_arg(b, 3, ZXC_ARG_VALUE, ZXC_PAGE_SIZE);
    set_arg(b, 4, ZXC_ARG_PORT, b->port);
    set_arg(b, 5, ZXC_ARG_VALUE, ZXC_TRAP_KEY);
}

static void zx_vcpu_create_baseline(struct zxc_baseline *b) {
    zxc_guest_init(&b->guest);
    set_arg(b, 0, ZXC_ARG_GUEST, b->guest.guest);
    set_arg(b, 1, ZXC_ARG_VALUE, 0);
    set_arg(b, 2, ZXC_ARG_VALUE, ZXC_GUEST_ENTRY);
    set_arg(b, 3, ZXC_ARG_OUT_POINTER, (uintptr_t)&b->out_handle);
}

static void zx_vcpu_resume_baseline(struct zxc_baseline *b) {
    guest_and_vcpu(b);
    set_arg(b, 0, ZXC_ARG_VCPU, b->vcpu);
    set_arg(b, 1, ZXC_ARG_OUT_POINTER, (uintptr_t)&b->packet);
}

static void zx_vcpu_interrupt_baseline(struct zxc_baseline *b) {
    guest_and_vcpu(b);
    set_arg(b, 0, ZXC_ARG_VCPU, b->vcpu);
    set_arg(b, 1, ZXC_ARG_VALUE, 32); /* the first vector free for external interrupts */
}

static void zx_vcpu_read_state_baseline(struct zxc_baseline *b) {
    guest_and_vcpu(b);
    set_arg(b, 0, ZXC_ARG_VCPU, b->vcpu);
    set_arg(b, 1, ZXC_ARG_VALUE, ZX_VCPU_STATE);
    set_arg(b, 2, ZXC_ARG_OUT_POINTER, (uintptr_t)&b->state);
    set_arg(b, 3, ZXC_ARG_VALUE, sizeof b->state);
}

/* The buffer is valid under either kind, so that a row giving another kind tests only the
 * length: RAX = 1 makes its first 8 bytes a zx_vcpu_io_t with access_size 1. */
static void zx_vcpu_write_state_baseline(struct zxc_baseline *b) {
    guest_and_vcpu(b);
    b->state = zxc_read_state(b->vcpu);
    b->state.rax = 1;
    set_arg(b, 0, ZXC_ARG_VCPU, b->vcpu);
    set_arg(b, 1, ZXC_ARG_VALUE, ZX_VCPU_STATE);
    set_arg(b, 2, ZXC_ARG_IN_POINTER, (uintptr_t)&b->state);
    set_arg(b, 3, ZXC_ARG_VALUE, sizeof b->state);
}

/* The object calls take any handle: a VMO, the one object every implementation must offer
 * (an event is optional). It has every right those calls check. */
static void zx_handle_close_baseline(struct zxc_baseline *b) {
    set_arg(b, 0, ZXC_ARG_VMO, zxc_vmo_new(ZXC_PAGE_SIZE));
}

static void zx_handle_duplicate_baseline(struct zxc_baseline *b) {
    set_arg(b, 0, ZXC_ARG_VMO, zxc_vmo_new(ZXC_PAGE_SIZE));
    set_arg(b, 1, ZXC_ARG_VALUE, ZX_RIGHT_SAME_RIGHTS);
    set_arg(b, 2, ZXC_ARG_OUT_POINTER, (uintptr_t)&b->out_handle);
}

static void zx_handle_replace_baseline(struct zxc_baseline *b) {
    zx_handle_duplicate_baseline(b);
}

static void zx_object_get_info_baseline(struct zxc_baseline *b) {
    set_arg(b, 0, ZXC_ARG_VMO, zxc_vmo_new(ZXC_PAGE_SIZE));
    set_arg(b, 1, ZXC_ARG_VALUE, ZX_INFO_HANDLE_BASIC);
    set_arg(b, 2, ZXC_ARG_OUT_POINTER, (uintptr_t)&b->info);
    set_arg(b, 3, ZXC_ARG_VALUE, sizeof b->info);
    set_arg(b, 4, ZXC_ARG_OUT_POINTER, (uintptr_t)&b->actual);
    set_arg(b, 5, ZXC_ARG_OUT_POINTER, (uintptr_t)&b->avail);
}

static void zx_event_create_baseline(struct zxc_baseline *b) {
    set_arg(b, 0, ZXC_ARG_VALUE, 0);
    set_arg(b, 1, ZXC_ARG_OUT_POINTER, (uintptr_t)&b->out_handle);
}

static void zx_port_create_baseline(struct zxc_baseline *b) {
    set_arg(b, 0, ZXC_ARG_VALUE, 0);
    set_arg(b, 1, ZXC_ARG_OUT_POINTER, (uintptr_t)&b->out_handle);
}

static void user_packet(struct zxc_baseline *b) {
    b->packet = (zx_port_packet_t){.key = ZXC_TRAP_KEY, .type = ZX_PKT_TYPE_USER};
    b->packet.user.u64[0] = 0x600d;
}

static void zx_port_queue_baseline(struct zxc_baseline *b) {
    user_packet(b);
    set_arg(b, 0, ZXC_ARG_PORT, zxc_port_new());
    set_arg(b, 1, ZXC_ARG_IN_POINTER, (uintptr_t)&b->packet);
}

/* A packet is already queued, so deadline 0 (long past) still returns it at once: the call
 * does not depend on the implementation's clock. */
static void zx_port_wait_baseline(struct zxc_baseline *b) {
    zx_handle_t port = zxc_port_new();
    user_packet(b);
    zx_status_t status = ZX(zx_port_queue)(port, &b->packet);
    if (status != ZX_OK)
        zxc_fail(NULL, "setup: zx_port_queue(a user packet) returned %s", zxc_status_name(status));
    memset(&b->packet, 0, sizeof b->packet);
    set_arg(b, 0, ZXC_ARG_PORT, port);
    set_arg(b, 1, ZXC_ARG_VALUE, 0);
    set_arg(b, 2, ZXC_ARG_OUT_POINTER, (uintptr_t)&b->packet);
}

static void zx_vmo_create_baseline(struct zxc_baseline *b) {
    set_arg(b, 0, ZXC_ARG_VALUE, ZXC_PAGE_SIZE);
    set_arg(b, 1, ZXC_ARG_VALUE, 0);
    set_arg(b, 2, ZXC_ARG_OUT_POINTER, (uintptr_t)&b->out_handle);
}

static void zx_vmo_get_size_baseline(struct zxc_baseline *b) {
    set_arg(b, 0, ZXC_ARG_VMO, zxc_vmo_new(ZXC_PAGE_SIZE));
    set_arg(b, 1, ZXC_ARG_OUT_POINTER, (uintptr_t)&b->size);
}

/* A few bytes inside a one-page VMO; the length fits in one page so that the read-only and
 * unmapped pages of the pointer faults cover the whole transfer. */
static void zx_vmo_read_baseline(struct zxc_baseline *b) {
    set_arg(b, 0, ZXC_ARG_VMO, zxc_vmo_new(ZXC_PAGE_SIZE));
    set_arg(b, 1, ZXC_ARG_OUT_POINTER, (uintptr_t)b->bytes);
    set_arg(b, 2, ZXC_ARG_VALUE, 0);
    set_arg(b, 3, ZXC_ARG_VALUE, sizeof b->bytes);
}

static void zx_vmo_write_baseline(struct zxc_baseline *b) {
    memset(b->bytes, 0xa5, sizeof b->bytes);
    zx_vmo_read_baseline(b);
    b->kinds[1] = ZXC_ARG_IN_POINTER;
}

static const struct {
    const char *call;
    void (*build)(struct zxc_baseline *b);
} baselines[] = {
    {"zx_guest_create", zx_guest_create_baseline},
    {"zx_guest_set_trap", zx_guest_set_trap_baseline},
    {"zx_vcpu_create", zx_vcpu_create_baseline},
    {"zx_vcpu_resume", zx_vcpu_resume_baseline},
    {"zx_vcpu_interrupt", zx_vcpu_interrupt_baseline},
    {"zx_vcpu_read_state", zx_vcpu_read_state_baseline},
    {"zx_vcpu_write_state", zx_vcpu_write_state_baseline},
    {"zx_event_create", zx_event_create_baseline},
    {"zx_handle_close", zx_handle_close_baseline},
    {"zx_handle_duplicate", zx_handle_duplicate_baseline},
    {"zx_handle_replace", zx_handle_replace_baseline},
    {"zx_object_get_info", zx_object_get_info_baseline},
    {"zx_port_create", zx_port_create_baseline},
    {"zx_port_queue", zx_port_queue_baseline},
    {"zx_port_wait", zx_port_wait_baseline},
    {"zx_vmo_create", zx_vmo_create_baseline},
    {"zx_vmo_get_size", zx_vmo_get_size_baseline},
    {"zx_vmo_read", zx_vmo_read_baseline},
    {"zx_vmo_write", zx_vmo_write_baseline},
};

static void (*find_baseline(const char *call))(struct zxc_baseline *) {
    for (size_t i = 0; i < sizeof baselines / sizeof baselines[0]; i++) {
        if (strcmp(baselines[i].call, call) == 0) return baselines[i].build;
    }
    return NULL;
}

bool zxc_baseline_exists(const char *call) {
    return find_baseline(call) != NULL;
}

void zxc_baseline_build(const char *call, struct zxc_baseline *b) {
    memset(b, 0, sizeof *b);
    find_baseline(call)(b);
}

zx_handle_t zxc_baseline_new_object(struct zxc_baseline *b, enum zxc_arg_kind kind) {
    switch (kind) {
    case ZXC_ARG_RESOURCE:
        return zxc_hypervisor_resource();
    case ZXC_ARG_VMO:
        return zxc_vmo_new(ZXC_PAGE_SIZE);
    case ZXC_ARG_PORT:
        return zxc_port_new();
    case ZXC_ARG_GUEST: {
        struct zxc_guest extra;
        zxc_guest_init(&extra);
        zxc_close(extra.resource);
        zxc_close(extra.vmo);
        return extra.guest;
    }
    case ZXC_ARG_VCPU:
        if (b->guest.guest == ZX_HANDLE_INVALID) zxc_guest_init(&b->guest);
        return zxc_vcpu_new(&b->guest, ZXC_GUEST_ENTRY);
    default:
        zxc_fail(NULL, "harness: no object for a non-handle argument");
    }
}
