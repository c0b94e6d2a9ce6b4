// Mutant: CPUID does not offer the TSC-deadline timer. filter: apic_cpuid
// Built from ref/ with the substitution below (see ref/module.mk).
// ref-source: ref/cpuid.c s/ | ECX_TSC_DEADLINE;/;/
