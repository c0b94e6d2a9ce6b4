# fuzz/: the API fuzzer and the guest-code fuzzer (libFuzzer, clang), run in scripts/vm-run's
# VM against an implementation they dlopen, and zxvmm's device fuzzers, run natively on a fake
# machine (fuzz/README.md). `make fuzz` runs each for
# FUZZ_SECONDS and writes results/fuzz.json; `make fuzz-check` runs each for 20 s.
FUZZ_CC       := clang
FUZZ_SAN      := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
FUZZ_DIR      := $(BUILD)/fuzz
# The reference, built by clang with ASan, UBSan and libFuzzer's coverage, for the fuzzers to
# dlopen (the gcc ASan build would bring a second, clashing ASan runtime).
FUZZ_REF_LIB  := $(FUZZ_DIR)/ref/libzxref.so
FUZZ_REF_CFLAGS = -std=gnu11 -O1 -g -Iinclude -D_GNU_SOURCE -fPIC -fvisibility=hidden -pthread \
                  $(FUZZ_SAN) -fsanitize=fuzzer-no-link $(shell pkg-config --cflags capstone)
FUZZ_CFLAGS   := -std=gnu11 -O1 -g -Wall -Wextra -Werror -Iinclude -Ifuzz -Iharness \
                 -I$(FUZZ_DIR) -D_GNU_SOURCE -pthread $(FUZZ_SAN) -fsanitize=fuzzer
FUZZ_MODEL    := $(FUZZ_DIR)/api_model.c
FUZZ_DICT     := $(FUZZ_DIR)/api.dict
FUZZ_SEEDS    := $(FUZZ_DIR)/api_seeds
FUZZ_COMMON   := fuzz/fuzz_support.c harness/status_names.c $(FUZZ_MODEL)
FUZZ_HDRS     := $(wildcard fuzz/*.h) $(wildcard include/zircon/*.h include/zircon/*/*.h)
FUZZERS       := api guest
# IMPL given on the command line is fuzzed instead of the sanitized reference.
FUZZ_IMPL     := $(if $(filter command line,$(origin IMPL)),$(IMPL),$(FUZZ_REF_LIB))
FUZZ_SECONDS  ?= 1800
FUZZ_CHECK_SECONDS ?= 20

$(FUZZ_REF_LIB): $(REF_SRCS) $(REF_HDRS) ref/exports.map fuzz/module.mk
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_REF_CFLAGS) -o $@ $(REF_SRCS) -shared \
	    -Wl,--version-script=ref/exports.map -pthread $(shell pkg-config --libs capstone)

