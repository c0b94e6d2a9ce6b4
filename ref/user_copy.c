/* User pointers are used the way Zircon's kernel uses them: accessed directly, with a fault
 * handler to recover. Every access goes through zxr_user_copy_raw (user_copy_asm.S); a SIGSEGV
 * or SIGBUS raised by the kernel at one of its instructions resumes at its failure exit, so
 * NULL, unmapped or read-only buffers fail cleanly, and a good buffer costs no system call.
 * Any other SIGSEGV or SIGBUS goes to the action that was installed before this library was
 * loaded. An application that installs its own handler later must chain to the previous one
 * (ref/README.md). */
#include <signal.h>
#include <stdint.h>
#include <ucontext.h>

#include "zxr.h"

bool zxr_user_copy_raw(void *dst, const void *src, size_t len);
extern const char zxr_user_copy_end[], zxr_user_copy_fault[];

static struct sigaction previous_segv, previous_bus;

/* Hands a fault that is not ours to the action that was there before. */
static void pass_on(int sig, siginfo_t *info, void *context) {
    const struct sigaction *previous = sig == SIGSEGV ? &previous_segv : &previous_bus;
    if (previous->sa_handler == SIG_IGN && info->si_code <= 0)
        return; /* sent with kill and ignored before: stays ignored */
    if (previous->sa_flags & SA_SIGINFO) {
        previous->sa_sigaction(sig, info, context);
    } else if (previous->sa_handler != SIG_DFL && previous->sa_handler != SIG_IGN) {
        previous->sa_handler(sig);
    } else {
        /* The default action: re-raised here, it is delivered as soon as we return. */
        struct sigaction default_action = {.sa_handler = SIG_DFL};
        sigemptyset(&default_action.sa_mask);
        sigaction(sig, &default_action, NULL);
        raise(sig);
    }
}

static void on_fault(int sig, siginfo_t *info, void *context) {
    greg_t *pc = &((ucontext_t *)context)->uc_mcontext.gregs[REG_RIP];
    bool raised_by_kernel = info->si_code > 0;
    if (raised_by_kernel && (uintptr_t)*pc >= (uintptr_t)zxr_user_copy_raw &&
        (uintptr_t)*pc < (uintptr_t)zxr_user_copy_end) {
        *pc = (greg_t)(uintptr_t)zxr_user_copy_fault;
        return;
    }
    pass_on(sig, info, context);
}

__attribute__((constructor)) static void install_fault_handler(void) {
    struct sigaction action = {.sa_sigaction = on_fault,
                               .sa_flags = SA_SIGINFO | SA_ONSTACK | SA_RESTART};
    sigemptyset(&action.sa_mask);
    sigaction(SIGSEGV, &action, &previous_segv);
    sigaction(SIGBUS, &action, &previous_bus);
}

bool zxr_copy_from_user(void *dst, const void *user_src, size_t len) {
    return len == 0 || (user_src != NULL && zxr_user_copy_raw(dst, user_src, len));
}

bool zxr_copy_to_user(void *user_dst, const void *src, size_t len) {
    return len == 0 || (user_dst != NULL && zxr_user_copy_raw(user_dst, src, len));
}

bool zxr_user_writable(void *user_dst, size_t len) {
    /* Copying the buffer onto itself reads and writes every byte and keeps its contents. */
    return user_dst != NULL && zxr_user_copy_raw(user_dst, user_dst, len);
}
