/* The VCPU run loop: zx_vcpu_resume runs the guest until an exit that user space must see.
 * An IN or an MMIO read is completed in KVM (KVM_RUN with immediate_exit) before returning,
 * so RIP has moved past the instruction as in Zircon and what write_state then puts in the
 * registers is not overwritten by KVM's completion. An OUT or an MMIO write needs no extra
 * KVM_RUN: KVM finishes it (moves RIP past an OUT) at the start of the next KVM_RUN, and
 * that touches no register user space can see or set. */
#include <errno.h>
#include <linux/kvm.h>
#include <signal.h>
#include <string.h>
#include <sys/ioctl.h>

#include "guest_view.h"
#include "zxr.h"

#define NMI_VECTOR 2
#define FIRST_EXTERNAL_VECTOR 32

static bool is_pending(const struct zxr_vcpu *v, unsigned vector) {
    return v->pending[vector / 64] & (1ull << (vector % 64));
}
static void clear_pending(struct zxr_vcpu *v, unsigned vector) {
    v->pending[vector / 64] &= ~(1ull << (vector % 64));
}
static bool any_pending(const struct zxr_vcpu *v) {
    return (v->pending[0] | v->pending[1] | v->pending[2] | v->pending[3]) != 0;
}

/* Exceptions that push an error code (#DF #TS #NP #SS #GP #PF #AC); Zircon pushes 0. */
static bool has_error_code(unsigned vector) {
    return vector == 8 || (vector >= 10 && vector <= 14) || vector == 17;
}

static void inject_exception(struct zxr_vcpu *v, unsigned vector) {
    struct kvm_vcpu_events events;
    if (ioctl(v->fd, KVM_GET_VCPU_EVENTS, &events) != 0)
        return;
    events.exception.injected = 1;
    events.exception.nr = (uint8_t)vector;
    events.exception.has_error_code = has_error_code(vector);
    events.exception.error_code = 0;
    events.flags = 0;
    ioctl(v->fd, KVM_SET_VCPU_EVENTS, &events);
}

/* Injects at most one pending vector, in priority order: NMI, then the highest external
 * interrupt when the guest can take it (IF set, interrupt window open), then the lowest
 * exception. Call with v->lock held. */
static void inject_pending_locked(struct zxr_vcpu *v) {
    struct kvm_run *run = v->run;
    run->request_interrupt_window = 0;
    if (!any_pending(v))
        return;
    if (is_pending(v, NMI_VECTOR)) {
        clear_pending(v, NMI_VECTOR);
        ioctl(v->fd, KVM_NMI);
        return;
    }
    for (unsigned vector = 255; vector >= FIRST_EXTERNAL_VECTOR; vector--) {
        if (!is_pending(v, vector))
            continue;
        /* KVM holds one external vector until the next entry delivers it, and a second one
         * would replace it; kvm_run's flags date from the last exit, so after an injection they
         * are stale until KVM_RUN and are cleared here. The bit is cleared only once KVM took
         * the vector: a vector raised between an injection and the entry waits for the next
         * window, never lost (ref/README.md, "Injecting interrupts"). */
        if (run->ready_for_interrupt_injection && run->if_flag) {
            struct kvm_interrupt irq = {.irq = vector};
            if (ioctl(v->fd, KVM_INTERRUPT, &irq) == 0) {
                clear_pending(v, vector);
                run->ready_for_interrupt_injection = 0;
                /* The next one goes in as soon as the guest can take it, not at some later exit. */
                run->request_interrupt_window = any_pending(v);
                return;
            }
        }
        run->request_interrupt_window = 1; /* exit as soon as the guest can take it */
        break;
    }
    for (unsigned vector = 0; vector < FIRST_EXTERNAL_VECTOR; vector++) {
        if (is_pending(v, vector)) {
            clear_pending(v, vector);
            inject_exception(v, vector);
            return;
        }
    }
}

/* Lets KVM finish the exited instruction without running the guest further. */
static zx_status_t complete_exit(struct zxr_vcpu *v) {
    v->run->immediate_exit = 1;
    int r = ioctl(v->fd, KVM_RUN, 0);
    int err = errno;
    v->run->immediate_exit = 0;
    if (r == 0) {
        v->exit_pending = true; /* finishing it caused another exit: handle it next time */
        return ZX_OK;
    }
    return err == EINTR ? ZX_OK : ZX_ERR_INTERNAL;
}

/* Completes the exit and returns status, unless completing failed. */
static zx_status_t complete_with(struct zxr_vcpu *v, zx_status_t status) {
    zx_status_t completed = complete_exit(v);
    return completed != ZX_OK ? completed : status;
}

