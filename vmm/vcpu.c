/* The VCPUs: one thread each, which creates its VCPU (a VCPU belongs to the thread that created
 * it) and runs the one loop: resume, dispatch the packet by type, repeat. The boot CPU starts the
 * others with STARTUP IPIs, which reach zxvmm as GUEST_VCPU packets. */
#include <stdio.h>
#include <string.h>

#include "impl.h"
#include "machine.h"

static bool ended(struct machine *m) {
    return __atomic_load_n(&m->end, __ATOMIC_ACQUIRE) != GUEST_RUNNING;
}

static void handle_io(struct machine *m, struct vcpu *v, const zx_packet_guest_io_t *io) {
    if (io->access_size != 1 && io->access_size != 2 && io->access_size != 4) {
        machine_end(m, VMM_FAILED, "VCPU %u: zx_vcpu_resume gave an IO packet for port 0x%x "
                    "with access_size %u (expected 1, 2 or 4)", v->id, io->port, io->access_size);
        return;
    }
    if (!io->input) {
        uint32_t mask = io->access_size == 4 ? 0xffffffffu : (1u << (8 * io->access_size)) - 1;
        io_bus_write(m, io->port, io->access_size, io->u32 & mask);
        return;
    }
    zx_vcpu_io_t value = {.access_size = io->access_size};
    value.u32 = io_bus_read(m, io->port, io->access_size);
    zx_status_t status = zx.zx_vcpu_write_state(v->handle, ZX_VCPU_IO, &value, sizeof(value));
    if (status != ZX_OK)
        machine_call_failed(m, "zx_vcpu_write_state", status, "giving an IN instruction its value");
}

void vcpu_interrupt_mask(struct machine *m, uint64_t mask, uint32_t vector) {
    for (uint32_t id = 0; id < m->cpus && id < 64; id++) {
        struct vcpu *v = &m->vcpus[id];
        if (!(mask & (1ull << id)) || !v->started)
            continue;
        zx_status_t status = zx.zx_vcpu_interrupt(v->handle, vector);
        if (status != ZX_OK) {
            char what[64];
            snprintf(what, sizeof(what), "vector %u for VCPU %u", vector, id);
            machine_call_failed(m, "zx_vcpu_interrupt", status, what);
        }
    }
}

static void *vcpu_thread(void *arg);

/* A STARTUP packet: a new VCPU thread at the packet's entry, once per VCPU (Linux sends two). */
static void start_vcpu(struct machine *m, struct vcpu *from, uint64_t id, zx_gpaddr_t entry) {
    pthread_mutex_lock(&m->lock);
    if (id >= m->cpus) {
        if (m->verbose)
            fprintf(stderr, "zxvmm: VCPU %u asked to start CPU %llu, which this machine lacks\n",
                    from->id, (unsigned long long)id);
    } else if (!m->vcpus[id].launched) {
        struct vcpu *v = &m->vcpus[id];
        v->launched = true;
        v->entry = entry;
        if (pthread_create(&v->thread, NULL, vcpu_thread, v) != 0)
            machine_end(m, VMM_FAILED, "cannot create the thread of VCPU %u", v->id);
    }
    pthread_mutex_unlock(&m->lock);
}

static void handle_vcpu_packet(struct machine *m, struct vcpu *v, const zx_packet_guest_vcpu_t *p) {
    switch (p->type) {
    case ZX_PKT_GUEST_VCPU_INTERRUPT:
        __atomic_add_fetch(&m->interrupt_packets, 1, __ATOMIC_RELAXED);
        pthread_mutex_lock(&m->lock);
        vcpu_interrupt_mask(m, p->interrupt.mask, p->interrupt.vector);
        pthread_mutex_unlock(&m->lock);
        break;
    case ZX_PKT_GUEST_VCPU_STARTUP:
        __atomic_add_fetch(&m->startup_packets, 1, __ATOMIC_RELAXED);
        start_vcpu(m, v, p->startup.id, p->startup.entry);
        break;
    default:
        machine_end(m, VMM_FAILED, "VCPU %u: zx_vcpu_resume gave a GUEST_VCPU packet of type %u "
                    "(expected INTERRUPT 0 or STARTUP 1)", v->id, p->type);
    }
}

