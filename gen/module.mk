# gen/: spec/*.md -> build/gen/conformance_tables.c (+ results/coverage.{md,json}), lint, tests.
GEN_PAGES      := $(sort $(wildcard spec/*.md))
GEN_SOURCES    := $(wildcard gen/*.py)
GEN_HEADERS    := $(wildcard include/zircon/*.h include/zircon/*/*.h)
GEN_GUEST_TESTS := $(wildcard harness/guest_tests/*.c)
GEN_TABLES     := $(BUILD)/gen/conformance_tables.c
GEN_TABLES_CMD = $(PYTHON) gen/zxgen.py tables --out $(GEN_TABLES) \
	--coverage-json $(RESULTS)/coverage.json --coverage-md $(RESULTS)/coverage.md \
	--guest-tests harness/guest_tests $(GEN_PAGES)

.PHONY: gen-check gen-coverage
CHECK_TARGETS += gen-check

$(GEN_TABLES): $(GEN_PAGES) $(GEN_SOURCES) $(GEN_HEADERS) $(GEN_GUEST_TESTS)
	$(GEN_TABLES_CMD)

regen:
	$(GEN_TABLES_CMD)

lint:
	$(PYTHON) gen/zxgen.py lint $(GEN_PAGES)

# Generator tests (golden outputs, malformed input, dialects, seed lint, determinism), the small
# benchmark, and a compile check of the emitted table.
gen-check: $(GEN_TABLES)
	$(PYTHON) -m pytest -q -p no:cacheprovider gen/tests
	$(PYTHON) gen/bench_synthetic.py --small
	$(CC) $(CFLAGS_COMMON) -Iharness -c $(GEN_TABLES) -o $(BUILD)/gen/conformance_tables.check.o
	@echo "gen-check: generator tests, benchmark and table compile passed"

gen-coverage:
	@$(PYTHON) gen/zxgen.py coverage --guest-tests harness/guest_tests \
		--coverage-json $(RESULTS)/coverage.json --coverage-md $(RESULTS)/coverage.md $(GEN_PAGES)
