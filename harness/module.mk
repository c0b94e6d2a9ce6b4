# harness/: the conformance runner build/harness/zxconform, which dlopens an implementation
# (IMPL) and runs the generated table (build/gen/conformance_tables.c) and the guest tests.
HARNESS_CFLAGS   = $(CFLAGS_COMMON) -D_GNU_SOURCE -Iharness
HARNESS_LIBS     = -ldl
HARNESS_SRCS     := $(wildcard harness/*.c) $(wildcard harness/guest_tests/*.c)
HARNESS_OBJS     := $(HARNESS_SRCS:%.c=$(BUILD)/%.o) $(BUILD)/harness/clause_index.o
HARNESS_HEADERS  := $(wildcard harness/*.h) $(wildcard include/zircon/*.h include/zircon/*/*.h)
# The harness's own test build: the same runner on a small hand-written table.
HARNESS_SAMPLE_BIN := $(BUILD)/harness/zxconform-sample
FILTER           ?=
JOBS             ?= 1
HARNESS_FILTER_ARGS = $(foreach f,$(FILTER),--filter $(f)) --jobs $(JOBS)
# Tests of make conformance/mutants run where /dev/kvm works (natively or in vm-run's VM).
HARNESS_RUN      := $(VMRUN) --

$(BUILD)/harness/%.o: harness/%.c $(HARNESS_HEADERS)
	@mkdir -p $(dir $@)
	$(CC) $(HARNESS_CFLAGS) -c -o $@ $<

# The pages the table is made from (GEN_PAGES: spec/*.md unless overridden).
$(BUILD)/harness/clause_index.c: harness/clause_index.py $(GEN_PAGES) $(wildcard gen/*.py)
	@mkdir -p $(dir $@)
	if [ -f gen/zxgen.py ]; then $(PYTHON) gen/zxgen.py clauses $(GEN_PAGES); fi \
	    | $(PYTHON) harness/clause_index.py > $@.tmp && mv $@.tmp $@

$(BUILD)/harness/clause_index.o: $(BUILD)/harness/clause_index.c
	$(CC) $(HARNESS_CFLAGS) -c -o $@ $<

$(BUILD)/harness/conformance_tables.o: $(BUILD)/gen/conformance_tables.c harness/conformance_table.h
	$(CC) $(HARNESS_CFLAGS) -c -o $@ $<

$(HARNESS_BIN): $(HARNESS_OBJS) $(BUILD)/harness/conformance_tables.o $(GUESTS_OBJS)
	$(CC) -o $@ $^ $(HARNESS_LIBS)

$(HARNESS_SAMPLE_BIN): $(HARNESS_OBJS) $(BUILD)/harness/tests/sample_table.o $(GUESTS_OBJS)
	$(CC) -o $@ $^ $(HARNESS_LIBS)

.PHONY: harness harness-check
harness: $(HARNESS_BIN)

# The stale ZXC_COVERS first (gen-covers: listed, never fatal), so that whoever just edited a
# page sees which hand-written tests no longer credit their clause, then the suite.
conformance: $(HARNESS_BIN) $(IMPL) gen-covers
	$(HARNESS_RUN) $(HARNESS_BIN) --impl $(IMPL) --results $(RESULTS) $(HARNESS_FILTER_ARGS)

# make soak N=200: the suite N times in one VM; a table of every unexpected result, with counts.
N ?= 20
.PHONY: soak
soak: $(HARNESS_BIN) $(IMPL)
	$(VMRUN) --timeout $$(( 600 + 60 * $(N) )) -- $(HARNESS_BIN) --impl $(IMPL) \
	    --results $(RESULTS) --repeat $(N) $(HARNESS_FILTER_ARGS)

# Mutants: the reference with one behaviour changed each (harness/mutants/*.c).
HARNESS_MUTANT_SRCS := $(wildcard harness/mutants/*.c)
HARNESS_MUTANTS     := $(HARNESS_MUTANT_SRCS:harness/mutants/%.c=$(BUILD)/harness/mutants/%.so)

# A mutant or variant (below): the reference with one call overridden, linked against it.
$(BUILD)/harness/%.so: harness/%.c harness/mutants/mutant.h $(IMPL)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_COMMON) -fPIC -shared -o $@ $< -L$(BUILD)/ref -Wl,--no-as-needed -lzxref \
	    -Wl,-rpath,'$$ORIGIN/../../ref' -ldl

# Variants: correct implementations that differ from the reference where the pages allow
# (harness/variants/*.c); each must pass, or the suite gives a false red.
HARNESS_VARIANT_SRCS := $(wildcard harness/variants/*.c)
HARNESS_VARIANTS     := $(HARNESS_VARIANT_SRCS:harness/variants/%.c=$(BUILD)/harness/variants/%.so)

mutants: $(HARNESS_BIN) $(HARNESS_MUTANTS) $(HARNESS_VARIANTS)
	@mkdir -p $(BUILD)/harness/mutant-results
	$(HARNESS_RUN) $(PYTHON) harness/mutants.py $(HARNESS_BIN) $(BUILD)/ref/libzxref.so \
	    $(BUILD)/harness/mutants $(BUILD)/harness/variants $(BUILD)/harness/mutant-results

CHECK_TARGETS += mutants

# The harness's own tests: the runner on the sample table (against the reference and against an
# implementation that exports nothing), expectations, determinism, and compare.py.
HARNESS_REF          := $(BUILD)/ref/libzxref.so
HARNESS_EMPTY_IMPL   := $(BUILD)/harness/tests/libempty.so
# Stubs that end the process: from inside a call, and from a constructor.
HARNESS_EXITING_IMPL := $(BUILD)/harness/tests/libexiting.so
HARNESS_EXIT_ON_LOAD := $(BUILD)/harness/tests/libexit_on_load.so
HARNESS_CHECK_DIR    := $(BUILD)/harness/check
HARNESS_CHECK_FILTER := zx_vcpu_create zx_handle_duplicate zx_port_wait trap_

$(BUILD)/harness/tests/libempty.so: harness/tests/empty_impl.c
$(BUILD)/harness/tests/libexiting.so: harness/tests/exiting_impl.c
$(BUILD)/harness/tests/libexit_on_load.so: harness/tests/exit_on_load_impl.c
$(BUILD)/harness/tests/lib%.so:
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_COMMON) -fPIC -shared -o $@ $<

harness-check: $(HARNESS_BIN) $(HARNESS_SAMPLE_BIN) $(HARNESS_EMPTY_IMPL) $(HARNESS_EXITING_IMPL) \
               $(HARNESS_EXIT_ON_LOAD) $(HARNESS_REF)
	$(HARNESS_RUN) env PYTHON=$(PYTHON) EXITING_IMPL=$(HARNESS_EXITING_IMPL) \
	    EXIT_ON_LOAD_IMPL=$(HARNESS_EXIT_ON_LOAD) harness/tests/check.sh $(HARNESS_BIN) \
	    $(HARNESS_SAMPLE_BIN) $(HARNESS_REF) $(HARNESS_EMPTY_IMPL) $(HARNESS_CHECK_DIR) \
	    $(HARNESS_CHECK_FILTER)

CHECK_TARGETS += harness-check

# make compare: results/*.json -> results/report.md and results/report.html.
compare:
	$(PYTHON) harness/compare.py --results $(RESULTS) $(if $(REFERENCE),--reference $(REFERENCE))
