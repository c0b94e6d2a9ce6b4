// Mutant: the APIC ID is the VPID, not VPID - 1 (the first VCPU is ID 1). filter: apic_
// Built from ref/ with the substitution below (see ref/module.mk).
// ref-source: ref/apic.c s/return vcpu->vpid - 1; }/return vcpu->vpid; }/
