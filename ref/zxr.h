/* Internal interfaces of the reference implementation (libzxref.so). Everything here is
 * hidden; only the zx_* and zxconf_* calls are exported (see exports.map). */
#ifndef ZXREF_ZXR_H
#define ZXREF_ZXR_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The public calls get default visibility; the rest of the library is built hidden. */
#pragma GCC visibility push(default)
#include <zircon/syscalls.h>
#include <zircon/zxconform.h>
#pragma GCC visibility pop

/* ---- alloc.c: the one allocation function, with fault injection. ---- */
void *zxr_alloc(size_t size); /* zeroed; NULL when out of memory or a failure is armed */
void zxr_free(void *p);
/* Consumes one armed failure, if any; true means the caller must fail with NO_MEMORY.
 * For resources that are not heap memory (handle slots). */
bool zxr_alloc_should_fail(void);

/* ---- user_copy.c: user pointers accessed directly, a fault recovered (as in Zircon). ---- */
bool zxr_copy_from_user(void *dst, const void *user_src, size_t len);
bool zxr_copy_to_user(void *user_dst, const void *src, size_t len);
/* True if user_dst can be written (by reading it and writing the same bytes back). */
bool zxr_user_writable(void *user_dst, size_t len);

/* ---- object.c: reference-counted kernel objects. ---- */
struct zxr_object;
struct zxr_object_ops {
    zx_obj_type_t type;
    /* Called once when the last handle goes away (objects may stay alive through refs). */
    void (*on_zero_handles)(struct zxr_object *obj);
    /* Frees the object; called when the last reference goes away. */
    void (*destroy)(struct zxr_object *obj);
};
struct zxr_object {
    const struct zxr_object_ops *ops;
    atomic_uint refs;
    atomic_uint handles;
    zx_koid_t koid;
};
void zxr_object_init(struct zxr_object *obj, const struct zxr_object_ops *ops);
void zxr_object_ref(struct zxr_object *obj);
void zxr_object_unref(struct zxr_object *obj);

/* ---- handle.c: the handle table. ---- */
/* Creates a handle to obj (adding a reference) and writes its value to the user pointer
 * out. On a bad out pointer the new handle is closed again and INVALID_ARGS returned. */
zx_status_t zxr_handle_create_out(struct zxr_object *obj, zx_rights_t rights, zx_handle_t *out);
/* Looks a handle up in Zircon's order: BAD_HANDLE, WRONG_TYPE, ACCESS_DENIED. On success
 * *obj holds a new reference. type ZX_OBJ_TYPE_NONE accepts any type. */
zx_status_t zxr_handle_get(zx_handle_t handle, zx_obj_type_t type, zx_rights_t rights,
                           struct zxr_object **obj, zx_rights_t *handle_rights);

/* ---- vmo.c ---- */
struct zxr_vmo {
    struct zxr_object base;
    uint8_t *map;    /* anonymous memory, 2 MiB-aligned: the VMO's pages */
    uint64_t size;   /* page-rounded */
};

/* ---- port.c ---- */
struct zxr_port;
struct zxr_packet_node;
/* Pre-allocated packets of one BELL trap (Zircon's kMaxPacketsPerRange). */
#define ZXR_PACKETS_PER_TRAP 256
struct zxr_packet_pool;
struct zxr_packet_pool *zxr_packet_pool_create(void);
void zxr_packet_pool_destroy(struct zxr_packet_pool *pool);
/* Queues a packet from pool; blocks while the pool is exhausted. BAD_STATE when the port
 * has no handles left. */
zx_status_t zxr_port_queue_from_pool(struct zxr_port *port, struct zxr_packet_pool *pool,
                                     const zx_port_packet_t *packet);
/* Removes every queued packet of pool from the port. */
void zxr_port_cancel_pool(struct zxr_port *port, struct zxr_packet_pool *pool);

/* ---- guest.c ---- */
#define ZXR_MAX_VCPUS 64
#define ZXR_MAX_MEMSLOTS 256
#define ZXR_GUEST_PHYS_SIZE (1ull << 48)

