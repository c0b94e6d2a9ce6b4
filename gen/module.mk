# gen/: spec/*.md -> build/gen/conformance_tables.c (+ results/coverage.{md,json}), lint, tests.
GEN_PAGES      := $(sort $(wildcard spec/*.md))
GEN_SOURCES    := $(wildcard gen/*.py)
GEN_HEADERS    := $(wildcard include/zircon/*.h include/zircon/*/*.h)
GEN_GUEST_TESTS := $(wildcard harness/guest_tests/*.c)
GEN_COVERS_RECORD := harness/guest_tests/cited_clauses.txt
GEN_TABLES     := $(BUILD)/gen/conformance_tables.c
# KEEP_GOING=1: pages with lint errors still give the rows of their sound clauses (the skipped
# clauses are listed).
KEEP_GOING     ?=
GEN_TABLES_CMD = $(PYTHON) gen/zxgen.py tables --out $(GEN_TABLES) \
	--coverage-json $(RESULTS)/coverage.json --coverage-md $(RESULTS)/coverage.md \
	--guest-tests harness/guest_tests $(if $(KEEP_GOING),--keep-going) $(GEN_PAGES)
# make lint PAGES="path..." lints any pages (default: spec/).
PAGES          ?= $(GEN_PAGES)

.PHONY: gen-check gen-coverage gen-covers accept-covers
CHECK_TARGETS += gen-check

$(GEN_TABLES): $(GEN_PAGES) $(GEN_SOURCES) $(GEN_HEADERS) $(GEN_GUEST_TESTS) $(GEN_COVERS_RECORD)
	$(GEN_TABLES_CMD)

regen:
	$(GEN_TABLES_CMD)

lint:
	$(PYTHON) gen/zxgen.py lint $(PAGES)

# Stale ZXC_COVERS (a cited clause whose meaning changed): listed by gen-covers (never fails),
# failed on by gen-check; accept-covers records the current meanings once the tests are checked.
gen-covers:
	@$(PYTHON) gen/zxgen.py covers --guest-tests harness/guest_tests $(GEN_PAGES)

accept-covers:
	$(PYTHON) gen/zxgen.py covers --accept --guest-tests harness/guest_tests $(GEN_PAGES)

# Generator tests (golden outputs, malformed input, dialects, seed lint, determinism), the small
# benchmark, a compile check of the emitted table, and no stale ZXC_COVERS.
gen-check: $(GEN_TABLES)
	$(PYTHON) gen/zxgen.py covers --check --guest-tests harness/guest_tests $(GEN_PAGES)
	$(PYTHON) -m pytest -q -p no:cacheprovider gen/tests
	$(PYTHON) gen/bench_synthetic.py --small
	$(CC) $(CFLAGS_COMMON) -Iharness -c $(GEN_TABLES) -o $(BUILD)/gen/conformance_tables.check.o
	@echo "gen-check: generator tests, benchmark and table compile passed"

gen-coverage:
	@$(PYTHON) gen/zxgen.py coverage --guest-tests harness/guest_tests \
		--coverage-json $(RESULTS)/coverage.json --coverage-md $(RESULTS)/coverage.md $(GEN_PAGES)
