# vmm/: zxvmm, a VMM on the zx_* calls that boots Linux (see README.md, "zxvmm"). It reaches the
# implementation only by dlopen (default: the reference).
VMM_BIN    := $(BUILD)/vmm/zxvmm
VMM_SRCS   := $(wildcard vmm/*.c)
VMM_HDRS   := $(wildcard vmm/*.h) $(wildcard include/zircon/*.h include/zircon/*/*.h)
VMM_CFLAGS := $(CFLAGS_COMMON) -D_GNU_SOURCE -pthread
VMM_INITRAMFS := $(BUILD)/vmm/initramfs.cpio

.PHONY: vmm
vmm: $(VMM_BIN) $(VMM_INITRAMFS) $(REF_LIB)

# The clauses a failed call is cited against, from the same pages as the suite (GEN_PAGES).
VMM_SPEC_ERRORS := $(BUILD)/vmm/spec_errors.c
$(VMM_SPEC_ERRORS): vmm/spec_errors.py $(GEN_PAGES) $(wildcard gen/*.py)
	@mkdir -p $(@D)
	if [ -f gen/zxgen.py ]; then $(PYTHON) gen/zxgen.py clauses $(GEN_PAGES); fi \
	    | $(PYTHON) vmm/spec_errors.py > $@.tmp && mv $@.tmp $@

# Status names come from the harness's one table (harness/status_names.c).
$(VMM_BIN): $(VMM_SRCS) $(VMM_HDRS) $(VMM_SPEC_ERRORS) harness/status_names.c harness/status_names.h vmm/module.mk
	@mkdir -p $(@D)
	$(CC) $(VMM_CFLAGS) -Ivmm -Iharness -o $@ $(VMM_SRCS) $(VMM_SPEC_ERRORS) harness/status_names.c \
	    -ldl -pthread

# An implementation whose call fails on valid input (the status from $ZXVMM_TEST_STATUS), for
# boot-check's check of the failure line: the reference with zx_guest_set_trap changed.
VMM_FAILING_IMPL := $(BUILD)/vmm/tests/failing_set_trap.so
$(VMM_FAILING_IMPL): vmm/tests/failing_set_trap.c $(REF_LIB)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_COMMON) -fPIC -shared -o $@ $< -L$(BUILD)/ref -Wl,--no-as-needed -lzxref \
	    -Wl,-rpath,'$$ORIGIN/../../ref' -ldl

# The guest's initramfs: busybox-static, vmm/init, and the virtio modules of Debian's kernel
# (built as modules there) in load order, for --disk.
VMM_MODULES := virtio_ring virtio virtio_pci_legacy_dev virtio_pci_modern_dev virtio_pci virtio_blk
$(VMM_INITRAMFS): vmm/init /bin/busybox vmm/module.mk scripts/debian-kernel
	@mkdir -p $(@D)
	rm -rf $(@D)/initramfs && mkdir -p $(@D)/initramfs/bin $(@D)/initramfs/modules
	cp /bin/busybox $(@D)/initramfs/bin/busybox
	cp vmm/init $(@D)/initramfs/init
	modules=$$(scripts/debian-kernel modules) && for module in $(VMM_MODULES); do \
	    cp "$$(find $$modules/kernel -name $$module.ko | head -n 1)" $(@D)/initramfs/modules/ || exit 1; \
	    echo $$module >> $(@D)/initramfs/modules.list; done
	(cd $(@D)/initramfs && find . | cpio --quiet -o -H newc) > $@.tmp && mv $@.tmp $@
	rm -rf $(@D)/initramfs

# The system test: Linux with 2 VCPUs on IMPL (default: the reference), through scripts/vm-run.
# The vmlinux and bzImage paths are resolved here, on the host, which fills the kernel cache.
VMM_CHECK_DIR := $(BUILD)/vmm/check
# The devices against a hostile driver, without a VM (vmm/tests/virtio_blk_test.c), with ASan and
# UBSan: every guest value the request path takes is checked for undefined behaviour too.
VMM_DEVICE_TEST := $(BUILD)/vmm/tests/virtio_blk_test
VMM_DEVICE_TEST_SRCS := vmm/tests/fake_machine.c vmm/memory.c vmm/pci.c vmm/apic_destination.c \
                        harness/status_names.c
$(VMM_DEVICE_TEST): vmm/tests/virtio_blk_test.c vmm/virtio_blk.c $(VMM_DEVICE_TEST_SRCS) \
                    $(VMM_HDRS) $(wildcard vmm/tests/*.h)
	@mkdir -p $(@D)
	$(CC) $(VMM_CFLAGS) -O1 -Ivmm -Iharness -fsanitize=address,undefined -fno-sanitize-recover=all \
	    -o $@ vmm/tests/virtio_blk_test.c $(VMM_DEVICE_TEST_SRCS)

.PHONY: vmm-check
vmm-check: $(VMM_BIN) $(VMM_INITRAMFS) $(IMPL) $(VMM_FAILING_IMPL) $(VMM_DEVICE_TEST)
	@echo "vmm-check: virtio-blk against a hostile driver ($(VMM_DEVICE_TEST))"
	$(VMM_DEVICE_TEST)
	@echo "vmm-check: zxvmm boots Linux with 2 VCPUs on $(IMPL) (via $(VMRUN))"
	$(VMRUN) -- vmm/tests/boot-check.sh $(VMM_BIN) $(IMPL) "$$(scripts/debian-kernel vmlinux)" \
	    $(VMM_INITRAMFS) $(VMM_CHECK_DIR) $(VMM_FAILING_IMPL)

CHECK_TARGETS += vmm-check

# Counted boots: make vmm-soak N=100 [CPUS=2] [KERNEL=bzimage|vmlinux] [CMDLINE=quiet] boots
# Linux N times in one VM, each boot counted as it came (vmm/tests/soak.sh). CMDLINE is the
# kernel command line's extra text (zxvmm --cmdline; CMDLINE= for none).
KERNEL  ?= bzimage
CMDLINE ?= quiet
.PHONY: vmm-soak
vmm-soak: $(VMM_BIN) $(VMM_INITRAMFS) $(IMPL)
	@case "$(KERNEL)" in bzimage|vmlinux) ;; *) echo "vmm-soak: KERNEL is bzimage or vmlinux, not '$(KERNEL)'" >&2; exit 2 ;; esac
	$(VMRUN) --timeout $$(( 600 + 320 * $(N) )) -- vmm/tests/soak.sh $(VMM_BIN) $(IMPL) \
	    "$$(scripts/debian-kernel $(KERNEL))" $(VMM_INITRAMFS) $(BUILD)/vmm/soak $(N) $(CPUS) "$(CMDLINE)"

# Reboot and panic end zxvmm with their own exit statuses (two more boots, left out of make
# check to keep it short).
.PHONY: vmm-ends-check
vmm-ends-check: $(VMM_BIN) $(VMM_INITRAMFS) $(IMPL)
	@echo "vmm-ends-check: zxvmm's exit status for a reboot and a panic on $(IMPL) (via $(VMRUN))"
	$(VMRUN) -- vmm/tests/ends-check.sh $(VMM_BIN) $(IMPL) "$$(scripts/debian-kernel vmlinux)" \
	    $(VMM_INITRAMFS) $(BUILD)/vmm/ends-check

# An interactive shell in the guest on this terminal (needs a /dev/kvm that works here: vm-run's
# VM gives its command no terminal). CPUS and MEMORY as for zxvmm's --cpus and --memory.
CPUS   ?= 2
MEMORY ?= 256
.PHONY: vmm-shell
vmm-shell: $(VMM_BIN) $(VMM_INITRAMFS) $(IMPL)
	$(VMM_BIN) --impl $(IMPL) --kernel "$$(scripts/debian-kernel bzimage)" --initrd $(VMM_INITRAMFS) \
	    --cpus $(CPUS) --memory $(MEMORY)

# virtio-blk: the guest checksums a disk image the test builds (one more boot, left out of make
# check to keep it short).
.PHONY: vmm-disk-check
vmm-disk-check: $(VMM_BIN) $(VMM_INITRAMFS) $(IMPL)
	@echo "vmm-disk-check: zxvmm's virtio-blk on $(IMPL) (via $(VMRUN))"
	$(VMRUN) -- vmm/tests/disk-check.sh $(VMM_BIN) $(IMPL) "$$(scripts/debian-kernel vmlinux)" \
	    $(VMM_INITRAMFS) $(BUILD)/vmm/disk-check
