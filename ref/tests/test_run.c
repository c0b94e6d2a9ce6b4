/* Running guests: exits, traps, packets, interrupts, HLT, shared memory, second VCPUs. */
#include <pthread.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ref_test.h"

#define NONE ZX_HANDLE_INVALID

START_TEST(clean_exit) {
    struct fixture f;
    fixture_setup(&f, BLOB(exit));
    resume_and_clean_exit(&f);
    fixture_teardown(&f);
}
END_TEST

/* Registers written before the run come back doubled; the written rflags 0 was ignored. */
START_TEST(state_through_guest) {
    struct fixture f;
    fixture_setup(&f, BLOB(state));
    zx_vcpu_state_t state;
    uint64_t *regs = (uint64_t *)&state;
    for (int i = 0; i < 16; i++)
        regs[i] = (uint64_t)(i + 1);
    state.rflags = 0;
    ASSERT_OK(zx_vcpu_write_state(f.vcpu, ZX_VCPU_STATE, &state, sizeof(state)));
    resume_and_clean_exit(&f);
    zx_vcpu_state_t got = read_state(f.vcpu);
    uint64_t *got_regs = (uint64_t *)&got;
    for (int i = 0; i < 16; i++)
        ck_assert_uint_eq(got_regs[i], 2 * (uint64_t)(i + 1));
    ck_assert_uint_eq(got.rflags, 0x1 | 0x40000); /* CF | AC */
    fixture_teardown(&f);
}
END_TEST

/* The OUTs of 1, 2 and 4 bytes at the start of guests/io.S. */
START_TEST(io_out) {
    struct fixture f;
    fixture_setup(&f, BLOB(io));
    ASSERT_OK(zx_guest_set_trap(f.guest, ZX_GUEST_TRAP_IO, IO_PORT, 1, NONE, TRAP_KEY));
    const uint32_t values[] = {0xAB, 0xCDEF, 0x12345678};
    for (uint8_t i = 0; i < 3; i++) {
        zx_port_packet_t packet;
        ASSERT_OK(zx_vcpu_resume(f.vcpu, &packet));
        ck_assert_uint_eq(packet.key, TRAP_KEY);
        ck_assert_uint_eq(packet.type, ZX_PKT_TYPE_GUEST_IO);
        ck_assert_uint_eq(packet.guest_io.port, IO_PORT);
        ck_assert_uint_eq(packet.guest_io.access_size, 1u << i);
        ck_assert(!packet.guest_io.input);
        ck_assert_uint_eq(packet.guest_io.u32, values[i]);
    }
    fixture_teardown(&f);
}
END_TEST

/* Each OUT is reported once, as itself, wherever KVM leaves RIP at the exit. */
START_TEST(io_out_back_to_back) {
    struct fixture f;
    fixture_setup(&f, BLOB(io_out_pair));
    ASSERT_OK(zx_guest_set_trap(f.guest, ZX_GUEST_TRAP_IO, IO_PORT, 2, NONE, TRAP_KEY));
    for (uint16_t port = IO_PORT; port <= IO_PORT + 1; port++) {
        zx_port_packet_t packet;
        ASSERT_OK(zx_vcpu_resume(f.vcpu, &packet));
        ck_assert_uint_eq(packet.type, ZX_PKT_TYPE_GUEST_IO);
        ck_assert_uint_eq(packet.guest_io.port, port);
        ck_assert_uint_eq(packet.guest_io.u8, 0x6E);
    }
    resume_and_clean_exit(&f);
    fixture_teardown(&f);
}
END_TEST

