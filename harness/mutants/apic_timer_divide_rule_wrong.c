// Mutant: the timer divides by 2^(DCR value) instead of Zircon's 2^(value + 1 mod 8).
// filter: apic_timer_divide
// Built from ref/ with the substitution below (see ref/module.mk).
// ref-source: ref/apic.c s/ + 1u) & 7u;/) \& 7u;/
