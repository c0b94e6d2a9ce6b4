/* Zircon's 2018 x86 hypervisor tests that the seed-era API supports and that no other file here
 * already covers: vcpu_resume, vcpu_pause, vcpu_vmcall, vcpu_extended_registers. */
#include "zxc.h"

#define CLAUSE "zx_vcpu_resume.DESCRIPTION.1"

ZXC_TEST(fuchsia_vcpu_resume) {
    ZXC_COVERS("zx_vcpu_resume.DESCRIPTION.1");
    struct zxc_guest g;
    zxc_resume_expect_exit(zxc_guest_with_vcpu(&g, ZXC_IMAGE(resume)), CLAUSE);
}

ZXC_TEST(fuchsia_vcpu_pause) {
    ZXC_COVERS("zx_vcpu_resume.DESCRIPTION.1");
    struct zxc_guest g;
    zxc_resume_expect_exit(zxc_guest_with_vcpu(&g, ZXC_IMAGE(pause)), CLAUSE);
}

ZXC_TEST(fuchsia_vcpu_vmcall) {
    ZXC_COVERS("zx_vcpu_resume.DESCRIPTION.1");
    struct zxc_guest g;
    zx_handle_t vcpu = zxc_guest_with_vcpu(&g, ZXC_IMAGE(vmcall));
    zxc_resume_expect_exit(vcpu, CLAUSE);
    zxc_expect_u64(CLAUSE, "rax after an unknown hypercall (-1000)", (uint64_t)-1000,
                   zxc_read_state(vcpu).rax);
}

ZXC_TEST(fuchsia_vcpu_extended_registers) {
    ZXC_COVERS("zx_vcpu_resume.DESCRIPTION.1");
    struct zxc_guest g;
    zx_handle_t vcpu = zxc_guest_with_vcpu(&g, ZXC_IMAGE(xmm));
    zxc_resume_expect_exit(vcpu, CLAUSE);
    __asm__ volatile("pxor %%xmm0, %%xmm0" ::: "xmm0");
    zxc_resume_expect_exit(vcpu, CLAUSE);
    uint64_t host_xmm0;
    __asm__ volatile("movq %%xmm0, %0" : "=r"(host_xmm0));
    zxc_expect_u64(CLAUSE, "the host's xmm0 after running the guest", 0, host_xmm0);
    zx_vcpu_state_t s = zxc_read_state(vcpu);
    zxc_expect_u64(CLAUSE, "guest xmm0 low half (rax)", 0x89abcdef01234567, s.rax);
    zxc_expect_u64(CLAUSE, "guest xmm0 high half (rbx)", 0x76543210fedcba98, s.rbx);
}
