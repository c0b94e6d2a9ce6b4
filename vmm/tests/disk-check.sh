#!/usr/bin/env bash
# The virtio-blk test: builds a disk image, boots zxvmm with it and has the guest print the
# image's SHA-256 from /dev/vda, which must match the host's. Run it where /dev/kvm works (make
# vmm-disk-check runs it through scripts/vm-run).
# usage: disk-check.sh ZXVMM IMPL KERNEL INITRAMFS OUTPUT_DIR
set -u
zxvmm=${1:?usage: disk-check.sh ZXVMM IMPL KERNEL INITRAMFS OUTPUT_DIR}
impl=${2:?} kernel=${3:?} initramfs=${4:?} out=${5:?}
mkdir -p "$out"
# 4 MiB of numbered lines: the same image on every run, and a misplaced sector shows.
seq -f 'zxvmm disk line %08g' 1 200000 | head -c $((4 * 1024 * 1024)) > "$out/disk.img"
expected=$(sha256sum < "$out/disk.img" | cut -d' ' -f1)
echo "disk-check: booting $kernel with a 4 MiB virtio-blk disk on $impl"
"$zxvmm" --impl "$impl" --kernel "$kernel" --initrd "$initramfs" --disk "$out/disk.img" \
    --timeout 300 -- 'sha256sum /dev/vda' < /dev/null > "$out/console.raw" 2> "$out/zxvmm.err"
status=$?
cat "$out/zxvmm.err"
actual=$(tr -d '\r' < "$out/console.raw" | grep -E '^[0-9a-f]{64}  /dev/vda$' | cut -d' ' -f1)
failed=0
[ "$status" -eq 0 ] && echo "ok   the guest powered off" ||
    { echo "FAIL the guest did not power off: exit status $status"; failed=1; }
[ "$actual" == "$expected" ] && echo "ok   the guest read the disk: sha256 $actual" ||
    { echo "FAIL the guest's sha256 of /dev/vda: expected [$expected], got [$actual]"; failed=1; }
[ "$failed" -eq 0 ]