static void io_in(const uint8_t *code, size_t len, uint8_t size, uint64_t expected_rbx) {
    struct fixture f;
    fixture_setup(&f, code, len);
    ASSERT_OK(zx_guest_set_trap(f.guest, ZX_GUEST_TRAP_IO, IO_PORT, 1, NONE, TRAP_KEY));
    zx_vcpu_state_t state = read_state(f.vcpu);
    state.rax = 0x1111111111111111ull;
    ASSERT_OK(zx_vcpu_write_state(f.vcpu, ZX_VCPU_STATE, &state, sizeof(state)));
    zx_port_packet_t packet;
    ASSERT_OK(zx_vcpu_resume(f.vcpu, &packet));
    ck_assert_uint_eq(packet.type, ZX_PKT_TYPE_GUEST_IO);
    ck_assert_uint_eq(packet.guest_io.port, IO_PORT);
    ck_assert_uint_eq(packet.guest_io.access_size, size);
    ck_assert(packet.guest_io.input);
    zx_vcpu_io_t io = {.access_size = size, .u32 = 0xA5A5A55A};
    ASSERT_OK(zx_vcpu_write_state(f.vcpu, ZX_VCPU_IO, &io, sizeof(io)));
    resume_and_clean_exit(&f);
    ck_assert_uint_eq(read_state(f.vcpu).rbx, expected_rbx);
    fixture_teardown(&f);
}

START_TEST(io_in_byte) { io_in(BLOB(in_byte), 1, 0x111111111111115Aull); }
END_TEST
START_TEST(io_in_dword) { io_in(BLOB(in_dword), 4, 0xA5A5A55Aull); }
END_TEST

START_TEST(io_without_trap) {
    struct fixture f;
    fixture_setup(&f, BLOB(io_no_trap));
    zx_port_packet_t packet;
    ASSERT_STATUS(zx_vcpu_resume(f.vcpu, &packet), ZX_ERR_NOT_FOUND);
    resume_and_clean_exit(&f); /* the instruction was skipped */
    fixture_teardown(&f);
}
END_TEST

START_TEST(io_string_and_rep) {
    const uint8_t *codes[] = {zxc_guest_outs_start, zxc_guest_rep_outs_start};
    size_t lens[] = {(size_t)(zxc_guest_outs_end - zxc_guest_outs_start),
                     (size_t)(zxc_guest_rep_outs_end - zxc_guest_rep_outs_start)};
    for (int i = 0; i < 2; i++) {
        struct fixture f;
        fixture_setup(&f, codes[i], lens[i]);
        ASSERT_OK(zx_guest_set_trap(f.guest, ZX_GUEST_TRAP_IO, IO_PORT, 1, NONE, TRAP_KEY));
        zx_port_packet_t packet;
        ASSERT_STATUS(zx_vcpu_resume(f.vcpu, &packet), ZX_ERR_NOT_SUPPORTED);
        fixture_teardown(&f);
    }
}
END_TEST

/* What is cached about the instruction at an IO exit does not outlive its bytes. */
START_TEST(io_rewritten_to_string) {
    struct fixture f;
    fixture_setup(&f, BLOB(io_rewritten));
    ASSERT_OK(zx_guest_set_trap(f.guest, ZX_GUEST_TRAP_IO, IO_PORT, 1, NONE, TRAP_KEY));
    zx_port_packet_t packet;
    ASSERT_OK(zx_vcpu_resume(f.vcpu, &packet));
    ck_assert_uint_eq(packet.type, ZX_PKT_TYPE_GUEST_IO);
    ck_assert_uint_eq(packet.guest_io.u8, 0x55);
    ASSERT_STATUS(zx_vcpu_resume(f.vcpu, &packet), ZX_ERR_NOT_SUPPORTED);
    fixture_teardown(&f);
}
END_TEST

START_TEST(mem_write) {
    struct fixture f;
    fixture_setup(&f, BLOB(mem));
    ASSERT_OK(zx_guest_set_trap(f.guest, ZX_GUEST_TRAP_MEM, TRAP_ADDR, PAGE, NONE, TRAP_KEY));
    zx_port_packet_t packet;
    ASSERT_OK(zx_vcpu_resume(f.vcpu, &packet));
    ck_assert_uint_eq(packet.key, TRAP_KEY);
    ck_assert_uint_eq(packet.type, ZX_PKT_TYPE_GUEST_MEM);
    ck_assert_uint_eq(packet.guest_mem.addr, TRAP_ADDR);
    ck_assert_uint_eq(packet.guest_mem.inst_len, 12);
    ck_assert_uint_eq(packet.guest_mem.inst_buf[0], 0x48);
    ck_assert_uint_eq(packet.guest_mem.default_operand_size, 4);
    resume_and_clean_exit(&f);
    fixture_teardown(&f);
}
END_TEST