struct zxr_trap {
    struct zxr_trap *next;
    uint32_t kind;
    uint64_t addr, len, key;
    struct zxr_port *port;        /* BELL only (holds a reference) */
    struct zxr_packet_pool *pool; /* BELL only */
};
struct zxr_memslot {
    bool used;
    uint64_t gpa, size;
};
struct zxr_guest {
    struct zxr_object base;
    pthread_mutex_t lock; /* adding traps, memslots, vpids */
    int kvm_fd, vm_fd;
    struct zxr_vmo *physmem; /* holds a reference */
    /* Traps are only ever added, at the head, and published with a release store: exits
     * read the list without the lock. */
    struct zxr_trap *_Atomic traps;
    struct zxr_memslot memslots[ZXR_MAX_MEMSLOTS];
    uint64_t vpids_used; /* bit i: VPID i+1 */
    /* KVM cannot destroy a VCPU before its VM, so KVM VCPU ids are never reused even though
     * VPIDs are. */
    uint32_t next_kvm_vcpu_id;
};
/* The trap covering addr in the IO space (io) or the guest-physical space, or NULL. Traps
 * live as long as their guest. */
struct zxr_trap *zxr_guest_find_trap(struct zxr_guest *guest, bool io, uint64_t addr);
/* Allocates the lowest free VPID (1-based; 0 when all are taken) and a fresh KVM VCPU id. */
uint32_t zxr_guest_alloc_vpid(struct zxr_guest *guest, uint32_t *kvm_vcpu_id);
void zxr_guest_free_vpid(struct zxr_guest *guest, uint32_t vpid);

/* ---- vcpu.c / vcpu_run.c ---- */
struct kvm_run;
/* The last MEM write mem_decode.c chose (see there): bytes before RIP, mode, memory operand. */
struct zxr_decoded_write {
    uint8_t bytes[15];
    uint8_t len; /* 0: nothing cached */
    int mode;
    struct zxr_mem_operand {
        int segment, base, index, scale;
        int64_t disp;
    } operand;
};
/* A page walk guest_view.c did: it still holds while every entry it read is unchanged. A VCPU
 * keeps its last ZXR_WALKS (a MEM exit translates both RIP and the operand's address). */
#define ZXR_WALKS 4
struct zxr_walk_cache {
    uint64_t root, la_page, pa_page;
    int levels; /* 0: empty */
    int used;   /* entries read */
    uint64_t entry_pa[4], entry[4];
};
/* Guest-memory words (aligned 8 bytes) a read went through (guest_view.c). */
#define ZXR_RECORD_WORDS 24
struct zxr_word_record {
    bool complete; /* false once a read could not be noted */
    bool left_memory;  /* a page-table entry lay outside guest memory, at left_at */
    uint64_t left_at;
    int count;
    const uint64_t *word[ZXR_RECORD_WORDS]; /* in the physmem VMO's mapping */
    uint64_t value[ZXR_RECORD_WORDS];
};
/* The plain IN or OUT (E4-E7 imm8, EC-EF) that some bytes hold, if any. */
struct zxr_plain_io {
    bool imm, dx; /* a port in the instruction (imm_port), or in DX */
    uint8_t imm_port;
};
/* What the last I/O exit found at its RIP (io_decode.c). It holds while the registers that
 * steer the page walk and every word the read went through are unchanged. */
struct zxr_io_site {
    uint64_t rip_linear, cr0, cr3, cr4;
    bool long_mode;
    bool valid;
    bool string_in;              /* an INS at RIP */
    struct zxr_plain_io at;      /* starting at RIP */
    struct zxr_plain_io before;  /* ending just before RIP */
    struct zxr_word_record words;
};
/* The local x2APIC of a VCPU, as Zircon's kernel kept it (apic.c). The timer registers and
 * the deadline are guarded by the timer lock of apic_timer.c, which the timer thread holds
 * when it fires. */
