#!/usr/bin/env bash
# Tests of scripts/vm-run: its promises (exit status, streams, paths, environment, KVM inside the VM,
# the timeout) checked through one forced VM boot plus a few cheap cases. Usage: vm-run-test.sh SMOKE
# where SMOKE is the built kvm-smoke program.
set -u
cd "$(dirname "$0")/../.."
smoke=$(realpath "${1:?usage: vm-run-test.sh path/to/kvm-smoke}")
scratch=$(realpath -m build/scripts/vm-run-test)
rm -rf "$scratch" && mkdir -p "$scratch"
source scripts/tests/check.sh


scripts/vm-run --help > "$scratch/help"
check "--help exits 0" 0 $?
check "--help documents the timeout status" 1 "$(grep -c '^  124' "$scratch/help")"
scripts/vm-run --bogus -- true 2> /dev/null
check "an unknown option exits 125" 125 $?

echo "vm-run-test: the KVM smoke guest wherever /dev/kvm works (natively if the host has it)"
scripts/vm-run -- "$smoke" > "$scratch/auto.out"
check "kvm-smoke through vm-run exits 0" 0 $?
check "kvm-smoke reports the guest's OUT" 1 "$(grep -c 'kvm-smoke: ok' "$scratch/auto.out")"

echo "vm-run-test: one forced VM boot checks the rest"
probe='echo "cwd=$PWD"; echo "to-stderr" >&2; echo "named=$NAMED carried=$ZXC_CARRIED";
touch '"$scratch"'/written-inside && echo "project=writable";
touch /usr/zxc-probe 2>/dev/null || echo "root=read-only";
cat <(echo "process-substitution=works");
'"$smoke"' | tail -n 1; exit 7'
(cd "$scratch" && NAMED=yes ZXC_CARRIED=also "$OLDPWD/scripts/vm-run" --vm -e NAMED -- bash -c "$probe" \
    > "$scratch/vm.out" 2> "$scratch/vm.err")
check "the command's exit status is vm-run's" 7 $?
check "the working directory is the caller's" "cwd=$scratch" "$(grep '^cwd=' "$scratch/vm.out")"
check "stderr stays apart from stdout" "to-stderr" "$(grep -v '^vm-run' "$scratch/vm.err")"
check "named and ZXC_ variables are carried" "named=yes carried=also" "$(grep '^named=' "$scratch/vm.out")"
check "the project tree is writable at the same path" "project=writable" "$(grep '^project=' "$scratch/vm.out")"
check "the file written inside is on the host" yes "$([ -f "$scratch/written-inside" ] && echo yes)"
check "the host root is read-only" "root=read-only" "$(grep '^root=' "$scratch/vm.out")"
check "/dev/fd works (bash process substitution)" "process-substitution=works" \
    "$(grep '^process-substitution=' "$scratch/vm.out")"
check "/dev/kvm runs the smoke guest inside the VM" 1 "$(grep -c 'kvm-smoke: ok' "$scratch/vm.out")"

scripts/vm-run --vm --timeout 2 -- sleep 60 2> "$scratch/timeout.err"
check "a timeout exits 124" 124 $?
check "a timeout says so" 1 "$(grep -c 'timed out after 2 s' "$scratch/timeout.err")"

check_summary vm-run-test
