/* zx_vcpu_read_state / zx_vcpu_write_state on x86: every register round-trips through the
 * guest, RFLAGS reads only the user bits, and a written RFLAGS counts only with bit 1 set. */
#include <stdio.h>

#include "zxc.h"

#define CF (1u << 0)
#define AC (1u << 18)

ZXC_TEST(state_every_register) {
    ZXC_COVERS("zx_vcpu_read_state.DESCRIPTION.kind-vcpu_state-buffer-receives");
    ZXC_COVERS("zx_vcpu_write_state.DESCRIPTION.vcpu_state-buffer-holds-zx");
    const char *clause = "zx_vcpu_write_state.DESCRIPTION.vcpu_state-buffer-holds-zx";
    struct zxc_guest g;
    zx_handle_t vcpu = zxc_guest_with_vcpu(&g, ZXC_IMAGE(state));
    zx_vcpu_state_t state = {
        .rax = 1, .rcx = 2, .rdx = 3, .rbx = 4, .rsp = 5, .rbp = 6, .rsi = 7, .rdi = 8,
        .r8 = 9, .r9 = 10, .r10 = 11, .r11 = 12, .r12 = 13, .r13 = 14, .r14 = 15, .r15 = 16,
        .rflags = 0, /* bit 1 clear: RFLAGS is left as it was */
    };
    zxc_write_state(vcpu, &state);
    zxc_resume_expect_exit(vcpu, clause);
    zx_vcpu_state_t after = zxc_read_state(vcpu);
    static const char *names[16] = {"rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi",
                                    "r8",  "r9",  "r10", "r11", "r12", "r13", "r14", "r15"};
    const uint64_t *regs = &after.rax;
    for (int i = 0; i < 16; i++) {
        char what[64];
        snprintf(what, sizeof what, "%s after the guest added %d to it", names[i], i + 1);
        zxc_expect_u64("zx_vcpu_read_state.DESCRIPTION.kind-vcpu_state-buffer-receives",
                       what, 2 * (uint64_t)(i + 1), regs[i]);
    }
    zxc_expect_u64("zx_vcpu_read_state.DESCRIPTION.kind-vcpu_state-buffer-receives",
                   "rflags after stc; stac", CF | AC,
                   after.rflags);
}

/* Runs the rflags guest after writing `rflags`; returns the RFLAGS the guest saw. */
static uint64_t guest_rflags_after_writing(uint64_t rflags, zx_handle_t *vcpu_out) {
    static struct zxc_guest g;
    zx_handle_t vcpu = zxc_guest_with_vcpu(&g, ZXC_IMAGE(rflags));
    zx_vcpu_state_t state = zxc_read_state(vcpu);
    state.rflags = rflags;
    zxc_write_state(vcpu, &state);
    zxc_resume_expect_exit(vcpu, "zx_vcpu_write_state.DESCRIPTION.x86-new-rflags-value");
    *vcpu_out = vcpu;
    return zxc_read_state(vcpu).rax;
}

ZXC_TEST(state_rflags_written_with_bit1) {
    ZXC_COVERS("zx_vcpu_write_state.DESCRIPTION.x86-new-rflags-value");
    /* Every user flag but TF (which would single-step the guest). */
    const uint64_t flags = ZXC_X86_FLAGS_USER & ~(1u << 8);
    zx_handle_t vcpu;
    uint64_t seen = guest_rflags_after_writing(flags | 0x2, &vcpu);
    zxc_expect_u64("zx_vcpu_write_state.DESCRIPTION.x86-new-rflags-value",
                   "user flags the guest saw after write_state(rflags with bit 1 set)", flags,
                   seen & ZXC_X86_FLAGS_USER);
}

ZXC_TEST(state_rflags_ignored_without_bit1) {
    ZXC_COVERS("zx_vcpu_write_state.DESCRIPTION.x86-new-rflags-value");
    zx_handle_t vcpu;
    uint64_t seen = guest_rflags_after_writing(CF | AC, &vcpu);
    zxc_expect_u64("zx_vcpu_write_state.DESCRIPTION.x86-new-rflags-value",
                   "user flags the guest saw after write_state(rflags without bit 1)", 0,
                   seen & ZXC_X86_FLAGS_USER);
}

ZXC_TEST(state_rflags_read_masked) {
    ZXC_COVERS("zx_vcpu_read_state.DESCRIPTION.x86-rflags-field-holds");
    zx_handle_t vcpu;
    guest_rflags_after_writing(0x2, &vcpu);
    zxc_expect_u64("zx_vcpu_read_state.DESCRIPTION.x86-rflags-field-holds",
                   "rflags bits outside the user mask 0x244dd5 in read_state", 0,
                   zxc_read_state(vcpu).rflags & ~(uint64_t)ZXC_X86_FLAGS_USER);
}
