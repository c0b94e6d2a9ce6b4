#!/usr/bin/env bash
# The virtio-blk test: builds a disk image, boots zxvmm with it and has the guest print the
# image's SHA-256 from /dev/vda, which must match the host's. Run it where /dev/kvm works (make
# vmm-disk-check runs it through scripts/vm-run).
# usage: disk-check.sh ZXVMM IMPL KERNEL INITRAMFS OUTPUT_DIR
set -u
zxvmm=${1:?usage: disk-check.sh ZXVMM IMPL KERNEL INITRAMFS OUTPUT_DIR}
impl=${2:?} kernel=${3:?} initramfs=${4:?} out=${5:?}
mkdir -p "$out"
source "$(dirname "${BASH_SOURCE[0]}")/../../scripts/tests/check.sh"
# 4 MiB of numbered lines: the same image on every run, and a misplaced sector shows.
seq -f 'zxvmm disk line %08g' 1 200000 | head -c $((4 * 1024 * 1024)) > "$out/disk.img"
expected=$(sha256sum < "$out/disk.img" | cut -d' ' -f1)
echo "disk-check: booting $kernel with a 4 MiB virtio-blk disk on $impl"
"$zxvmm" --impl "$impl" --kernel "$kernel" --initrd "$initramfs" --disk "$out/disk.img" \
    --timeout 300 -- 'sha256sum /dev/vda' < /dev/null > "$out/console.raw" 2> "$out/zxvmm.err"
status=$?
cat "$out/zxvmm.err"
actual=$(tr -d '\r' < "$out/console.raw" | grep -E '^[0-9a-f]{64}  /dev/vda$' | cut -d' ' -f1)
check "the guest powered off (exit status 0)" 0 "$status"
check "the guest read the disk: its sha256 of /dev/vda" "$expected" "$actual"
check_summary disk-check
