/* The guest-code fuzzer (libFuzzer): the input's code bytes run at `entry` of a first VCPU (long
 * mode, identity-mapped) and of a second one (real mode), with IO, MEM and BELL traps set and
 * interrupts sent from another thread at moments the input picks. Oracles: every resume
 * returns (a guest looping without exits is interrupted, fuzz_resume), with ZX_OK or a status
 * the zx_vcpu_resume page lists; no crash or sanitizer report; closing the VCPUs and the guest
 * gives back every file descriptor. Input: fuzz/README.md. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "api_model.h"
#include "fuzz_support.h"

#define PAGE 0x1000u
#define GUEST_MEMORY 0x200000u /* 2 MiB */
#define PML4_ADDR 0x0
#define PDPT_ADDR 0x1000
#define PD_ADDR 0x2000
#define FIRST_ENTRY 0x10000
#define SECOND_ENTRY 0x20000 /* real mode: CS base = entry */
#define EXIT_HANDLER_SEGMENT 0x3000 /* real mode: every IVT vector but 0 leads here */
#define MEM_TRAP_ADDR 0x100000
#define BELL_TRAP_ADDR 0x101000
#define PTE_P 0x1ull
#define PTE_RW 0x2ull
#define PTE_U 0x4ull
#define PTE_PS 0x80ull
#define HEADER 8 /* control bytes before the code */
#define OUT_DX 0xEE /* out %al,(%dx) */
#define MAX_CODE 4096
#define MAX_RESUMES 16
#define MAX_INTERRUPTS 3

static const struct fuzz_call *resume_model;

static bool resume_allows(zx_status_t status) {
    for (unsigned i = 0; i < resume_model->status_count; i++)
        if (resume_model->statuses[i] == status)
            return true;
    return false;
}

/* ---- interrupts from another thread ---- */
struct interrupter {
    zx_handle_t vcpus[2];
    uint8_t plan[2 * MAX_INTERRUPTS]; /* (delay in 100 us units, vector) pairs */
    atomic_bool stop;
};

static void *interrupt_thread(void *p) {
    struct interrupter *in = p;
    for (int i = 0; i < MAX_INTERRUPTS && !atomic_load(&in->stop); i++) {
        usleep(100u * in->plan[2 * i]);
        uint8_t vector = in->plan[2 * i + 1];
        zx_status_t status = fuzz_impl.zx_vcpu_interrupt(in->vcpus[vector & 1], vector);
        fuzz_count_status("zx_vcpu_interrupt", status);
        if (status != ZX_OK && status != ZX_ERR_BAD_HANDLE)
            fuzz_finding("zx_vcpu_interrupt(vector %u) returned %s", vector,
                         zxc_status_name(status));
    }
    return NULL;
}

/* ---- the guest ---- */
struct guest {
    zx_handle_t resource, vmo, guest, port, vcpus[2];
};

static void must(zx_status_t status, const char *what) {
    if (status != ZX_OK)
        fuzz_finding("setting up the guest: %s returned %s", what, zxc_status_name(status));
}

static void write_guest(struct guest *g, uint64_t addr, const void *data, size_t len) {
    must(fuzz_impl.zx_vmo_write(g->vmo, data, addr, len), "zx_vmo_write");
}

/* Real mode's IVT shares GPA 0 with the PML4, whose entry 0 keeps vector 0; vectors 1-255
 * point at a handler that exits (OUT) over and over, so the watchdog's NMI always ends a resume
 * of a real-mode guest in a loop. As PML4 entries they are not present. */
static void write_way_out(struct guest *g) {
    static uint32_t ivt[255];
    for (int v = 0; v < 255; v++)
        ivt[v] = (uint32_t)EXIT_HANDLER_SEGMENT << 16;
    write_guest(g, 4, ivt, sizeof ivt);
    static const uint8_t exit_handler[] = {OUT_DX, 0xEB, 0xFD}; /* 1: out %al,(%dx); jmp 1b */
    write_guest(g, (uint64_t)EXIT_HANDLER_SEGMENT << 4, exit_handler, sizeof exit_handler);
}

/* The guest may overwrite the NMI's IVT entry or the handler (a real-mode store can reach
 * them): the watchdog puts them back before each NMI, or that NMI would run the guest's bytes
 * with NMIs blocked and never end the resume. */
static struct guest *running_guest;
static void restore_way_out(void) { write_way_out(running_guest); }

