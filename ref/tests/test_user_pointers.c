/* User pointers: the library reads and writes them directly and turns a fault inside its copy
 * routine into ZX_ERR_INVALID_ARGS; every other fault must still reach the process. */
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ref_test.h"

/* Two pages, the second without access: a buffer ending at the boundary is good, one that
 * crosses it faults after its first bytes were copied. */
static uint8_t *page_before_hole(void) {
    uint8_t *p = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    ck_assert_ptr_ne(p, MAP_FAILED);
    ck_assert_int_eq(mprotect(p + PAGE, PAGE, PROT_NONE), 0);
    return p;
}

START_TEST(buffer_crossing_into_a_hole_is_refused) {
    zx_handle_t vmo;
    ASSERT_OK(zx_vmo_create(PAGE, 0, &vmo));
    uint8_t *p = page_before_hole();
    memset(p, 0xAB, PAGE);
    ASSERT_OK(zx_vmo_write(vmo, p + PAGE - 16, 0, 16));
    ASSERT_STATUS(zx_vmo_write(vmo, p + PAGE - 16, 0, 17), ZX_ERR_INVALID_ARGS);
    ASSERT_OK(zx_vmo_read(vmo, p + PAGE - 16, 0, 16));
    ASSERT_STATUS(zx_vmo_read(vmo, p + PAGE - 15, 0, 16), ZX_ERR_INVALID_ARGS);
    ASSERT_STATUS(zx_vmo_get_size(vmo, (uint64_t *)(p + PAGE - 4)), ZX_ERR_INVALID_ARGS);
    munmap(p, 2 * PAGE);
    ASSERT_OK(zx_handle_close(vmo));
}
END_TEST

static void *refuse_bad_pointers(void *vmo) {
    void *hole = unmapped_page();
    for (int i = 0; i < 2000; i++)
        if (zx_vmo_get_size((zx_handle_t)(uintptr_t)vmo, hole) != ZX_ERR_INVALID_ARGS)
            return (void *)1;
    munmap(hole, PAGE);
    return NULL;
}

START_TEST(threads_fault_at_once) {
    zx_handle_t vmo;
    ASSERT_OK(zx_vmo_create(PAGE, 0, &vmo));
    pthread_t threads[4];
    for (int i = 0; i < 4; i++)
        ck_assert_int_eq(pthread_create(&threads[i], NULL, refuse_bad_pointers,
                                        (void *)(uintptr_t)vmo), 0);
    for (int i = 0; i < 4; i++) {
        void *failed;
        pthread_join(threads[i], &failed);
        ck_assert_msg(failed == NULL, "thread %d: a bad pointer was not refused", i);
    }
    ASSERT_OK(zx_handle_close(vmo));
}
END_TEST

/* Runs fn in a child; true if the child got past it and exited cleanly. A fault handed on
 * kills it with SIGSEGV, or, under ASan, makes ASan's own handler report and exit 1. */
static bool child_survives(void (*fn)(void)) {
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        fn();
        _exit(0);
    }
    int status;
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

static void write_to_hole(void) { *(volatile uint8_t *)unmapped_page() = 1; }
static void send_segv(void) { kill(getpid(), SIGSEGV); }

START_TEST(other_faults_still_reach_the_process) {
    ck_assert_msg(!child_survives(write_to_hole), "a fault outside the library was swallowed");
    ck_assert_msg(!child_survives(send_segv), "a SIGSEGV sent with kill was swallowed");
}
END_TEST

Suite *user_pointer_suite(void) {
    Suite *s = suite_create("user_pointers");
    TCase *t = tcase_create("faults");
    tcase_add_test(t, buffer_crossing_into_a_hole_is_refused);
    tcase_add_test(t, threads_fault_at_once);
    tcase_add_test(t, other_faults_still_reach_the_process);
    tcase_set_timeout(t, 60);
    suite_add_tcase(s, t);
    return s;
}
