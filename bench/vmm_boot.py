#!/usr/bin/env python3
"""Boot-time benchmark of zxvmm against qemu-system-x86_64 -accel kvm (run where /dev/kvm works).

Both boot the same kernel file, initramfs, kernel command line, memory and CPU count; the guest
runs `true` and powers off. Two figures per boot: seconds from start to the initramfs's first line
("zxvmm-init: running") and to power-off. Rounds are interleaved (zxvmm, QEMU, zxvmm, ...) and
medians compared: the target is zxvmm <= 0.8 x QEMU on the bzImage (QEMU runs its firmware first,
zxvmm enters the kernel directly). QEMU given the vmlinux through PVH, its fastest path, is
reported beside zxvmm given the same vmlinux, with no target. The exits zxvmm took come from its
--verbose summary.
"""
import argparse
import json
import re
import select
import statistics
import subprocess
import sys
import time

MARKER = b"zxvmm-init: running"
TARGET = 0.8


def timed_boot(argv, timeout):
    """Runs argv; returns (seconds to the marker line, seconds to exit, its stderr)."""
    start = time.monotonic()
    process = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE)
    first = None
    seen = stderr = b""
    streams = [process.stdout, process.stderr]
    while streams:
        if time.monotonic() - start > timeout:
            process.kill()
            raise RuntimeError(f"timed out after {timeout} s: {' '.join(argv)}")
        ready, _, _ = select.select(streams, [], [], 1.0)
        for stream in ready:
            chunk = stream.read1(65536)
            if not chunk:
                streams.remove(stream)
                continue
            if stream is process.stdout:
                seen = (seen + chunk)[-4096:]
                if first is None and MARKER in seen:
                    first = time.monotonic() - start
            else:
                stderr = (stderr + chunk)[-65536:]
    status = process.wait()
    end = time.monotonic() - start
    if status != 0 or first is None:
        raise RuntimeError(f"exit status {status}, marker {'seen' if first else 'not seen'}: "
                           f"{' '.join(argv)}\n{stderr.decode(errors='replace')[-2000:]}")
    return first, end, stderr.decode(errors="replace")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--zxvmm", required=True)
    parser.add_argument("--impl", required=True)
    parser.add_argument("--bzimage", required=True)
    parser.add_argument("--vmlinux", required=True)
    parser.add_argument("--initramfs", required=True)
    parser.add_argument("--memory", type=int, default=256)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--json", required=True)
    parser.add_argument("--timeout", type=int, default=150)
    args = parser.parse_args()

    def zxvmm(kernel, cpus):
        return [args.zxvmm, "--impl", args.impl, "--kernel", kernel, "--initrd", args.initramfs,
                "--cpus", str(cpus), "--memory", str(args.memory), "--verbose", "--", "true"]

    # The kernel command line, for QEMU too, from zxvmm's --verbose (no guest runs).
    probe = subprocess.run([args.zxvmm, "--kernel", "/nonexistent", "--verbose"],
                           stdin=subprocess.DEVNULL, capture_output=True, text=True)
    cmdline = re.search(r"kernel command line: (.*)", probe.stderr)
    if cmdline is None:
        sys.exit(f"vmm_boot: zxvmm did not print its command line:\n{probe.stderr}")
    cmdline = cmdline.group(1) + ' -- zxvmm-command "true"'
    exits = {}

    def qemu(kernel, cpus):
        return ["qemu-system-x86_64", "-accel", "kvm", "-cpu", "host", "-nodefaults",
                "-no-user-config", "-display", "none", "-serial", "stdio", "-no-reboot",
                "-smp", str(cpus), "-m", str(args.memory), "-kernel", kernel,
                "-initrd", args.initramfs, "-append", cmdline]

    rows = []
    for cpus in (1, 2):
        for name, kernel, target in (("bzImage", args.bzimage, TARGET), ("vmlinux", args.vmlinux, None)):
            sides = {"zxvmm": (zxvmm(kernel, cpus), []), "qemu": (qemu(kernel, cpus), [])}
            failures = {"zxvmm": [], "qemu": []}
            for round_index in range(args.rounds + 1):  # the first round warms the caches
                for side, (argv, times) in sides.items():
                    try:
                        first, end, stderr = timed_boot(argv, args.timeout)
                    except RuntimeError as error:  # reported, and the round left out
                        failures[side].append(str(error).splitlines()[0])
                        print(f"vmm_boot: {side} failed a round: {failures[side][-1]}", flush=True)
                        continue
                    if round_index > 0:
                        times.append((first, end))
                    found = re.search(r"zxvmm: exits: (.*)", stderr)
                    if side == "zxvmm" and name == "bzImage" and found:
                        exits[cpus] = found.group(1)
            if not sides["zxvmm"][1] or not sides["qemu"][1]:
                sys.exit(f"vmm_boot: {name}, {cpus} CPU: no round completed on one side")
            figures = {}
            for side, (_, times) in sides.items():
                figures[side] = {"first_line_s": statistics.median(t[0] for t in times),
                                 "power_off_s": statistics.median(t[1] for t in times),
                                 "rounds": times}
            ratio = figures["zxvmm"]["power_off_s"] / figures["qemu"]["power_off_s"]
            qemu_path = "firmware + bzImage" if name == "bzImage" else "PVH vmlinux"
            row = {"id": f"vmm_boot_{name}_{cpus}cpu", "cpus": cpus, "kernel": name,
                   "qemu_path": qemu_path, "zxvmm": figures["zxvmm"], "qemu": figures["qemu"],
                   "ratio_power_off": ratio, "target": target,
                   "met": None if target is None else ratio <= target,
                   "failed_rounds": failures}
            rows.append(row)
            verdict = "" if target is None else (" (target <= %.1f: %s)" %
                                                 (target, "met" if row["met"] else "MISSED"))
            print(f"vmm_boot: {name}, {cpus} CPU: zxvmm first line {figures['zxvmm']['first_line_s']:.2f} s, "
                  f"power-off {figures['zxvmm']['power_off_s']:.2f} s; QEMU ({qemu_path}) "
                  f"{figures['qemu']['first_line_s']:.2f} s, {figures['qemu']['power_off_s']:.2f} s; "
                  f"ratio {ratio:.2f}{verdict}; failed rounds: zxvmm {len(failures['zxvmm'])}, "
                  f"QEMU {len(failures['qemu'])}", flush=True)
    for cpus, text in exits.items():
        print(f"vmm_boot: zxvmm exits while booting the bzImage with {cpus} CPU: {text}")
    with open(args.json, "w") as out:
        json.dump({"rounds": args.rounds, "memory_mib": args.memory, "cmdline": cmdline,
                   "rows": rows, "zxvmm_exits": exits}, out, indent=2)
    print(f"vmm_boot: {len(rows)} rows written to {args.json}")


if __name__ == "__main__":
    main()