$(FUZZ_MODEL) $(FUZZ_DICT) $(FUZZ_SEEDS) &: $(wildcard gen/*.py spec/*.md) $(FUZZ_HDRS)
	@mkdir -p $(FUZZ_DIR)
	$(PYTHON) gen/fuzz_model.py --out-c $(FUZZ_MODEL) --out-dict $(FUZZ_DICT) \
	    --out-seeds $(FUZZ_SEEDS) $(sort $(wildcard spec/*.md))

$(FUZZ_DIR)/%_fuzz: fuzz/%_fuzz.c $(FUZZ_COMMON) $(FUZZ_HDRS) fuzz/module.mk
	$(FUZZ_CC) $(FUZZ_CFLAGS) -o $@ $< $(FUZZ_COMMON) -ldl

# Devices: zxvmm's device code against a fuzzed guest, on vmm/tests/fake_machine.c (no VM).
FUZZ_DEVICES     := virtio_blk
FUZZ_DEVICE_SRCS := vmm/tests/fake_machine.c vmm/memory.c vmm/pci.c vmm/apic_destination.c \
                    harness/status_names.c
$(FUZZ_DIR)/virtio_blk_fuzz: fuzz/virtio_blk_fuzz.c vmm/virtio_blk.c $(FUZZ_DEVICE_SRCS) \
                             $(wildcard vmm/*.h vmm/tests/*.h) fuzz/module.mk
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -Ivmm -Ivmm/tests -o $@ $< $(FUZZ_DEVICE_SRCS)

# One device fuzzer, natively: $(1) name, $(2) seconds, $(3) output folder.
define FUZZ_DEVICE_RUN
	@mkdir -p $(3)/$(1)-corpus $(3)/$(1)-findings
	@echo "fuzz: $(1) device fuzzer for $(2) s (natively, on a fake machine); log in $(3)/$(1).log"
	-$(FUZZ_DIR)/$(1)_fuzz -max_total_time=$(2) -timeout=60 -rss_limit_mb=2048 \
	    -print_final_stats=1 -artifact_prefix=$(3)/$(1)-findings/ $(3)/$(1)-corpus \
	    $(wildcard fuzz/regressions/$(1)) > $(3)/$(1).log 2>&1
endef

# One fuzzer in the VM: $(1) name, $(2) seconds, $(3) output folder. libFuzzer's own handlers
# for SIGSEGV/SIGBUS stay off: the reference turns faults on user pointers into statuses.
define FUZZ_RUN
	@mkdir -p $(3)/$(1)-corpus $(3)/$(1)-findings
	@echo "fuzz: $(1) fuzzer for $(2) s against $(FUZZ_IMPL) (via $(VMRUN)); log in $(3)/$(1).log"
	-$(VMRUN) --memory 3072 --timeout $$(( $(2) + 600 )) -- env ZXC_FUZZ_IMPL=$(FUZZ_IMPL) \
	    ZXC_FUZZ_STATS=$(3)/$(1).stats $(FUZZ_DIR)/$(1)_fuzz -max_total_time=$(2) -timeout=60 \
	    -rss_limit_mb=2048 -handle_segv=0 -handle_bus=0 -print_final_stats=1 \
	    $(if $(filter api,$(1)),-dict=$(FUZZ_DICT)) -artifact_prefix=$(3)/$(1)-findings/ \
	    $(3)/$(1)-corpus fuzz/regressions/$(1) $(if $(filter api,$(1)),$(FUZZ_SEEDS)) \
	    > $(3)/$(1).log 2>&1
endef

.PHONY: fuzz fuzz-check fuzz-build
fuzz-build: $(FUZZ_REF_LIB) $(FUZZERS:%=$(FUZZ_DIR)/%_fuzz) $(FUZZ_SEEDS) \
            $(FUZZ_DEVICES:%=$(FUZZ_DIR)/%_fuzz)

fuzz: fuzz-build
	$(call FUZZ_RUN,api,$(FUZZ_SECONDS),$(FUZZ_DIR)/run)
	$(call FUZZ_RUN,guest,$(FUZZ_SECONDS),$(FUZZ_DIR)/run)
	$(call FUZZ_DEVICE_RUN,virtio_blk,$(FUZZ_SECONDS),$(FUZZ_DIR)/run)
	@mkdir -p $(RESULTS)
	$(PYTHON) fuzz/report.py --dir $(FUZZ_DIR)/run --impl $(FUZZ_IMPL) --seconds $(FUZZ_SECONDS) \
	    --json $(RESULTS)/fuzz.json $(FUZZERS) $(FUZZ_DEVICES)

fuzz-check: fuzz-build
	@rm -rf $(FUZZ_DIR)/check
	$(call FUZZ_RUN,api,$(FUZZ_CHECK_SECONDS),$(FUZZ_DIR)/check)
	$(call FUZZ_RUN,guest,$(FUZZ_CHECK_SECONDS),$(FUZZ_DIR)/check)
	$(call FUZZ_DEVICE_RUN,virtio_blk,$(FUZZ_CHECK_SECONDS),$(FUZZ_DIR)/check)
	$(PYTHON) fuzz/report.py --dir $(FUZZ_DIR)/check --impl $(FUZZ_IMPL) \
	    --seconds $(FUZZ_CHECK_SECONDS) --json $(FUZZ_DIR)/check/fuzz.json $(FUZZERS) $(FUZZ_DEVICES)
CHECK_TARGETS += fuzz-check
