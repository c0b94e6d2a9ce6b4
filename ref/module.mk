# ref/: the reference implementation on Linux KVM (build/ref/libzxref.so) and its own tests.
# REF_SRCS and REF_HDRS are in the top Makefile: fuzz/module.mk, read first, depends on them.
REF_TEST_SRCS  := $(wildcard ref/tests/*.c ref/tests/*.S)
REF_TEST_HDRS  := $(wildcard ref/tests/*.h)
REF_TESTS      := $(BUILD)/ref/tests/ref_tests
REF_CFLAGS     = $(CFLAGS_COMMON) -flto=auto -D_GNU_SOURCE -fPIC -fvisibility=hidden -pthread $(shell pkg-config --cflags capstone)
REF_LDFLAGS    = -shared -Wl,--version-script=ref/exports.map -Wl,-z,defs -pthread \
                  $(shell pkg-config --libs capstone)
REF_TEST_CFLAGS := $(CFLAGS_COMMON) -D_GNU_SOURCE -pthread -Iref/tests
REF_TEST_LIBS  = $(shell pkg-config --libs check) -pthread

# Sanitizer build: the same sources with ASan and UBSan, in its own folder.
REF_SAN        := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
REF_ASAN_LIB   := $(BUILD)/ref-asan/libzxref.so
REF_ASAN_TESTS := $(BUILD)/ref-asan/tests/ref_tests

.PHONY: ref ref-tests ref-check ref-check-asan
ref: $(REF_LIB)
ref-tests: $(REF_TESTS)

$(REF_LIB): $(REF_SRCS) $(REF_HDRS) ref/exports.map ref/module.mk
	@mkdir -p $(@D)
	$(CC) $(REF_CFLAGS) -o $@ $(REF_SRCS) $(REF_LDFLAGS)

$(REF_ASAN_LIB): $(REF_SRCS) $(REF_HDRS) ref/exports.map ref/module.mk
	@mkdir -p $(@D)
	$(CC) $(REF_CFLAGS) $(REF_SAN) -o $@ $(REF_SRCS) $(REF_LDFLAGS)

# The tests link the library directly; rpath finds it next to the tests' folder. Their guests
# are those of guests/ (GUESTS_OBJS), as the conformance suite's.
$(REF_TESTS): $(REF_TEST_SRCS) $(REF_TEST_HDRS) $(REF_LIB) $(GUESTS_OBJS)
	@mkdir -p $(@D)
	$(CC) $(REF_TEST_CFLAGS) -o $@ $(REF_TEST_SRCS) $(GUESTS_OBJS) -L$(BUILD)/ref -lzxref \
	    -Wl,-rpath,'$$ORIGIN/..' $(REF_TEST_LIBS)

$(REF_ASAN_TESTS): $(REF_TEST_SRCS) $(REF_TEST_HDRS) $(REF_ASAN_LIB) $(GUESTS_OBJS)
	@mkdir -p $(@D)
	$(CC) $(REF_TEST_CFLAGS) $(REF_SAN) -o $@ $(REF_TEST_SRCS) $(GUESTS_OBJS) \
	    -L$(BUILD)/ref-asan -lzxref -Wl,-rpath,'$$ORIGIN/..' $(REF_TEST_LIBS)

# The tests need /dev/kvm: they run inside the VM of scripts/vm-run.
ref-check: $(REF_TESTS)
	@echo "ref-check: running the reference implementation's own tests (KVM, via $(VMRUN))"
	$(VMRUN) -- $(REF_TESTS)

# CK_FORK=no keeps every test in one process so LeakSanitizer sees the whole run.
ref-check-asan: $(REF_ASAN_TESTS)
	@echo "ref-check-asan: the same tests under ASan+UBSan (via $(VMRUN))"
	$(VMRUN) -- env CK_FORK=no ASAN_OPTIONS=detect_leaks=1 $(REF_ASAN_TESTS)

CHECK_TARGETS += ref-check ref-check-asan

# Mutants of the library's internals, which no wrapper of the zx_* calls can reach: a
# harness/mutants/*.c holding a `// ref-source: FILE SED-EXPRESSION` line is the library built
# from a copy of ref/ in which that expression changed FILE (it must change something).
# `make mutants` runs them like the others.
REF_SOURCE_MUTANTS := $(patsubst harness/mutants/%.c,$(BUILD)/harness/mutants/%.so,\
                        $(shell grep -l '^// ref-source: ' harness/mutants/*.c 2>/dev/null))

$(REF_SOURCE_MUTANTS): $(BUILD)/harness/mutants/%.so: harness/mutants/%.c $(REF_SRCS) $(REF_HDRS) \
                       ref/exports.map ref/module.mk
	rm -rf $(@:.so=.ref) && mkdir -p $(@:.so=.ref)
	cp ref/*.c ref/*.S ref/*.h $(@:.so=.ref)/
	line=$$(sed -n 's|^// ref-source: ||p' $<); file=$${line%% *}; expr=$${line#* }; \
	    copy=$(@:.so=.ref)/$${file#ref/}; sed -i "$$expr" $$copy; \
	    if cmp -s $$file $$copy; then echo "$<: '$$expr' changes nothing in $$file" >&2; exit 1; fi
	$(CC) $(REF_CFLAGS) -o $@ $(@:.so=.ref)/*.c $(@:.so=.ref)/*.S $(REF_LDFLAGS)
