#!/usr/bin/env bash
# Counted boots (make vmm-soak): boots Linux under zxvmm N times in a row and prints, per boot,
# its time, the local timer interrupts (LOC) of each CPU and how the guest ended; then a summary:
# the median and the longest boot, every boot in which a CPU saw no timer interrupt, and every
# boot that took over twice the median. Nothing is retried: each boot counts as it came. Exit
# status 1 if any boot did not power off, missed a CPU's tick or took over twice the median.
# Run it where /dev/kvm works (make vmm-soak runs it through scripts/vm-run).
# usage: soak.sh ZXVMM IMPL KERNEL INITRAMFS OUTPUT_DIR N CPUS [EXTRA_CMDLINE]
set -u
usage="usage: soak.sh ZXVMM IMPL KERNEL INITRAMFS OUTPUT_DIR N CPUS [EXTRA_CMDLINE]"
zxvmm=${1:?$usage} impl=${2:?$usage} kernel=${3:?$usage} initramfs=${4:?$usage}
out=${5:?$usage} boots=${6:?$usage} cpus=${7:?$usage} extra=${8-quiet}
mkdir -p "$out"

seconds() { awk -v ms="$1" 'BEGIN { printf "%.2f", ms / 1000 }'; }

# How zxvmm ended, by its exit status (vmm/machine.h, enum guest_end).
ended_as() {
    case "$1" in
        0) echo "powered off" ;; 1) echo "zxvmm failed" ;; 2) echo "usage error" ;;
        3) echo "rebooted" ;; 4) echo "panicked" ;; 5) echo "crashed" ;; 6) echo "timed out" ;;
        *) echo "exit status $1" ;;
    esac
}

# After the counts, what the kernel said about its clocks and timers, for a boot that goes wrong.
kernel_log="dmesg | grep -i -E 'tsc|apic|clocksource|timer'"

echo "vmm-soak: $boots boots of $kernel with $cpus VCPUs on $impl, command line extra: '${extra}'"
times=() no_tick=() ended_badly=()
for boot in $(seq 1 "$boots"); do
    console="$out/boot-$boot.txt"
    start=$(date +%s%N)
    "$zxvmm" --impl "$impl" --kernel "$kernel" --initrd "$initramfs" --cpus "$cpus" \
        --cmdline "$extra" --timeout 300 -- "cat /proc/interrupts; $kernel_log" \
        < /dev/null 2> "$out/boot-$boot.err" | tr -d '\r' > "$console"
    status=${PIPESTATUS[0]}
    ms=$(( ($(date +%s%N) - start) / 1000000 ))
    times+=("$ms")
    # LOC: one count per CPU, then the description.
    read -r -a counts <<< "$(grep -E '^ *LOC:' "$console" | head -n 1 | sed 's/^ *LOC://')"
    per_cpu=() missed=""
    for cpu in $(seq 0 $((cpus - 1))); do
        count=${counts[$cpu]:-none}
        per_cpu+=("CPU$cpu $count")
        [[ "$count" =~ ^[0-9]+$ ]] && [ "$count" -gt 0 ] || missed="$missed CPU$cpu"
    done
    [ -n "$missed" ] && no_tick+=("boot $boot:$missed")
    [ "$status" -eq 0 ] || ended_badly+=("boot $boot: $(ended_as "$status")")
    printf 'vmm-soak: boot %3d of %d: %6s s, LOC %s, %s\n' "$boot" "$boots" "$(seconds "$ms")" \
        "$(IFS=,; echo "${per_cpu[*]}" | sed 's/,/, /g')" \
        "$(ended_as "$status")"
done

# " (a; b; c)" for a non-empty list.
list() { [ $# -eq 0 ] || (IFS=';'; echo " ($*)" | sed 's/;/; /g'); }
sorted=($(printf '%s\n' "${times[@]}" | sort -n))
count=${#sorted[@]}
if [ $((count % 2)) -eq 1 ]; then
    median=${sorted[$((count / 2))]}
else
    median=$(( (sorted[count / 2 - 1] + sorted[count / 2]) / 2 ))
fi
max=${sorted[$((count - 1))]}
slow=()
for i in "${!times[@]}"; do
    [ "${times[$i]}" -gt $((2 * median)) ] && slow+=("boot $((i + 1)): $(seconds "${times[$i]}") s")
done
echo "vmm-soak: summary of $count boots: median $(seconds "$median") s, max $(seconds "$max") s"
echo "vmm-soak: boots in which a CPU saw no timer interrupt: ${#no_tick[@]}$(list "${no_tick[@]}")"
echo "vmm-soak: boots over twice the median: ${#slow[@]}$(list "${slow[@]}")"
echo "vmm-soak: boots that did not power off: ${#ended_badly[@]}$(list "${ended_badly[@]}")"
echo "vmm-soak: consoles in $out"
[ ${#no_tick[@]} -eq 0 ] && [ ${#slow[@]} -eq 0 ] && [ ${#ended_badly[@]} -eq 0 ]
