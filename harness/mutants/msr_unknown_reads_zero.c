// Mutant: an MSR the hypervisor does not implement reads as 0 instead of raising a #GP.
// filter: apic_msr_general
// Built from ref/ with the substitution below (see ref/module.mk).
// ref-source: ref/msr.c s/return ZXR_MSR_OUTCOME(ZXR_MSR_GP); \/\* everything else/*value = 0; return ZXR_MSR_OUTCOME(ZXR_MSR_DONE); \/* everything else/
