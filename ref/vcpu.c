/* VCPUs: creation with Zircon's start state, the thread binding, state access and interrupts.
 * The run loop is in vcpu_run.c. */
#include <errno.h>
#include <linux/kvm.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "zxr.h"

#define X86_CR0_PE (1ull << 0)
#define X86_CR0_NE (1ull << 5)
#define X86_CR0_PG (1ull << 31)
#define X86_CR4_PAE (1ull << 5)
#define X86_EFER_SCE (1ull << 0)
#define X86_EFER_LME (1ull << 8)
#define X86_EFER_LMA (1ull << 10)
#define X86_EFER_NXE (1ull << 11)
#define X86_FLAGS_RESERVED_ONES 0x2ull
#define X86_FLAGS_USER 0x244DD5ull /* CF PF AF ZF SF TF DF OF NT AC ID */
#define CPUID_MAX_ENTRIES 256

/* ---- thread identity: a token per thread, never reused (unlike pthread_t or tids). ---- */
static atomic_ullong next_thread_token = 1;
/* initial-exec: read at every resume, and the general model costs a __tls_get_addr call. */
static _Thread_local uint64_t thread_token __attribute__((tls_model("initial-exec")));

uint64_t zxr_thread_token(void) {
    if (thread_token == 0)
        thread_token = atomic_fetch_add(&next_thread_token, 1);
    return thread_token;
}

/* ---- the kick signal: interrupts a thread inside KVM_RUN. Its handler does nothing; the
 * point is that KVM_RUN returns EINTR. ---- */
static pthread_once_t kick_once = PTHREAD_ONCE_INIT;
static void kick_handler(int sig) { (void)sig; }
static void install_kick_handler(void) {
    struct sigaction sa = {.sa_handler = kick_handler};
    sigemptyset(&sa.sa_mask);
    sigaction(zxr_kick_signal(), &sa, NULL);
}
int zxr_kick_signal(void) { return SIGRTMAX - 2; }

static void vcpu_destroy(struct zxr_object *obj) {
    struct zxr_vcpu *vcpu = (struct zxr_vcpu *)obj;
    zxr_apic_timer_remove(vcpu);
    zxr_decoder_close(vcpu);
    if (vcpu->run != NULL)
        munmap(vcpu->run, vcpu->run_size);
    if (vcpu->fd >= 0)
        close(vcpu->fd);
    zxr_guest_free_vpid(vcpu->guest, vcpu->vpid);
    zxr_object_unref(&vcpu->guest->base);
    pthread_cond_destroy(&vcpu->wake);
    pthread_mutex_destroy(&vcpu->lock);
    zxr_free(vcpu);
}

static const struct zxr_object_ops vcpu_ops = {
    .type = ZX_OBJ_TYPE_VCPU,
    .destroy = vcpu_destroy,
};

static void set_segment(struct kvm_segment *seg, uint64_t base, uint16_t selector, uint8_t type,
                        uint8_t s) {
    *seg = (struct kvm_segment){
        .base = base, .limit = 0xFFFF, .selector = selector, .type = type, .present = 1, .s = s,
    };
}

/* Zircon's vmcs_init (facts §3.2): VPID 1 starts in 64-bit long mode with paging and CR3 = 0;
 * the others in 16-bit real mode with CS base = entry, as after a SIPI. */
static int set_start_state(struct zxr_vcpu *vcpu, zx_vaddr_t entry) {
    struct kvm_sregs sregs;
    if (ioctl(vcpu->fd, KVM_GET_SREGS, &sregs) != 0)
        return -1;
    bool bsp = vcpu->vpid == 1;
    set_segment(&sregs.cs, bsp ? 0 : entry, bsp ? 0 : (uint16_t)(entry >> 4), 0xB, 1);
    sregs.cs.l = bsp;
    set_segment(&sregs.ds, 0, 0, 0x3, 1);
    sregs.es = sregs.fs = sregs.gs = sregs.ss = sregs.ds;
    set_segment(&sregs.tr, 0, 0, 0xB, 0);    /* busy TSS */
    set_segment(&sregs.ldt, 0, 0, 0x2, 0);   /* LDT */
    sregs.gdt = (struct kvm_dtable){.base = 0, .limit = 0xFFFF};
    sregs.idt = (struct kvm_dtable){.base = 0, .limit = 0xFFFF};
    sregs.cr3 = 0;
    sregs.cr0 = bsp ? X86_CR0_PE | X86_CR0_PG | X86_CR0_NE : X86_CR0_NE;
    sregs.cr4 = bsp ? X86_CR4_PAE : 0;
    sregs.efer = X86_EFER_SCE | X86_EFER_NXE | (bsp ? X86_EFER_LME | X86_EFER_LMA : 0);
    if (ioctl(vcpu->fd, KVM_SET_SREGS, &sregs) != 0)
        return -1;
    struct kvm_regs regs = {.rip = bsp ? entry : 0, .rsp = 0, .rflags = X86_FLAGS_RESERVED_ONES};
    return ioctl(vcpu->fd, KVM_SET_REGS, &regs);
}