struct zxr_apic {
    uint32_t lvt_timer, initial_count, divide_config;
    uint32_t tsc_khz;            /* the guest TSC's rate: the APIC timer counts at it */
    bool tsc_scaling;            /* the CPU scales TSCs (KVM_CAP_TSC_CONTROL) */
    uint64_t deadline_ns;        /* CLOCK_MONOTONIC; 0: not armed */
    struct zxr_vcpu *next_armed; /* the timer thread's list */
};
struct zxr_vcpu {
    struct zxr_object base;
    struct zxr_guest *guest; /* holds a reference */
    uint32_t vpid;
    int fd;
    struct kvm_run *run;
    size_t run_size;
    bool sync_regs; /* KVM copies regs and sregs into kvm_run at every exit */
    uint64_t owner; /* zxr_thread_token() of the creating thread */
    pthread_t owner_thread;
    /* Owner thread only: the Capstone handle (opened at the first MEM exit), its insn, its
     * mode, the last write decoded, and the run loop's state. */
    size_t decoder;
    void *decoder_insn;
    int decoder_mode;
    struct zxr_decoded_write last_write;
    void *packet_written; /* the packet pointer the last resume wrote to */
    struct zxr_walk_cache walks[ZXR_WALKS];
    unsigned next_walk; /* the one to replace next */
    struct zxr_io_site io_site;
    bool halted;          /* guest executed HLT; waiting for an interrupt */
    bool pending_left;    /* vectors stayed pending after the last injection */
    bool exit_pending;    /* completing an exit produced another exit, not yet handled */
    uint64_t kicked_rip;  /* RIP when the last kick ended KVM_RUN (stuck_outside_memory) */
    /* Set by zx_vcpu_interrupt (under lock) after queueing a vector; the run loop reads it
     * without the lock before entering the guest. With running, a Dekker pair: either the
     * loop sees attention, or the interrupter sees running and kicks. */
    atomic_bool attention;
    atomic_bool running; /* inside (or about to enter) KVM_RUN: interrupts must kick */
    pthread_mutex_t lock; /* pending and wake */
    pthread_cond_t wake;  /* signalled when an interrupt is queued */
    uint64_t pending[4];  /* pending vectors, one bit each */
    struct zxr_apic apic;
};
uint64_t zxr_thread_token(void);
/* Sends the kick signal to a thread inside KVM_RUN (see vcpu.c). */
int zxr_kick_signal(void);
zx_status_t zxr_vcpu_run(struct zxr_vcpu *vcpu, zx_port_packet_t *packet);
/* Marks vector pending and wakes or kicks the VCPU: the one path of zx_vcpu_interrupt, the
 * APIC timer and self-IPIs. Any thread. */
void zxr_vcpu_raise(struct zxr_vcpu *vcpu, unsigned vector);

/* ---- msr.c: the MSRs Zircon's kernel emulated, reached through KVM's user-space MSR exits. ---- */
/* Routes the guest's MSR accesses that Zircon did not pass through to user space. */
zx_status_t zxr_msr_setup_vm(int vm_fd);
/* How an emulated MSR access (an x2APIC register among them) ends. */
enum zxr_msr_result {
    ZXR_MSR_DONE,   /* the guest goes on (with the value read) */
    ZXR_MSR_GP,     /* refused: the guest takes a #GP, as on hardware */
    ZXR_MSR_PACKET, /* *packet holds a packet for user space (an ICR write) */
    ZXR_MSR_FAILED, /* the VCPU fails, as in Zircon: resume returns `failure` */
};
struct zxr_msr_outcome {
    enum zxr_msr_result result;
    zx_status_t failure;
};
#define ZXR_MSR_OUTCOME(result) ((struct zxr_msr_outcome){(result), ZX_OK})
#define ZXR_MSR_FAILURE(status) ((struct zxr_msr_outcome){ZXR_MSR_FAILED, (status)})
/* The exit in vcpu->run (KVM_EXIT_X86_RDMSR or _WRMSR), in the run loop's terms (Zircon's):
 * ZX_OK, the guest goes on (with a #GP if msr.error is set); ZX_ERR_NEXT, *packet holds a
 * packet for user space; anything else, the VCPU fails with that status. */