/* A read exits too; what user space writes to the registers is not overwritten. */
START_TEST(mem_read) {
    struct fixture f;
    fixture_setup(&f, BLOB(mem_read));
    ASSERT_OK(zx_guest_set_trap(f.guest, ZX_GUEST_TRAP_MEM, TRAP_ADDR, PAGE, NONE, TRAP_KEY));
    zx_port_packet_t packet;
    ASSERT_OK(zx_vcpu_resume(f.vcpu, &packet));
    ck_assert_uint_eq(packet.type, ZX_PKT_TYPE_GUEST_MEM);
    ck_assert_uint_eq(packet.guest_mem.addr, TRAP_ADDR);
    ck_assert_uint_eq(packet.guest_mem.inst_len, 7); /* 8B 1C 25 disp32: mov ..., %ebx */
    zx_vcpu_state_t state = read_state(f.vcpu);
    state.rbx = 0x77;
    ASSERT_OK(zx_vcpu_write_state(f.vcpu, ZX_VCPU_STATE, &state, sizeof(state)));
    resume_and_clean_exit(&f);
    ck_assert_uint_eq(read_state(f.vcpu).rbx, 0x77);
    fixture_teardown(&f);
}
END_TEST

START_TEST(mem_without_trap) {
    struct fixture f;
    fixture_setup(&f, BLOB(mem_no_trap));
    zx_port_packet_t packet;
    ASSERT_STATUS(zx_vcpu_resume(f.vcpu, &packet), ZX_ERR_NOT_FOUND);
    resume_and_clean_exit(&f);
    fixture_teardown(&f);
}
END_TEST

START_TEST(shared_memory) {
    struct fixture f;
    fixture_setup(&f, BLOB(load_store));
    uint64_t value = 0x1234567890ull, back = 0;
    ASSERT_OK(zx_vmo_write(f.vmo, &value, LOAD_ADDR, sizeof(value)));
    zx_vcpu_state_t state = read_state(f.vcpu);
    state.rbx = 0xFEED;
    ASSERT_OK(zx_vcpu_write_state(f.vcpu, ZX_VCPU_STATE, &state, sizeof(state)));
    resume_and_clean_exit(&f);
    ck_assert_uint_eq(read_state(f.vcpu).rax, value);
    ASSERT_OK(zx_vmo_read(f.vmo, &back, STORE_ADDR, sizeof(back)));
    ck_assert_uint_eq(back, 0xFEED);
    fixture_teardown(&f);
}
END_TEST

START_TEST(bell) {
    struct fixture f;
    fixture_setup(&f, BLOB(mem));
    zx_handle_t port;
    ASSERT_OK(zx_port_create(0, &port));
    ASSERT_OK(zx_guest_set_trap(f.guest, ZX_GUEST_TRAP_BELL, TRAP_ADDR, PAGE, port, TRAP_KEY));
    resume_and_clean_exit(&f); /* asynchronous: the guest went on */
    zx_port_packet_t packet;
    ASSERT_OK(zx_port_wait(port, 0, &packet));
    ck_assert_uint_eq(packet.key, TRAP_KEY);
    ck_assert_uint_eq(packet.type, ZX_PKT_TYPE_GUEST_BELL);
    ck_assert_int_eq(packet.status, ZX_OK);
    ck_assert_uint_eq(packet.guest_bell.addr, TRAP_ADDR);
    ASSERT_OK(zx_handle_close(port));
    fixture_teardown(&f);
}
END_TEST

START_TEST(bell_read_not_supported) {
    struct fixture f;
    fixture_setup(&f, BLOB(mem_read));
    zx_handle_t port;
    ASSERT_OK(zx_port_create(0, &port));
    ASSERT_OK(zx_guest_set_trap(f.guest, ZX_GUEST_TRAP_BELL, TRAP_ADDR, PAGE, port, TRAP_KEY));
    zx_port_packet_t packet;
    ASSERT_STATUS(zx_vcpu_resume(f.vcpu, &packet), ZX_ERR_NOT_SUPPORTED);
    ASSERT_OK(zx_handle_close(port));
    fixture_teardown(&f);
}
END_TEST

