"""Fuzz runs -> one JSON file (schema in fuzz/README.md), and a summary on stdout.

Reads, per fuzzer NAME in --dir: NAME.log (libFuzzer's output, with -print_final_stats=1),
NAME.stats (statuses per call, from the driver) and NAME-findings/ (the inputs libFuzzer kept
for crashes, timeouts, leaks and violated oracles). Exits 1 when a fuzzer has a finding or did
not finish.

usage: report.py --dir DIR --impl PATH --seconds N --json OUT NAME...
"""
import argparse
import datetime
import json
import os
import re
import sys

STAT_RE = re.compile(r"^stat::(\w+):\s+(\d+)", re.M)
FINDING_RE = re.compile(r"^(zxfuzz: FINDING: .*|==\d+==ERROR: .*|SUMMARY: .*)$", re.M)


def fuzzer_result(directory, name, seconds):
    log_path = os.path.join(directory, f"{name}.log")
    log = open(log_path, encoding="utf-8", errors="replace").read() \
        if os.path.exists(log_path) else ""
    stats = {k: int(v) for k, v in STAT_RE.findall(log)}
    statuses = {}
    stats_path = os.path.join(directory, f"{name}.stats")
    if os.path.exists(stats_path):
        for line in open(stats_path, encoding="utf-8"):
            call, status, count = line.split()
            statuses.setdefault(call, {})[status] = int(count)
    findings_dir = os.path.join(directory, f"{name}-findings")
    reproducers = sorted(os.listdir(findings_dir)) if os.path.isdir(findings_dir) else []
    messages = FINDING_RE.findall(log)
    findings = [{"reproducer": os.path.join(findings_dir, r),
                 "kind": r.split("-", 1)[0],
                 "message": messages[0] if messages else ""} for r in reproducers]
    execs = stats.get("number_of_executed_units", 0)
    return {
        "seconds_asked": seconds,
        "finished": "number_of_executed_units" in stats,
        "execs": execs,
        "execs_per_second": stats.get("average_exec_per_sec", 0),
        "new_units": stats.get("new_units_added", 0),
        "peak_rss_mb": stats.get("peak_rss_mb", 0),
        "statuses": statuses,
        "findings": findings,
        "log": log_path,
    }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--dir", required=True)
    parser.add_argument("--impl", required=True)
    parser.add_argument("--seconds", type=int, required=True)
    parser.add_argument("--json", required=True)
    parser.add_argument("fuzzers", nargs="+")
    args = parser.parse_args()
    report = {
        "schema": "zxconform-fuzz-1",
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "impl": args.impl,
        "fuzzers": {name: fuzzer_result(args.dir, name, args.seconds) for name in args.fuzzers},
    }
    os.makedirs(os.path.dirname(os.path.abspath(args.json)), exist_ok=True)
    with open(args.json, "w", encoding="utf-8") as f:
        json.dump(report, f, indent=2)
        f.write("\n")
    failed = False
    for name, result in report["fuzzers"].items():
        calls = ", ".join(f"{call} {sum(s.values())}" for call, s in sorted(result["statuses"].items()))
        print(f"fuzz: {name}: {result['execs']} inputs, {result['execs_per_second']}/s, "
              f"{len(result['findings'])} findings; calls: {calls or 'none'}")
        for finding in result["findings"]:
            print(f"fuzz: {name}: FINDING {finding['kind']}: {finding['message']} "
                  f"(reproducer {finding['reproducer']})")
        if not result["finished"]:
            print(f"fuzz: {name}: did not finish (see {result['log']})")
        failed |= bool(result["findings"]) or not result["finished"]
    print(f"fuzz: {'FAILED' if failed else 'OK'}: results in {args.json}")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
