// Mutant: the timer raises its vector even when its LVT entry is masked. filter: apic_timer_masked
// Built from ref/ with the substitution below (see ref/module.mk).
// ref-source: ref/apic.c s/if (apic->lvt_timer & LVT_MASKED)/if (false)/