static void resume_failed(struct machine *m, struct vcpu *v, zx_status_t status) {
    if (status == ZX_ERR_NOT_SUPPORTED)
        machine_end(m, GUEST_CRASHED, "VCPU %u stopped: zx_vcpu_resume returned %s (the guest "
                    "triple-faulted or made an exit the implementation does not support)",
                    v->id, zxc_status_name(status));
    else
        machine_call_failed(m, "zx_vcpu_resume", status, "running the guest");
}

/* The boot CPU's registers: RSI points at the zero page (64-bit boot protocol). */
static bool set_boot_registers(struct machine *m, struct vcpu *v) {
    zx_vcpu_state_t state;
    zx_status_t status = zx.zx_vcpu_read_state(v->handle, ZX_VCPU_STATE, &state, sizeof(state));
    if (status != ZX_OK) {
        machine_call_failed(m, "zx_vcpu_read_state", status, "reading the boot CPU's registers");
        return false;
    }
    memset(&state, 0, offsetof(zx_vcpu_state_t, rflags));
    state.rsi = GPA_ZERO_PAGE;
    state.rflags = 0x2; /* reserved bit 1: the write includes RFLAGS, with interrupts off */
    status = zx.zx_vcpu_write_state(v->handle, ZX_VCPU_STATE, &state, sizeof(state));
    if (status != ZX_OK)
        machine_call_failed(m, "zx_vcpu_write_state", status, "setting RSI to the zero page");
    return status == ZX_OK;
}

static void *vcpu_thread(void *arg) {
    struct vcpu *v = arg;
    struct machine *m = v->machine;
    zx_handle_t handle;
    zx_status_t status = zx.zx_vcpu_create(m->guest, 0, v->entry, &handle);
    if (status != ZX_OK) {
        char what[64];
        snprintf(what, sizeof(what), "creating VCPU %u at entry 0x%llx", v->id,
                 (unsigned long long)v->entry);
        machine_call_failed(m, "zx_vcpu_create", status, what);
        return NULL;
    }
    pthread_mutex_lock(&m->lock);
    v->handle = handle;
    v->started = true;
    pthread_mutex_unlock(&m->lock);
    if (v->id == 0 && !set_boot_registers(m, v))
        return NULL;

    zx_port_packet_t packet;
    while (!ended(m)) {
        status = zx.zx_vcpu_resume(v->handle, &packet);
        if (ended(m))
            break;
        if (status == ZX_ERR_NOT_FOUND) {
            /* An access that no trap and no memory covers (a probe of port 0xffff, a page of a
             * BAR without a trap): the guest's doing, and the VCPU can go on, as on hardware,
             * where such a read gives all ones or nothing and a write is dropped. */
            __atomic_add_fetch(&m->untrapped_accesses, 1, __ATOMIC_RELAXED);
            if (m->verbose)
                fprintf(stderr, "zxvmm: VCPU %u made an access that nothing traps "
                        "(zx_vcpu_resume: ZX_ERR_NOT_FOUND); it goes on\n", v->id);
            continue;
        }
        if (status != ZX_OK) {
            resume_failed(m, v, status);
            break;
        }
        switch (packet.type & ZX_PKT_TYPE_MASK) {
        case ZX_PKT_TYPE_GUEST_IO:
            __atomic_add_fetch(&m->io_exits, 1, __ATOMIC_RELAXED);
            handle_io(m, v, &packet.guest_io);
            break;
        case ZX_PKT_TYPE_GUEST_MEM:
            __atomic_add_fetch(&m->mem_exits, 1, __ATOMIC_RELAXED);
            mmio_handle(m, v, &packet);
            break;
        case ZX_PKT_TYPE_GUEST_VCPU:
            handle_vcpu_packet(m, v, &packet.guest_vcpu);
            break;
        default:
            machine_end(m, VMM_FAILED, "VCPU %u: zx_vcpu_resume gave a packet of type %u, which "
                        "no trap of zxvmm causes", v->id, packet.type);
        }
    }
    return NULL;
}

bool vcpus_start(struct machine *m) {
    for (uint32_t id = 0; id < m->cpus; id++)
        m->vcpus[id] = (struct vcpu){.machine = m, .id = id};
    struct vcpu *boot = &m->vcpus[0];
    boot->launched = true;
    boot->entry = m->entry;
    if (pthread_create(&boot->thread, NULL, vcpu_thread, boot) != 0) {
        fprintf(stderr, "zxvmm: cannot create the boot VCPU's thread\n");
        return false;
    }
    return true;
}
