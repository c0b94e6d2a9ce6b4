#!/usr/bin/env bash
# The zxvmm system test: boots Debian's kernel with the busybox initramfs on an implementation,
# with 2 VCPUs, runs `nproc`, `cat /proc/interrupts` and a read of port 0xffff in the guest, and
# checks that both CPUs came up, that timer and serial interrupts arrived, that the read did not
# end the VMM, and that the guest powered off. Then the
# one-line errors for a bad kernel, a bad initramfs and a bad implementation. Run it where
# /dev/kvm works (make vmm-check runs it through scripts/vm-run).
# usage: boot-check.sh ZXVMM IMPL KERNEL INITRAMFS OUTPUT_DIR FAILING_IMPL
# (FAILING_IMPL: an implementation whose zx_guest_set_trap fails with $ZXVMM_TEST_STATUS)
set -u
zxvmm=${1:?usage: boot-check.sh ZXVMM IMPL KERNEL INITRAMFS OUTPUT_DIR FAILING_IMPL}
impl=${2:?} kernel=${3:?} initramfs=${4:?} out=${5:?} failing_impl=${6:?}
mkdir -p "$out"
source "$(dirname "${BASH_SOURCE[0]}")/../../scripts/tests/check.sh"

# One boot, counted as it came: a guest that stops taking interrupts times out (status 6) and
# fails here; make vmm-soak counts many boots.
echo "boot-check: booting $kernel with 2 VCPUs on $impl"
"$zxvmm" --impl "$impl" --kernel "$kernel" --initrd "$initramfs" --cpus 2 --timeout 300 \
    -- 'nproc; cat /proc/interrupts; dd if=/dev/port of=/dev/null bs=1 skip=65535 count=1 && echo read port 0xffff' \
    < /dev/null > "$out/console.raw" 2> "$out/zxvmm.err"
status=$?
tr -d '\r' < "$out/console.raw" > "$out/console.txt"
cat "$out/zxvmm.err"
check "the guest powered off (exit status 0)" 0 "$status"
check "the command ran to its end" 1 \
    "$(grep -c '^zxvmm-init: the command exited with status 0$' "$out/console.txt")"
check "nproc in the guest says 2" 2 "$(grep -A1 '^zxvmm-init: running:' "$out/console.txt" | tail -n 1)"
# /proc/interrupts: a header "CPU0 CPU1", then one count per CPU on each line.
header=$(grep -E '^ +CPU0' "$out/console.txt" | xargs)
check "/proc/interrupts has a column for each CPU" "CPU0 CPU1" "$header"
counts() { grep -E "^ *$1:" "$out/console.txt" | awk '{print $2, $3}'; }
read -r timer0 timer1 <<< "$(counts LOC)"
check "local timer interrupts arrived on CPU0" yes "$([ "${timer0:-0}" -gt 0 ] && echo yes || echo "no (${timer0:-no LOC line})")"
check "local timer interrupts arrived on CPU1" yes "$([ "${timer1:-0}" -gt 0 ] && echo yes || echo "no (${timer1:-no LOC line})")"
serial_line=$(grep -E 'ttyS0' "$out/console.txt" | head -n 1)
serial=$(echo "$serial_line" | awk '{print $2 + $3}')
check "serial interrupts (IRQ 4, ttyS0) arrived" yes "$([ "${serial:-0}" -gt 0 ] && echo yes || echo "no ($serial_line)")"
check "serial interrupts come through the IO APIC pin 4" 1 "$(echo "$serial_line" | grep -c 'IO-APIC.*4-edge')"
# Port 0xffff: no IO trap can cover it (a trap must end below 0xffff); the guest goes on.
check "a read of port 0xffff (which nothing traps) leaves the guest running" 1 \
    "$(grep -c '^read port 0xffff$' "$out/console.txt")"

echo "boot-check: one-line errors"
"$zxvmm" --impl "$impl" --kernel "$out/missing" > /dev/null 2> "$out/missing.err"
check "a missing kernel exits 1" 1 $?
check "a missing kernel is named" 1 "$(grep -c "cannot open the kernel $out/missing" "$out/missing.err")"
echo "not a kernel" > "$out/not-a-kernel"
"$zxvmm" --impl "$impl" --kernel "$out/not-a-kernel" > /dev/null 2> "$out/not-a-kernel.err"
check "a file that is no kernel exits 1" 1 $?
check "a file that is no kernel says so" 1 "$(grep -c 'neither a bzImage .* nor an ELF vmlinux' "$out/not-a-kernel.err")"
head -c $((80 * 1024 * 1024)) /dev/zero > "$out/big.cpio"
"$zxvmm" --impl "$impl" --kernel "$kernel" --initrd "$out/big.cpio" --memory 128 > /dev/null 2> "$out/big.err"
check "an initramfs too large for memory exits 1" 1 $?
check "the initramfs size problem is named" 1 "$(grep -c 'initramfs .* does not fit .* give --memory more' "$out/big.err")"
rm -f "$out/big.cpio"
"$zxvmm" --impl "$out/not-a-kernel" --kernel "$kernel" > /dev/null 2> "$out/impl.err"
check "an implementation that does not load exits 1" 1 $?
check "the implementation problem is named" 1 "$(grep -c "cannot load implementation" "$out/impl.err")"
# A call that fails on valid input: the line names the call, the status and the clauses.
ZXVMM_TEST_STATUS=-10 "$zxvmm" --impl "$failing_impl" --kernel "$kernel" > /dev/null 2> "$out/listed.err"
check "a failing call exits 1" 1 $?
check "a failing call with a status the page lists names the call, status and its clauses" 1 \
    "$(grep -c 'zx_guest_set_trap failed with ZX_ERR_INVALID_ARGS (-10) while .*; the spec gives it only when zx_guest_set_trap\.ERRORS\.INVALID_ARGS\.[a-z_-]* (spec/zx_guest_set_trap\.md:[0-9]*: "' "$out/listed.err")"
ZXVMM_TEST_STATUS=-40 "$zxvmm" --impl "$failing_impl" --kernel "$kernel" > /dev/null 2> "$out/unlisted.err"
check "a failing call with a status the page does not list names the broken clause" 1 \
    "$(grep -c 'zx_guest_set_trap failed with ZX_ERR_IO (-40) while .*the page lists no ZX_ERR_IO for this call, so the implementation broke zx_guest_set_trap\.RETURN_VALUE\.returns-ok-success' "$out/unlisted.err")"

check_summary boot-check "(console in $out/console.txt)"
