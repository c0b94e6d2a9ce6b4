/* Test fixture and helpers. */
#include <dirent.h>
#include <pthread.h>
#include <string.h>
#include <sys/mman.h>

#include "ref_test.h"

#define PTE_P 0x1ull
#define PTE_RW 0x2ull
#define PTE_U 0x4ull
#define PTE_PS 0x80ull

void fixture_setup(struct fixture *f, const uint8_t *code, size_t len) {
    ASSERT_OK(zxconf_hypervisor_resource(&f->resource));
    ASSERT_OK(zx_vmo_create(VMO_SIZE, 0, &f->vmo));
    ASSERT_OK(zx_guest_create(f->resource, 0, f->vmo, &f->guest));
    ASSERT_OK(zx_guest_set_trap(f->guest, ZX_GUEST_TRAP_MEM, EXIT_ADDR, PAGE, ZX_HANDLE_INVALID, 0));
    uint64_t pml4e = 0x1000 | PTE_P | PTE_RW | PTE_U;
    uint64_t pdpte = PD_ADDR | PTE_P | PTE_RW | PTE_U;
    ASSERT_OK(zx_vmo_write(f->vmo, &pml4e, 0, sizeof(pml4e)));
    ASSERT_OK(zx_vmo_write(f->vmo, &pdpte, 0x1000, sizeof(pdpte)));
    for (uint64_t i = 0; i < 512; i++) {
        uint64_t pde = (i << 21) | PTE_P | PTE_RW | PTE_U | PTE_PS;
        ASSERT_OK(zx_vmo_write(f->vmo, &pde, PD_ADDR + 8 * i, sizeof(pde)));
    }
    ASSERT_OK(zx_vmo_write(f->vmo, code, GUEST_ENTRY, len));
    ASSERT_OK(zx_vcpu_create(f->guest, 0, GUEST_ENTRY, &f->vcpu));
}

void fixture_teardown(struct fixture *f) {
    ASSERT_OK(zx_handle_close(f->vcpu));
    ASSERT_OK(zx_handle_close(f->guest));
    ASSERT_OK(zx_handle_close(f->vmo));
    ASSERT_OK(zx_handle_close(f->resource));
}

void resume_and_clean_exit(struct fixture *f) {
    zx_port_packet_t packet;
    memset(&packet, 0xCC, sizeof(packet));
    ASSERT_OK(zx_vcpu_resume(f->vcpu, &packet));
    ck_assert_uint_eq(packet.type, ZX_PKT_TYPE_GUEST_MEM);
    ck_assert_uint_eq(packet.guest_mem.addr, EXIT_ADDR);
    ck_assert_uint_eq(packet.guest_mem.default_operand_size, 4);
    ck_assert_uint_eq(packet.guest_mem.inst_len, 12);
    static const uint8_t movq_exit[12] = {0x48, 0xC7, 0x04, 0x25, 0x00, 0xF0, 0xFF, 0x00};
    ck_assert_mem_eq(packet.guest_mem.inst_buf, movq_exit, sizeof(movq_exit));
}

zx_vcpu_state_t read_state(zx_handle_t vcpu) {
    zx_vcpu_state_t state;
    ASSERT_OK(zx_vcpu_read_state(vcpu, ZX_VCPU_STATE, &state, sizeof(state)));
    return state;
}

struct thread_call {
    void (*fn)(void *);
    void *arg;
};
static void *thread_main(void *p) {
    struct thread_call *call = p;
    call->fn(call->arg);
    return NULL;
}
void run_on_thread(void (*fn)(void *), void *arg) {
    struct thread_call call = {fn, arg};
    pthread_t t;
    ck_assert_int_eq(pthread_create(&t, NULL, thread_main, &call), 0);
    ck_assert_int_eq(pthread_join(t, NULL), 0);
}

int count_fds(void) {
    DIR *dir = opendir("/proc/self/fd");
    ck_assert_ptr_nonnull(dir);
    int n = 0;
    while (readdir(dir) != NULL)
        n++;
    closedir(dir);
    return n;
}

void *unmapped_page(void) {
    void *p = mmap(NULL, PAGE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    ck_assert_ptr_ne(p, MAP_FAILED);
    return p;
}

void *readonly_page(void) {
    void *p = mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    ck_assert_ptr_ne(p, MAP_FAILED);
    return p;
}