START_TEST(bell_port_closed) {
    struct fixture f;
    fixture_setup(&f, BLOB(mem));
    zx_handle_t port;
    ASSERT_OK(zx_port_create(0, &port));
    ASSERT_OK(zx_guest_set_trap(f.guest, ZX_GUEST_TRAP_BELL, TRAP_ADDR, PAGE, port, TRAP_KEY));
    ASSERT_OK(zx_handle_close(port));
    zx_port_packet_t packet;
    ASSERT_STATUS(zx_vcpu_resume(f.vcpu, &packet), ZX_ERR_BAD_STATE);
    resume_and_clean_exit(&f);
    fixture_teardown(&f);
}
END_TEST

/* A port full of user packets still takes BELL packets; destroying the guest cancels its
 * packets and leaves the user packets. */
START_TEST(bell_with_user_packets) {
    struct fixture f;
    fixture_setup(&f, BLOB(mem));
    zx_handle_t port;
    ASSERT_OK(zx_port_create(0, &port));
    zx_port_packet_t user = {.key = TRAP_KEY};
    int queued = 0;
    while (zx_port_queue(port, &user) == ZX_OK)
        queued++;
    ASSERT_OK(zx_guest_set_trap(f.guest, ZX_GUEST_TRAP_BELL, TRAP_ADDR, PAGE, port, TRAP_KEY));
    resume_and_clean_exit(&f);
    fixture_teardown(&f); /* the guest dies with its BELL packet still queued */
    zx_port_packet_t packet;
    for (int i = 0; i < queued; i++) {
        ASSERT_OK(zx_port_wait(port, 0, &packet));
        ck_assert_uint_eq(packet.type, ZX_PKT_TYPE_USER);
    }
    ASSERT_STATUS(zx_port_wait(port, 0, &packet), ZX_ERR_TIMED_OUT);
    ASSERT_OK(zx_handle_close(port));
}
END_TEST

static void interrupts_then_exit(const uint32_t *vectors, int n, uint64_t expected_rax) {
    struct fixture f;
    fixture_setup(&f, BLOB(interrupt));
    resume_and_clean_exit(&f); /* IDT installed, interrupts enabled */
    for (int i = 0; i < n; i++)
        ASSERT_OK(zx_vcpu_interrupt(f.vcpu, vectors[i]));
    resume_and_clean_exit(&f);
    ck_assert_uint_eq(read_state(f.vcpu).rax, expected_rax);
    fixture_teardown(&f);
}

START_TEST(interrupt) { interrupts_then_exit((uint32_t[]){32}, 1, 32); }
END_TEST
START_TEST(interrupt_priority) { interrupts_then_exit((uint32_t[]){16, 32}, 2, 32); }
END_TEST
START_TEST(nmi) { interrupts_then_exit((uint32_t[]){2}, 1, 2); }
END_TEST
START_TEST(nmi_priority) { interrupts_then_exit((uint32_t[]){32, 2}, 2, 2); }
END_TEST
START_TEST(exception) { interrupts_then_exit((uint32_t[]){16}, 1, 16); }
END_TEST
START_TEST(exception_with_error_code) { interrupts_then_exit((uint32_t[]){13}, 1, 13); }
END_TEST

struct delayed_interrupt {
    zx_handle_t vcpu;
    pthread_t thread;
};
static void *interrupt_later(void *arg) {
    struct delayed_interrupt *d = arg;
    usleep(300 * 1000);
    zx_vcpu_interrupt(d->vcpu, 32);
    return NULL;
}

/* HLT blocks inside resume until another thread's interrupt arrives. */
START_TEST(hlt_waits_for_interrupt) {
    struct fixture f;
    fixture_setup(&f, BLOB(hlt));
    struct delayed_interrupt d = {.vcpu = f.vcpu};
    pthread_create(&d.thread, NULL, interrupt_later, &d);
    resume_and_clean_exit(&f);
    ck_assert_uint_eq(read_state(f.vcpu).rax, 32);
    pthread_join(d.thread, NULL);
    fixture_teardown(&f);
}
END_TEST

