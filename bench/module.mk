# bench/: the reference implementation against raw KVM (see bench/README.md). `make bench` runs
# the full benchmarks and writes results/bench.json; `make check` runs bench-smoke, which only
# proves every benchmark runs (tiny sizes, one round) and never fails on a time.
BENCH_BIN    := $(BUILD)/bench/bench
BENCH_SRCS   := $(wildcard bench/*.c) bench/guest_loops.S
BENCH_HDRS   := $(wildcard bench/*.h) $(wildcard include/zircon/*.h include/zircon/*/*.h)
BENCH_CFLAGS := $(CFLAGS_COMMON) -D_GNU_SOURCE -pthread
# Linked directly against the reference; the rpath finds it wherever the tree is.
BENCH_LIBS   := -L$(BUILD)/ref -lzxref -Wl,-rpath,'$$ORIGIN/../ref' -pthread -lm
BENCH_ROUNDS ?= 5
# Item 7 times the generator and the suite, each only where this tree has it.
BENCH_GEN_CMD := $(if $(wildcard gen/zxgen.py),$(PYTHON) gen/zxgen.py tables --out $(BUILD)/bench/gen_tables.c --guest-tests harness/guest_tests $(sort $(wildcard spec/*.md)))
BENCH_CONFORMANCE_CMD := $(if $(wildcard harness/module.mk),$(MAKE) --no-print-directory -s conformance)
BENCH_SUITE_ARGS = $(if $(BENCH_GEN_CMD),--gen-cmd '$(BENCH_GEN_CMD)') \
                   $(if $(BENCH_CONFORMANCE_CMD),--conformance-cmd '$(BENCH_CONFORMANCE_CMD)')

$(BENCH_BIN): $(BENCH_SRCS) $(BENCH_HDRS) $(REF_LIB) bench/module.mk
	@mkdir -p $(@D)
	$(CC) $(BENCH_CFLAGS) -o $@ $(BENCH_SRCS) $(BENCH_LIBS)

.PHONY: bench-smoke
# Built first, so that the suite's own timing does not include building it.
bench: $(BENCH_BIN) $(if $(BENCH_CONFORMANCE_CMD),$(HARNESS_BIN))
	@mkdir -p $(RESULTS)
	@echo "bench: reference vs raw KVM, $(BENCH_ROUNDS) rounds (via $(VMRUN)); see bench/README.md"
	$(VMRUN) -- $(BENCH_BIN) --rounds $(BENCH_ROUNDS) --json $(RESULTS)/bench.json \
	    --build $(BUILD)/bench $(BENCH_SUITE_ARGS)

bench-smoke: $(BENCH_BIN)
	@echo "bench-smoke: every benchmark once with tiny sizes (via $(VMRUN)); times are not judged"
	$(VMRUN) -- $(BENCH_BIN) --smoke --json $(BUILD)/bench/smoke.json --build $(BUILD)/bench \
	    $(BENCH_SUITE_ARGS)

CHECK_TARGETS += bench-smoke

# zxvmm's boot time against QEMU (bench/vmm_boot.py), in the same VM; results/bench-vmm.json.
# `vmm` is named as a target: vmm/module.mk, read after this file, defines its products.
BENCH_VMM_ROUNDS ?= 2
.PHONY: bench-vmm
bench: bench-vmm
bench-vmm: vmm
	@mkdir -p $(RESULTS)
	@echo "bench-vmm: zxvmm on $(IMPL) against qemu-system-x86_64 -accel kvm, $(BENCH_VMM_ROUNDS) rounds (via $(VMRUN))"
	$(VMRUN) --timeout 3600 -- $(PYTHON) bench/vmm_boot.py --zxvmm $(VMM_BIN) --impl $(IMPL) \
	    --bzimage "$$(scripts/debian-kernel bzimage)" --vmlinux "$$(scripts/debian-kernel vmlinux)" \
	    --initramfs $(VMM_INITRAMFS) --rounds $(BENCH_VMM_ROUNDS) --json $(RESULTS)/bench-vmm.json