/* What every VCPU needs from /dev/kvm and that never changes: asked once per process. */
struct kvm_facts {
    struct kvm_cpuid2 *cpuid; /* KVM_GET_SUPPORTED_CPUID: what the guest's CPUID starts from
                                 (long mode needs the LM bit there) */
    int run_size;
    bool sync_regs;
};
static pthread_mutex_t facts_lock = PTHREAD_MUTEX_INITIALIZER;
static struct kvm_facts facts;

static const struct kvm_facts *kvm_facts(int kvm_fd) {
    pthread_mutex_lock(&facts_lock);
    if (facts.cpuid == NULL) {
        size_t size =
            sizeof(struct kvm_cpuid2) + CPUID_MAX_ENTRIES * sizeof(struct kvm_cpuid_entry2);
        struct kvm_cpuid2 *cpuid = calloc(1, size); /* kept for the process's life */
        int run_size = ioctl(kvm_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
        if (cpuid != NULL) {
            cpuid->nent = CPUID_MAX_ENTRIES;
            if (run_size > 0 && ioctl(kvm_fd, KVM_GET_SUPPORTED_CPUID, cpuid) == 0) {
                int sync = ioctl(kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_SYNC_REGS);
                unsigned long wanted = KVM_SYNC_X86_REGS | KVM_SYNC_X86_SREGS;
                facts = (struct kvm_facts){
                    .cpuid = cpuid,
                    .run_size = run_size,
                    .sync_regs = sync > 0 && ((unsigned long)sync & wanted) == wanted,
                };
            } else {
                free(cpuid);
            }
        }
    }
    pthread_mutex_unlock(&facts_lock);
    return facts.cpuid != NULL ? &facts : NULL;
}

/* KVM_RUN must run with the kick signal unblocked, so a kick always works; when the thread
 * blocks it, KVM gets the thread's mask minus the kick signal. */
static int set_run_signal_mask(struct zxr_vcpu *vcpu) {
    sigset_t mask;
    pthread_sigmask(SIG_BLOCK, NULL, &mask);
    if (!sigismember(&mask, zxr_kick_signal()))
        return 0;
    sigdelset(&mask, zxr_kick_signal());
    uint8_t buf[sizeof(struct kvm_signal_mask) + 8];
    struct kvm_signal_mask *kmask = (struct kvm_signal_mask *)buf;
    kmask->len = 8; /* the kernel's sigset_t on x86-64 */
    memcpy(kmask->sigset, &mask, 8);
    return ioctl(vcpu->fd, KVM_SET_SIGNAL_MASK, kmask);
}

static zx_status_t init_vcpu(struct zxr_vcpu *vcpu, uint32_t kvm_vcpu_id, zx_vaddr_t entry) {
    const struct kvm_facts *kvm = kvm_facts(vcpu->guest->kvm_fd);
    if (kvm == NULL)
        return ZX_ERR_INTERNAL;
    vcpu->fd = ioctl(vcpu->guest->vm_fd, KVM_CREATE_VCPU, (unsigned long)kvm_vcpu_id);
    if (vcpu->fd < 0)
        return errno == ENOMEM ? ZX_ERR_NO_MEMORY : ZX_ERR_NO_RESOURCES;
    void *run = mmap(NULL, (size_t)kvm->run_size, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu->fd, 0);
    if (run == MAP_FAILED)
        return ZX_ERR_NO_MEMORY;
    vcpu->run = run;
    vcpu->run_size = (size_t)kvm->run_size;
    if (kvm->sync_regs) {
        vcpu->run->kvm_valid_regs = KVM_SYNC_X86_REGS | KVM_SYNC_X86_SREGS;
        vcpu->sync_regs = true;
    }
    zx_status_t status = zxr_cpuid_set(vcpu, kvm->cpuid);
    if (status == ZX_OK)
        status = zxr_apic_init(vcpu); /* after CPUID: x2APIC mode needs its bit there */
    if (status == ZX_OK && (set_start_state(vcpu, entry) != 0 || set_run_signal_mask(vcpu) != 0))
        status = ZX_ERR_INTERNAL;
    return status;
}

zx_status_t zx_vcpu_create(zx_handle_t guest, uint32_t options, zx_vaddr_t entry,
                           zx_handle_t *out) {
    if (options != 0)
        return ZX_ERR_INVALID_ARGS;
    struct zxr_object *guest_obj;
    zx_status_t status = zxr_handle_get(guest, ZX_OBJ_TYPE_GUEST, ZX_RIGHT_WRITE, &guest_obj, NULL);
    if (status != ZX_OK)
        return status;
    struct zxr_guest *g = (struct zxr_guest *)guest_obj;
    if (entry >= ZXR_GUEST_PHYS_SIZE) {
        zxr_object_unref(guest_obj);
        return ZX_ERR_INVALID_ARGS;
    }
    uint32_t kvm_vcpu_id = 0;
    uint32_t vpid = zxr_guest_alloc_vpid(g, &kvm_vcpu_id);
    if (vpid == 0) {
        zxr_object_unref(guest_obj);
        return ZX_ERR_NO_RESOURCES;
    }
    struct zxr_vcpu *vcpu = zxr_alloc(sizeof(*vcpu));
    if (vcpu == NULL) {
        zxr_guest_free_vpid(g, vpid);
        zxr_object_unref(guest_obj);
        return ZX_ERR_NO_MEMORY;
    }
    pthread_once(&kick_once, install_kick_handler);
    zxr_object_init(&vcpu->base, &vcpu_ops);
    vcpu->guest = g; /* takes the lookup's reference */
    vcpu->vpid = vpid;
    vcpu->fd = -1;
    vcpu->owner = zxr_thread_token();
    vcpu->owner_thread = pthread_self();
    pthread_mutex_init(&vcpu->lock, NULL);
    pthread_cond_init(&vcpu->wake, NULL);
    status = init_vcpu(vcpu, kvm_vcpu_id, entry);
    if (status == ZX_OK)
        status = zxr_handle_create_out(&vcpu->base, ZX_DEFAULT_VCPU_RIGHTS, out);
    zxr_object_unref(&vcpu->base);
    return status;
}

static zx_status_t get_vcpu(zx_handle_t handle, zx_rights_t rights, struct zxr_vcpu **vcpu) {
    return zxr_handle_get(handle, ZX_OBJ_TYPE_VCPU, rights, (struct zxr_object **)vcpu, NULL);
}

static bool on_owner_thread(const struct zxr_vcpu *vcpu) {
    return vcpu->owner == zxr_thread_token();
}

/* A bad packet pointer is refused before the guest runs, so the exit is not lost. The pointer
 * the last resume wrote to is not probed again (a probe costs as much as the copy): should it
 * have become unwritable since, the exit is lost and INVALID_ARGS returned, as in Zircon, which
 * never probes. */
zx_status_t zx_vcpu_resume(zx_handle_t vcpu, zx_port_packet_t *packet) {
    struct zxr_vcpu *v;
    zx_status_t status = get_vcpu(vcpu, ZX_RIGHT_EXECUTE, &v);
    if (status != ZX_OK)
        return status;
    zx_port_packet_t result;
    zxr_clear_failure();
    if (!on_owner_thread(v))
        status = ZX_ERR_BAD_STATE;
    else if ((packet == NULL || packet != v->packet_written) &&
             !zxr_user_writable(packet, sizeof(*packet)))
        status = ZX_ERR_INVALID_ARGS;
    else
        status = zxr_vcpu_run(v, &result);
    if (status == ZX_OK) {
        bool written = zxr_copy_to_user(packet, &result, sizeof(result));
        v->packet_written = written ? packet : NULL;
        status = written ? ZX_OK : ZX_ERR_INVALID_ARGS;
    }
    zxr_object_unref(&v->base);
    return status;
}

void zxr_vcpu_raise(struct zxr_vcpu *v, unsigned vector) {
    pthread_mutex_lock(&v->lock);
    v->pending[vector / 64] |= 1ull << (vector % 64);
    atomic_store(&v->attention, true);
    pthread_cond_broadcast(&v->wake);
    if (atomic_load(&v->running)) {
        /* immediate_exit covers the window before KVM_RUN; the signal the time inside it.
         * running is only set while the owner thread is alive. */
        v->run->immediate_exit = 1;
        pthread_kill(v->owner_thread, zxr_kick_signal());
    }
    pthread_mutex_unlock(&v->lock);
}

zx_status_t zx_vcpu_interrupt(zx_handle_t vcpu, uint32_t vector) {
    struct zxr_vcpu *v;
    zx_status_t status = get_vcpu(vcpu, ZX_RIGHT_SIGNAL, &v);
    if (status != ZX_OK)
        return status;
    if (vector >= 256) {
        zxr_object_unref(&v->base);
        return ZX_ERR_OUT_OF_RANGE;
    }
    zxr_vcpu_raise(v, vector);
    zxr_object_unref(&v->base);
    return ZX_OK;
}

static void state_from_regs(zx_vcpu_state_t *state, const struct kvm_regs *regs) {
    *state = (zx_vcpu_state_t){
        .rax = regs->rax, .rcx = regs->rcx, .rdx = regs->rdx, .rbx = regs->rbx,
        .rsp = regs->rsp, .rbp = regs->rbp, .rsi = regs->rsi, .rdi = regs->rdi,
        .r8 = regs->r8, .r9 = regs->r9, .r10 = regs->r10, .r11 = regs->r11,
        .r12 = regs->r12, .r13 = regs->r13, .r14 = regs->r14, .r15 = regs->r15,
        .rflags = regs->rflags & X86_FLAGS_USER,
    };
}

static void regs_from_state(struct kvm_regs *regs, const zx_vcpu_state_t *state) {
    regs->rax = state->rax; regs->rcx = state->rcx; regs->rdx = state->rdx;
    regs->rbx = state->rbx; regs->rsp = state->rsp; regs->rbp = state->rbp;
    regs->rsi = state->rsi; regs->rdi = state->rdi; regs->r8 = state->r8;
    regs->r9 = state->r9; regs->r10 = state->r10; regs->r11 = state->r11;
    regs->r12 = state->r12; regs->r13 = state->r13; regs->r14 = state->r14;
    regs->r15 = state->r15;
    /* RFLAGS changes only when the value has the reserved-one bit, and only its user bits. */
    if (state->rflags & X86_FLAGS_RESERVED_ONES)
        regs->rflags = (regs->rflags & ~X86_FLAGS_USER) | (state->rflags & X86_FLAGS_USER);
}

zx_status_t zx_vcpu_read_state(zx_handle_t vcpu, uint32_t kind, void *buffer, size_t len) {
    struct zxr_vcpu *v;
    zx_status_t status = get_vcpu(vcpu, ZX_RIGHT_READ, &v);
    if (status != ZX_OK)
        return status;
    zx_vcpu_state_t state;
    struct kvm_regs regs;
    if (len > sizeof(zx_vcpu_state_t))
        status = ZX_ERR_INVALID_ARGS;
    else if (!on_owner_thread(v))
        status = ZX_ERR_BAD_STATE;
    else if (kind != ZX_VCPU_STATE || len != sizeof(state))
        status = ZX_ERR_INVALID_ARGS;
    else if (ioctl(v->fd, KVM_GET_REGS, &regs) != 0)
        status = ZX_ERR_INTERNAL;
    zxr_object_unref(&v->base);
    if (status != ZX_OK)
        return status;
    state_from_regs(&state, &regs);
    return zxr_copy_to_user(buffer, &state, sizeof(state)) ? ZX_OK : ZX_ERR_INVALID_ARGS;
}

static zx_status_t write_state(struct zxr_vcpu *v, uint32_t kind, const void *data, size_t len) {
    struct kvm_regs regs;
    if (kind == ZX_VCPU_STATE && len == sizeof(zx_vcpu_state_t)) {
        if (ioctl(v->fd, KVM_GET_REGS, &regs) != 0)
            return ZX_ERR_INTERNAL;
        regs_from_state(&regs, data);
    } else if (kind == ZX_VCPU_IO && len == sizeof(zx_vcpu_io_t)) {
        const zx_vcpu_io_t *io = data;
        if (io->access_size != 1 && io->access_size != 2 && io->access_size != 4)
            return ZX_ERR_INVALID_ARGS;
        if (ioctl(v->fd, KVM_GET_REGS, &regs) != 0)
            return ZX_ERR_INTERNAL;
        memcpy(&regs.rax, io->data, io->access_size); /* the value of the last IN */
    } else {
        return ZX_ERR_INVALID_ARGS;
    }
    return ioctl(v->fd, KVM_SET_REGS, &regs) == 0 ? ZX_OK : ZX_ERR_INTERNAL;
}

zx_status_t zx_vcpu_write_state(zx_handle_t vcpu, uint32_t kind, const void *buffer,
                                size_t len) {
    struct zxr_vcpu *v;
    zx_status_t status = get_vcpu(vcpu, ZX_RIGHT_WRITE, &v);
    if (status != ZX_OK)
        return status;
    _Alignas(zx_vcpu_state_t) uint8_t data[sizeof(zx_vcpu_state_t)];
    if (len > sizeof(data) || !zxr_copy_from_user(data, buffer, len))
        status = ZX_ERR_INVALID_ARGS;
    else if (!on_owner_thread(v))
        status = ZX_ERR_BAD_STATE;
    else
        status = write_state(v, kind, data, len);
    zxr_object_unref(&v->base);
    return status;
}
