// Mutant: a write of the x2APIC self-IPI register raises nothing. filter: apic_self_ipi
// Built from ref/ with the substitution below (see ref/module.mk).
// ref-source: ref/apic.c s/zxr_vcpu_raise(vcpu, eax & 0xffu);/(void)eax;/
