# zxconform: top-level build. Each folder contributes a <folder>/module.mk; this file holds what
# they share and the user-facing targets (see README.md).
.DEFAULT_GOAL := help
SHELL := /bin/bash

BUILD      := build
RESULTS    := results
# Debian's interpreter: the first python3 on PATH may not see Debian's python3-* modules.
PYTHON     ?= /usr/bin/python3
VMRUN      := scripts/vm-run
CC         ?= gcc
CFLAGS_COMMON := -std=gnu11 -O2 -g -Wall -Wextra -Werror -Iinclude
# Products that other folders' rules depend on, named here because module files are included in
# alphabetical order and prerequisites are expanded as they are read.
REF_LIB    := $(BUILD)/ref/libzxref.so
REF_SRCS   := $(wildcard ref/*.c ref/*.S)
REF_HDRS   := $(wildcard ref/*.h include/zircon/*.h include/zircon/syscalls/*.h)
HARNESS_BIN := $(BUILD)/harness/zxconform
IMPL       ?= $(REF_LIB)

# Filled in by the module files.
CHECK_TARGETS :=

.PHONY: help deps check conformance lint regen mutants compare bench clean
help:
	@echo "zxconform targets:"
	@echo "  make conformance [IMPL=path.so] [FILTER=...] [JOBS=N]  run the conformance suite (default IMPL: the reference)"
	@echo "  make soak [N=20] [IMPL=path.so] [FILTER=...]          the suite N times: which tests ever gave an unexpected result"
	@echo "  make fuzz [FUZZ_SECONDS=1800] [IMPL=path.so]          the API, guest-code and device fuzzers (fuzz/README.md)"
	@echo "  make vmm-check | vmm-soak N=100 [CPUS=2] [KERNEL=bzimage|vmlinux] [CMDLINE=quiet]   boot Linux on zxvmm: once, or counted"
	@echo "  make check                                            every test of the project"
	@echo "  make lint [PAGES=\"path...\"] | regen [KEEP_GOING=1] | accept-covers | mutants | compare | bench | clean"

deps:
	@scripts/deps

# Every command that builds or runs installs what is missing first, before any rule (or any
# pkg-config in a module file) is evaluated.
ifneq ($(filter-out help deps clean,$(or $(MAKECMDGOALS),help)),)
DEPS_FAILED := $(shell scripts/deps >&2 || echo yes)
$(if $(DEPS_FAILED),$(error scripts/deps could not install what zxconform needs (see above)))
endif

include $(wildcard */module.mk)

# The groups run side by side, one per CPU (each KVM group is one single-CPU VM), the longest
# (mutants) first; --output-sync prints each group's output in one piece when it ends, and -k
# runs every group even when one fails, so one run names every failing group.
CHECK_JOBS ?= $(shell nproc)
CHECK_ORDER = $(filter mutants,$(CHECK_TARGETS)) $(filter-out mutants,$(CHECK_TARGETS))
check:
	@echo "make check: $(words $(CHECK_TARGETS)) test groups, $(CHECK_JOBS) at a time; each group's output appears when it ends"
	@start=$$(date +%s); \
	if ! $(MAKE) --no-print-directory -k -j$(CHECK_JOBS) --output-sync=target $(CHECK_ORDER); then \
	    echo "make check: FAILED after $$(( $$(date +%s) - start )) s: see the groups marked '***' above"; exit 1; fi; \
	$(MAKE) --no-print-directory gen-coverage && \
	echo "make check: all $(words $(CHECK_TARGETS)) test groups passed in $$(( $$(date +%s) - start )) s ($(CHECK_TARGETS))"

clean:
	rm -rf $(BUILD)