zx_status_t zxr_msr_exit(struct zxr_vcpu *vcpu, zx_port_packet_t *packet);

/* ---- apic.c: the x2APIC registers (MSRs 0x800-0x83f), the ICR and the timer registers. ---- */
#define ZXR_X2APIC_MSR_FIRST 0x800u
#define ZXR_X2APIC_MSR_LAST 0x83fu
#define ZXR_MSR_APIC_BASE 0x1bu
#define ZXR_APIC_BASE_BSP (1ull << 8)
#define ZXR_MSR_TSC_DEADLINE 0x6e0u
/* IA32_APIC_BASE as Zircon reports it: x2APIC on, at 0xfee00000, BSP bit for VPID 1. */
uint64_t zxr_apic_base(const struct zxr_vcpu *vcpu);
/* Per VCPU: APIC_BASE in KVM (CPUID's APIC bit follows it) and the TSC rate. */
zx_status_t zxr_apic_init(struct zxr_vcpu *vcpu);
/* Register access: DONE (with *value for a read), GP, PACKET (ICR), or FAILED. */
struct zxr_msr_outcome zxr_apic_read(struct zxr_vcpu *vcpu, uint32_t msr, uint64_t *value);
struct zxr_msr_outcome zxr_apic_write(struct zxr_vcpu *vcpu, uint32_t msr, uint64_t value,
                                      zx_port_packet_t *packet);
struct zxr_msr_outcome zxr_apic_write_tsc_deadline(struct zxr_vcpu *vcpu, uint64_t tsc_deadline);
/* Called by the timer thread, timer lock held, when vcpu's deadline has passed. */
void zxr_apic_timer_expired_locked(struct zxr_vcpu *vcpu);

/* ---- apic_timer.c: one thread for the library sleeps until the earliest armed deadline. ---- */
void zxr_apic_timers_lock(void);
void zxr_apic_timers_unlock(void);
/* Arms (deadline_ns > 0, CLOCK_MONOTONIC) or disarms (0) vcpu's timer. Timer lock held. */
void zxr_apic_timer_set_locked(struct zxr_vcpu *vcpu, uint64_t deadline_ns);
/* Disarms the timer of a VCPU about to be destroyed. */
void zxr_apic_timer_remove(struct zxr_vcpu *vcpu);
uint64_t zxr_monotonic_ns(void);

/* ---- cpuid.c ---- */
struct kvm_cpuid2;
/* The CPUID a VCPU sees: KVM's supported leaves with Zircon's edits for vcpu's APIC id. */
zx_status_t zxr_cpuid_set(struct zxr_vcpu *vcpu, const struct kvm_cpuid2 *supported);
/* mem_decode.c: fills inst_len, inst_buf and default_operand_size of a MEM packet for the
 * access (write or read of gpa) that just exited. */
void zxr_decode_mem_instruction(struct zxr_vcpu *vcpu, bool write, uint64_t gpa,
                                zx_packet_guest_mem_t *mem);
/* io_decode.c: true if the I/O exit (direction, port, size, data as KVM reports them) came from a string
 * instruction (INS/OUTS). */
bool zxr_is_string_io(struct zxr_vcpu *vcpu, bool input, uint16_t port, uint8_t size,
                      const void *data);
/* RAX at the last exit. */
uint64_t zxr_exit_rax(struct zxr_vcpu *vcpu);
void zxr_decoder_close(struct zxr_vcpu *vcpu);
/* entry_failure.c: what KVM said about a failed resume, for zxconf_last_failure (cleared at
 * each resume). */
void zxr_note_entry_failure(struct zxr_vcpu *vcpu);
void zxr_note_internal_error(struct zxr_vcpu *vcpu);
void zxr_note_failure(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void zxr_clear_failure(void);

#endif
