#!/usr/bin/env bash
# How the guest ended is zxvmm's exit status: a guest that reboots exits 3, one that panics 4
# (1 VCPU each). Run it where /dev/kvm works (make vmm-ends-check runs it through scripts/vm-run).
# usage: ends-check.sh ZXVMM IMPL KERNEL INITRAMFS OUTPUT_DIR
set -u
zxvmm=${1:?usage: ends-check.sh ZXVMM IMPL KERNEL INITRAMFS OUTPUT_DIR}
impl=${2:?} kernel=${3:?} initramfs=${4:?} out=${5:?}
mkdir -p "$out"
source "$(dirname "${BASH_SOURCE[0]}")/../../scripts/tests/check.sh"


echo "ends-check: how the guest ended is the exit status (1 VCPU)"
"$zxvmm" --impl "$impl" --kernel "$kernel" --initrd "$initramfs" --timeout 300 -- reboot -f \
    < /dev/null > "$out/reboot.txt" 2> "$out/reboot.err"
check "a guest that reboots exits 3" 3 $?
"$zxvmm" --impl "$impl" --kernel "$kernel" --initrd "$initramfs" --timeout 300 \
    --cmdline "quiet rdinit=/missing init=/missing" < /dev/null > "$out/panic.txt" 2> "$out/panic.err"
check "a guest that panics exits 4" 4 $?
check "the panic is named" 1 "$(grep -c 'the guest panicked and rebooted' "$out/panic.err")"

check_summary ends-check
