// Mutant: a periodic APIC timer fires once and is not re-armed. filter: apic_timer_periodic
// The timer lives inside the library, out of reach of a wrapper: this mutant is the
// reference built from ref/ with the substitution below (see ref/module.mk).
// ref-source: ref/apic.c s/if (LVT_TIMER_MODE(apic->lvt_timer) == TIMER_PERIODIC)/if (false)/