static zx_status_t handle_io(struct zxr_vcpu *v, zx_port_packet_t *packet) {
    struct kvm_run *run = v->run;
    uint8_t *data = (uint8_t *)run + run->io.data_offset;
    bool input = run->io.direction == KVM_EXIT_IO_IN;
    if (run->io.count != 1 || zxr_is_string_io(v, input, run->io.port, run->io.size, data)) {
        if (input)
            memset(data, 0, (size_t)run->io.size * run->io.count);
        return complete_with(v, ZX_ERR_NOT_SUPPORTED);
    }
    if (input) {
        /* RAX keeps its value until user space supplies the input with ZX_VCPU_IO. */
        uint64_t rax = zxr_exit_rax(v);
        memcpy(data, &rax, run->io.size);
    }
    struct zxr_trap *trap = zxr_guest_find_trap(v->guest, true, run->io.port);
    if (trap == NULL)
        return complete_with(v, ZX_ERR_NOT_FOUND);
    *packet = (zx_port_packet_t){
        .key = trap->key,
        .type = ZX_PKT_TYPE_GUEST_IO,
        .guest_io = {.port = run->io.port, .access_size = run->io.size, .input = input},
    };
    if (!input) {
        /* The data lies in kvm_run's I/O page, so 4 bytes can always be read; the bytes
         * past the access stay 0. */
        uint32_t value;
        memcpy(&value, data, sizeof(value));
        value &= (uint32_t)((1ull << (8 * run->io.size)) - 1);
        memcpy(packet->guest_io.data, &value, sizeof(value));
        return ZX_ERR_NEXT;
    }
    return complete_with(v, ZX_ERR_NEXT);
}

static zx_status_t handle_mmio(struct zxr_vcpu *v, zx_port_packet_t *packet) {
    struct kvm_run *run = v->run;
    uint64_t addr = run->mmio.phys_addr;
    bool write = run->mmio.is_write;
    if (!write)
        memset(run->mmio.data, 0, sizeof(run->mmio.data));
    struct zxr_trap *trap = zxr_guest_find_trap(v->guest, false, addr);
    if (trap == NULL)
        return complete_with(v, ZX_ERR_NOT_FOUND);
    if (trap->kind == ZX_GUEST_TRAP_BELL) {
        if (!write)
            return complete_with(v, ZX_ERR_NOT_SUPPORTED);
        zx_port_packet_t bell = {
            .key = trap->key,
            .type = ZX_PKT_TYPE_GUEST_BELL,
            .guest_bell = {.addr = addr},
        };
        /* Asynchronous: the guest goes on unless the port has no handles left. */
        return zxr_port_queue_from_pool(trap->port, trap->pool, &bell);
    }
    *packet = (zx_port_packet_t){
        .key = trap->key,
        .type = ZX_PKT_TYPE_GUEST_MEM,
        .guest_mem = {.addr = addr},
    };
    zxr_decode_mem_instruction(v, write, addr, &packet->guest_mem); /* before completing */
    return write ? ZX_ERR_NEXT : complete_with(v, ZX_ERR_NEXT);
}

/* An MSR that Zircon emulated (msr.c). KVM completes the access at the next entry; a VCPU
 * that fails skips it (completed first), as other failing instructions do here. An access that
 * #GPs is completed at once too: KVM queues the #GP only then, and an entry that delivers an
 * exception drops the external vector KVM holds, which kvm_run's flags (from before) allowed.
 * Once the #GP is queued they say no, and a pending vector waits for the window after it. */
static zx_status_t handle_msr(struct zxr_vcpu *v, zx_port_packet_t *packet) {
    zx_status_t status = zxr_msr_exit(v, packet);
    if (status == ZX_OK && v->run->msr.error)
        return complete_with(v, ZX_OK);
    return status == ZX_OK || status == ZX_ERR_NEXT ? status : complete_with(v, status);
}

/* As in Zircon's VCPU loop: ZX_OK to keep running, ZX_ERR_NEXT when *packet is ready for user
 * space, anything else to fail the resume with. */
static zx_status_t handle_exit(struct zxr_vcpu *v, zx_port_packet_t *packet) {
    switch (v->run->exit_reason) {
    case KVM_EXIT_HLT:
        v->halted = true;
        return ZX_OK;
    case KVM_EXIT_IRQ_WINDOW_OPEN:
    case KVM_EXIT_INTR:
        return ZX_OK;
    case KVM_EXIT_IO:
        return handle_io(v, packet);
    case KVM_EXIT_MMIO:
        return handle_mmio(v, packet);
    case KVM_EXIT_X86_RDMSR:
    case KVM_EXIT_X86_WRMSR:
        return handle_msr(v, packet);
    case KVM_EXIT_FAIL_ENTRY:
        zxr_note_entry_failure(v);
        return ZX_ERR_BAD_STATE; /* Zircon: VM entry failure */
    case KVM_EXIT_INTERNAL_ERROR:
        zxr_note_internal_error(v);
        return ZX_ERR_INTERNAL;
    default: /* shutdown (triple fault), exceptions, anything unknown */
        zxr_note_failure("KVM exit reason %u%s", v->run->exit_reason,
                         v->run->exit_reason == KVM_EXIT_SHUTDOWN ? " (shutdown: a triple fault)"
                                                                  : "");
        return ZX_ERR_NOT_SUPPORTED;
    }
}

