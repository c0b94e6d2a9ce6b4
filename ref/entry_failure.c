/* Why a resume failed inside the reference, as KVM said it, for zxconf_last_failure: a failed
 * VM entry (its hardware entry failure reason, and the code segment when it is one no CPU
 * produces), a KVM internal error, a KVM_RUN that failed. */
#include <linux/kvm.h>
#include <stdarg.h>
#include <stdio.h>
#include <sys/ioctl.h>

#include "zxr.h"

#define EFER_LMA (1ull << 10)
#define SVM_EXIT_ERR 0xffffffffull /* VMEXIT_INVALID, as KVM reports it (low 32 bits) */
#define VMX_ENTRY_FAILURE (1ull << 31)

static _Thread_local char last_failure[320];

const char *zxconf_last_failure(void) { return last_failure; }

void zxr_clear_failure(void) { last_failure[0] = '\0'; }

void zxr_note_failure(const char *fmt, ...) {
    va_list args;
    va_start(args, fmt);
    vsnprintf(last_failure, sizeof last_failure, fmt, args);
    va_end(args);
}

static const char *reason_name(uint64_t reason) {
    if (reason == SVM_EXIT_ERR)
        return "SVM VMEXIT_INVALID: the guest state failed VMRUN's consistency checks";
    if (reason & VMX_ENTRY_FAILURE) {
        switch (reason & 0xffff) {
        case 33: return "VMX: invalid guest state";
        case 34: return "VMX: MSR loading";
        case 41: return "VMX: machine check";
        }
    }
    return "see the CPU vendor's manual";
}

/* QEMU's TCG runs a SYSENTER into long mode by loading CS with both L and D set, which no CPU
 * does and its SVM emulation then refuses at the next entry (ref/README.md). */
static const char *cs_note(struct zxr_vcpu *v) {
    struct kvm_sregs sregs;
    if (ioctl(v->fd, KVM_GET_SREGS, &sregs) != 0)
        return "";
    if ((sregs.efer & EFER_LMA) && sregs.cs.l && sregs.cs.db)
        return "; CS has both L and D set in long mode, as QEMU's SYSENTER leaves it, and RIP "
               "is no longer the guest's (ref/README.md)";
    return "";
}

void zxr_note_entry_failure(struct zxr_vcpu *v) {
    uint64_t reason = v->run->fail_entry.hardware_entry_failure_reason;
    zxr_note_failure("KVM_EXIT_FAIL_ENTRY on VCPU %u: hardware entry failure reason %#llx (%s)%s",
                     v->vpid, (unsigned long long)reason, reason_name(reason), cs_note(v));
}

void zxr_note_internal_error(struct zxr_vcpu *v) {
    const struct kvm_run *run = v->run;
    char data[160] = "";
    size_t used = 0;
    for (uint32_t i = 0; i < run->internal.ndata && i < 8 && used < sizeof data; i++)
        used += (size_t)snprintf(data + used, sizeof data - used, " %#llx",
                                 (unsigned long long)run->internal.data[i]);
    zxr_note_failure("KVM_EXIT_INTERNAL_ERROR on VCPU %u: suberror %u (1: emulation failed, "
                     "2: exception while delivering an event, 3: unexpected exit), data:%s",
                     v->vpid, run->internal.suberror, data);
}