/* An interrupt from another thread kicks a VCPU spinning inside KVM_RUN. */
START_TEST(interrupt_kicks_running_vcpu) {
    struct fixture f;
    fixture_setup(&f, BLOB(interrupt));
    resume_and_clean_exit(&f);
    struct delayed_interrupt d = {.vcpu = f.vcpu};
    pthread_create(&d.thread, NULL, interrupt_later, &d);
    resume_and_clean_exit(&f); /* guest spins in `jmp .` until the ISR runs */
    ck_assert_uint_eq(read_state(f.vcpu).rax, 32);
    pthread_join(d.thread, NULL);
    fixture_teardown(&f);
}
END_TEST

START_TEST(triple_fault_returns) {
    struct fixture f;
    fixture_setup(&f, BLOB(triple_fault));
    zx_port_packet_t packet;
    ASSERT_STATUS(zx_vcpu_resume(f.vcpu, &packet), ZX_ERR_NOT_SUPPORTED);
    /* ... and says why, in KVM's words. */
    ck_assert_msg(strstr(zxconf_last_failure(), "shutdown") != NULL, "zxconf_last_failure: '%s'",
                  zxconf_last_failure());
    fixture_teardown(&f);
}
END_TEST

/* A second VCPU starts in real mode at CS base = entry, IP = 0. */
START_TEST(second_vcpu_real_mode) {
    struct fixture f;
    fixture_setup(&f, BLOB(exit));
    ASSERT_OK(zx_vmo_write(f.vmo, zxc_guest_report16_start, AP_ENTRY,
                           (size_t)(zxc_guest_report16_end - zxc_guest_report16_start)));
    ASSERT_OK(zx_guest_set_trap(f.guest, ZX_GUEST_TRAP_IO, IO_PORT, 1, NONE, TRAP_KEY));
    zx_handle_t ap;
    ASSERT_OK(zx_vcpu_create(f.guest, 0, AP_ENTRY, &ap));
    zx_port_packet_t packet;
    ASSERT_OK(zx_vcpu_resume(ap, &packet));
    ck_assert_uint_eq(packet.type, ZX_PKT_TYPE_GUEST_IO);
    ck_assert_uint_eq(packet.guest_io.port, IO_PORT);
    ck_assert_uint_eq(packet.guest_io.access_size, 1);
    resume_and_clean_exit(&f); /* the first VCPU is unaffected */
    ASSERT_OK(zx_handle_close(ap));
    fixture_teardown(&f);
}
END_TEST

Suite *run_suite(void) {
    Suite *s = suite_create("run");
    TCase *t = tcase_create("run");
    tcase_add_test(t, clean_exit);
    tcase_add_test(t, state_through_guest);
    tcase_add_test(t, io_out);
    tcase_add_test(t, io_in_byte);
    tcase_add_test(t, io_in_dword);
    tcase_add_test(t, io_without_trap);
    tcase_add_test(t, io_string_and_rep);
    tcase_add_test(t, io_rewritten_to_string);
    tcase_add_test(t, io_out_back_to_back);
    tcase_add_test(t, mem_write);
    tcase_add_test(t, mem_read);
    tcase_add_test(t, mem_without_trap);
    tcase_add_test(t, shared_memory);
    tcase_add_test(t, bell);
    tcase_add_test(t, bell_read_not_supported);
    tcase_add_test(t, bell_port_closed);
    tcase_add_test(t, bell_with_user_packets);
    tcase_add_test(t, interrupt);
    tcase_add_test(t, interrupt_priority);
    tcase_add_test(t, nmi);
    tcase_add_test(t, nmi_priority);
    tcase_add_test(t, exception);
    tcase_add_test(t, exception_with_error_code);
    tcase_add_test(t, hlt_waits_for_interrupt);
    tcase_add_test(t, interrupt_kicks_running_vcpu);
    tcase_add_test(t, triple_fault_returns);
    tcase_add_test(t, second_vcpu_real_mode);
    tcase_set_timeout(t, 120);
    suite_add_tcase(s, t);
    return s;
}