/* A kick that arrives while the thread blocks the signal stays pending and would make every
 * later KVM_RUN return EINTR at once; take it. */
static void consume_blocked_kick(void) {
    sigset_t kick;
    sigemptyset(&kick);
    sigaddset(&kick, zxr_kick_signal());
    struct timespec zero = {0, 0};
    sigtimedwait(&kick, NULL, &zero);
}

/* Does translating la walk through a page-table entry outside guest memory? Then *pa is where. */
static bool walk_leaves_memory(struct zxr_vcpu *v, const struct zxr_exit_cpu *c, uint64_t la,
                               uint64_t *pa) {
    struct zxr_word_record rec = {.complete = true};
    uint64_t ignored;
    if (zxr_translate(v, c, la, &ignored, &rec) || !rec.left_memory)
        return false;
    *pa = rec.left_at;
    return true;
}

/* A guest whose page tables lead outside guest memory can neither fetch nor take the fault that
 * follows: KVM then injects and re-injects that fault inside KVM_RUN for ever, and only a kick
 * (EINTR) brings the thread out. Zircon failed the resume at the first such walk, as an access
 * that no VMO and no trap covers. When a kick finds the guest at the RIP the last kick left it,
 * with an exception on its way whose fetch, IDT entry or stack walks out of guest memory, resume
 * fails the same way here (NOT_FOUND). A guest just spinning never has that exception. */
static bool stuck_outside_memory(struct zxr_vcpu *v) {
    struct zxr_exit_cpu c;
    if (!zxr_exit_cpu(v, &c))
        return false;
    bool again = c.regs->rip == v->kicked_rip;
    v->kicked_rip = c.regs->rip;
    struct kvm_vcpu_events events;
    if (!again || ioctl(v->fd, KVM_GET_VCPU_EVENTS, &events) != 0 ||
        !(events.exception.injected || events.exception.pending))
        return false;
    uint64_t gate = c.sregs->idt.base + events.exception.nr * (c.long_mode ? 16u : 8u);
    uint64_t stack = c.long_mode ? c.regs->rsp - 8 : c.sregs->ss.base + (uint32_t)c.regs->rsp - 4;
    const uint64_t addresses[] = {c.rip_linear, gate, stack};
    const char *names[] = {"the instruction at RIP", "the IDT entry", "the stack"};
    for (int i = 0; i < 3; i++) {
        uint64_t pa;
        if (walk_leaves_memory(v, &c, addresses[i], &pa)) {
            zxr_note_failure("the guest is stuck delivering exception %u: the page-table walk "
                             "for %s (linear 0x%llx) reads guest-physical 0x%llx, outside guest "
                             "memory", events.exception.nr, names[i],
                             (unsigned long long)addresses[i], (unsigned long long)pa);
            return true;
        }
    }
    return false;
}

/* Waits out HLT and injects what is pending, unless nothing asks for it. Returns with
 * v->running set (see zxr.h). */
static void prepare_entry(struct zxr_vcpu *v) {
    for (;;) {
        if (v->halted || v->pending_left || atomic_load(&v->attention)) {
            pthread_mutex_lock(&v->lock);
            atomic_store(&v->attention, false);
            /* HLT blocks here, inside resume, until an interrupt is queued. */
            while (v->halted && !any_pending(v))
                pthread_cond_wait(&v->wake, &v->lock);
            v->halted = false;
            inject_pending_locked(v);
            v->pending_left = any_pending(v);
            pthread_mutex_unlock(&v->lock);
        }
        atomic_store(&v->running, true);
        if (!atomic_load(&v->attention))
            return;
        atomic_store(&v->running, false); /* a vector came in meanwhile */
    }
}

zx_status_t zxr_vcpu_run(struct zxr_vcpu *v, zx_port_packet_t *packet) {
    for (;;) {
        if (!v->exit_pending) {
            prepare_entry(v);
            int r = ioctl(v->fd, KVM_RUN, 0);
            atomic_store(&v->running, false);
            v->run->immediate_exit = 0; /* a later kick sets it again, and costs one EINTR */
            if (r != 0) {
                int err = errno; /* only here: reading errno is a call */
                if (err == EINTR || err == EAGAIN) {
                    consume_blocked_kick();
                    if (stuck_outside_memory(v))
                        return ZX_ERR_NOT_FOUND;
                    continue;
                }
                zxr_note_failure("KVM_RUN failed: errno %d", err);
                return ZX_ERR_INTERNAL;
            }
        }
        v->exit_pending = false;
        zx_status_t status = handle_exit(v, packet);
        if (status != ZX_OK)
            return status == ZX_ERR_NEXT ? ZX_OK : status;
    }
}
