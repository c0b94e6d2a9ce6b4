# scripts/: the VM runner's own tests, including the KVM smoke guest run through it.
SCRIPTS_SMOKE := $(BUILD)/scripts/kvm-smoke

$(SCRIPTS_SMOKE): scripts/tests/kvm-smoke.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_COMMON) -o $@ $<

.PHONY: scripts-check
scripts-check: $(SCRIPTS_SMOKE)
	@scripts/tests/vm-run-test.sh $(SCRIPTS_SMOKE)

CHECK_TARGETS += scripts-check