static void make_guest(struct guest *g, const uint8_t *code, size_t code_len) {
    must(fuzz_impl.zxconf_hypervisor_resource(&g->resource), "zxconf_hypervisor_resource");
    must(fuzz_impl.zx_vmo_create(GUEST_MEMORY, 0, &g->vmo), "zx_vmo_create");
    must(fuzz_impl.zx_guest_create(g->resource, 0, g->vmo, &g->guest), "zx_guest_create");
    must(fuzz_impl.zx_port_create(0, &g->port), "zx_port_create");
    /* Memory is OUTs (trapped: an exit each) wherever nothing else is, so a guest that runs
     * off its code exits at once: zeros (add %al,(%rax)) would run on and on, and a real-mode
     * guest can clear its own IVT on the way, leaving the watchdog's NMI no way out. */
    static uint8_t sled[GUEST_MEMORY];
    if (sled[0] != OUT_DX)
        memset(sled, OUT_DX, sizeof sled);
    write_guest(g, 0, sled, sizeof sled);
    /* Identity map of the first GiB in 2 MiB pages for the long-mode VCPU (CR3 = 0). */
    uint64_t pml4e = PDPT_ADDR | PTE_P | PTE_RW | PTE_U, pdpte = PD_ADDR | PTE_P | PTE_RW | PTE_U;
    write_guest(g, PML4_ADDR, &pml4e, sizeof pml4e);
    write_guest(g, PDPT_ADDR, &pdpte, sizeof pdpte);
    static uint64_t pd[512];
    for (uint64_t i = 0; i < 512; i++)
        pd[i] = (i << 21) | PTE_P | PTE_RW | PTE_U | PTE_PS;
    write_guest(g, PD_ADDR, pd, sizeof pd);
    write_way_out(g);
    if (code_len > 0) {
        write_guest(g, FIRST_ENTRY, code, code_len);
        write_guest(g, SECOND_ENTRY, code, code_len);
    }
    must(fuzz_impl.zx_guest_set_trap(g->guest, ZX_GUEST_TRAP_IO, 0, 0xffff, ZX_HANDLE_INVALID,
                                     1), "zx_guest_set_trap(IO)");
    must(fuzz_impl.zx_guest_set_trap(g->guest, ZX_GUEST_TRAP_MEM, MEM_TRAP_ADDR, PAGE,
                                     ZX_HANDLE_INVALID, 2), "zx_guest_set_trap(MEM)");
    must(fuzz_impl.zx_guest_set_trap(g->guest, ZX_GUEST_TRAP_BELL, BELL_TRAP_ADDR, PAGE, g->port,
                                     3), "zx_guest_set_trap(BELL)");
    must(fuzz_impl.zx_vcpu_create(g->guest, 0, FIRST_ENTRY, &g->vcpus[0]), "zx_vcpu_create");
    must(fuzz_impl.zx_vcpu_create(g->guest, 0, SECOND_ENTRY, &g->vcpus[1]), "zx_vcpu_create");
}

static void close_guest(struct guest *g) {
    zx_handle_t handles[] = {g->vcpus[1], g->vcpus[0], g->guest, g->port, g->vmo, g->resource};
    for (size_t i = 0; i < sizeof handles / sizeof handles[0]; i++)
        must(fuzz_impl.zx_handle_close(handles[i]), "zx_handle_close");
}

/* Resumes until a status other than ZX_OK or MAX_RESUMES exits; answers IO reads. */
static void run_vcpu(zx_handle_t vcpu, uint8_t io_value) {
    for (int n = 0; n < MAX_RESUMES; n++) {
        zx_port_packet_t packet;
        memset(&packet, 0, sizeof packet);
        zx_status_t status = fuzz_resume(vcpu, &packet);
        fuzz_count_status("zx_vcpu_resume", status);
        if (!resume_allows(status))
            fuzz_finding("zx_vcpu_resume returned %s, which is not ZX_OK nor in its ERRORS (%s)",
                         zxc_status_name(status), resume_model->page);
        if (status != ZX_OK)
            return;
        if (packet.type == ZX_PKT_TYPE_GUEST_IO && packet.guest_io.input) {
            zx_vcpu_io_t io = {.access_size = packet.guest_io.access_size};
            memset(io.data, io_value, sizeof io.data);
            zx_status_t written =
                fuzz_impl.zx_vcpu_write_state(vcpu, ZX_VCPU_IO, &io, sizeof io);
            if (written != ZX_OK)
                fuzz_finding("zx_vcpu_write_state(ZX_VCPU_IO, size %u) after an IN returned %s",
                             io.access_size, zxc_status_name(written));
        }
    }
}

int LLVMFuzzerInitialize(int *argc, char ***argv) {
    (void)argc;
    (void)argv;
    fuzz_load_impl();
    for (size_t i = 0; i < fuzz_call_count; i++)
        if (strcmp(fuzz_calls[i].name, "zx_vcpu_resume") == 0)
            resume_model = &fuzz_calls[i];
    if (resume_model == NULL) {
        fprintf(stderr, "zxfuzz: spec/ has no zx_vcpu_resume page\n");
        _exit(2);
    }
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    struct fuzz_reader r = {data, size, 0};
    uint8_t header[HEADER];
    for (int i = 0; i < HEADER; i++)
        header[i] = fuzz_byte(&r);
    const uint8_t *code = data + r.at;
    size_t code_len = size - r.at > MAX_CODE ? MAX_CODE : size - r.at;
    int fds = fuzz_count_fds();
    struct guest g;
    make_guest(&g, code, code_len);
    running_guest = &g;
    fuzz_resume_before_nmi(restore_way_out);
    /* header: [0] bit 0 runs the first VCPU, bit 1 the second (neither: the first), bit 2
     * starts the interrupt thread; [1] the value INs read; [2..7] the interrupt plan. */
    struct interrupter in = {.vcpus = {g.vcpus[0], g.vcpus[1]}};
    memcpy(in.plan, header + 2, HEADER - 2);
    pthread_t thread;
    bool interrupting = header[0] & 4;
    if (interrupting && pthread_create(&thread, NULL, interrupt_thread, &in) != 0)
        interrupting = false;
    if (!(header[0] & 2) || (header[0] & 1))
        run_vcpu(g.vcpus[0], header[1]);
    if (header[0] & 2)
        run_vcpu(g.vcpus[1], header[1]);
    if (interrupting) {
        atomic_store(&in.stop, true);
        pthread_join(thread, NULL);
    }
    fuzz_resume_before_nmi(NULL);
    close_guest(&g);
    int fds_after = fuzz_count_fds();
    if (fds_after != fds)
        fuzz_finding("%d file descriptors before the guest, %d after closing it", fds, fds_after);
    return 0;
}
