#!/usr/bin/python3
"""harness-check: the runner itself, on the hand-written sample table (harness/tests/
sample_table.c) built into build/harness/zxconform-sample:
  - against the reference, every sample row passes except the row of a call with no baseline,
    which must fail as a harness gap; the TAP and JUnit outputs are well-formed and agree;
  - expectations: an expected test that passes fails the run, an expected failure does not,
    and a malformed or stale expect file is a usage error;
  - an implementation that exports nothing gives "not implemented", never a crash;
  - a pass needs the test to run to its end: an implementation whose calls end the process with
    exit status 0 fails every test it reaches, naming the call, and one whose constructor does
    so is refused at load;
  - --repeat gives a soak table and NAME.soak.json; --jobs gives the serial run's results.

    test_sample.py SAMPLE_BINARY REFERENCE.so EMPTY.so WORK_DIR
    (the exiting stubs come from $EXITING_IMPL and $EXIT_ON_LOAD_IMPL)
"""
import json
import os
import pathlib
import re
import subprocess
import sys
import xml.etree.ElementTree as ElementTree

from zxconform_run import Checks, zxconform

GAP_ROW = "sample_kick_no_baseline"  # zx_vcpu_kick has no baseline: must never pass
PASSING_ROW = "sample_vcpu_create_ok"
GUEST_TEST = "fuchsia_vcpu_resume"   # a guest test linked into the sample build too
SAMPLE = ["sample_"]


def check_tap(c, run):
    lines = run.tap_path.read_text().splitlines()
    results = [l for l in lines if re.match(r"(not )?ok \d+ - ", l)]
    c.check(f"1..{len(run.tests)}" in lines, "TAP has the plan 1..N", f"{len(run.tests)} tests")
    c.check(len(results) == len(run.tests), "TAP has one result line per test",
            f"{len(results)} lines for {len(run.tests)} tests")
    failing = [l for l in results if l.startswith("not ok") and GAP_ROW in l]
    c.check(len(failing) == 1, f"TAP says 'not ok' for {GAP_ROW}")


def check_junit(c, run):
    try:
        root = ElementTree.parse(run.xml_path).getroot()
    except ElementTree.ParseError as error:
        c.check(False, "JUnit XML is well-formed", str(error))
        return
    cases = root.findall("./testsuite/testcase")
    c.check(root.tag == "testsuites" and len(cases) == len(run.tests),
            "JUnit XML has one <testcase> per test", f"{len(cases)} for {len(run.tests)}")
    skipped = [t.get("name") for t in cases if t.find("skipped") is not None]
    c.check(skipped == [GAP_ROW], "JUnit XML marks the expected failure <skipped>", str(skipped))
    c.check(root.get("tests") == str(len(run.tests)) and root.get("failures") == "0",
            "JUnit counts", str(root.attrib))


def check_reference(c, reference, work):
    expect = work / "gap.expect"
    expect.write_text(f"# the sample's call with no baseline\n{GAP_ROW}  harness gap by design\n")
    run = zxconform(SAMPLE_BINARY, reference, work, "sample", SAMPLE, str(expect))
    c.check(run.returncode == 0, "the sample table passes against the reference (exit 0)",
            f"exit {run.returncode}\n{run.output}")
    if not run.data:
        c.check(False, "results JSON written")
        return
    for name, test in run.tests.items():
        if name != GAP_ROW:
            c.check(test["status"] == "pass", f"{name} passes", test["message"])
    gap = run.tests.get(GAP_ROW, {})
    c.check(gap.get("status") == "fail" and "harness gap: no baseline for zx_vcpu_kick"
            in gap.get("message", ""), f"{GAP_ROW} fails as a harness gap", str(gap))
    c.check(gap.get("outcome") == "expected_failure", f"{GAP_ROW} is an expected failure")
    summary = run.data["summary"]
    c.check(summary["total"] == len(run.tests) and summary["expected_failure"] == 1
            and summary["unexpected_failure"] == 0, "JSON summary counts", str(summary))
    check_tap(c, run)
    check_junit(c, run)


def check_expectations(c, reference, work):
    both = work / "both.expect"
    both.write_text(f"{GAP_ROW}  harness gap\n{PASSING_ROW}  claims to fail, but passes\n")
    run = zxconform(SAMPLE_BINARY, reference, work, "xpass", SAMPLE, str(both))
    c.check(run.returncode == 1, "an expected failure that passes fails the run (exit 1)",
            f"exit {run.returncode}")
    c.check(run.tests.get(PASSING_ROW, {}).get("outcome") == "unexpected_pass",
            f"{PASSING_ROW} is an unexpected pass")
    c.check(f"XPASS {PASSING_ROW}" in run.output, "the summary lists the unexpected pass")

    run = zxconform(SAMPLE_BINARY, reference, work, "unexpected", SAMPLE)
    c.check(run.returncode == 1, "an unlisted failure fails the run (exit 1)",
            f"exit {run.returncode}")
    c.check(run.tests.get(GAP_ROW, {}).get("outcome") == "unexpected_failure",
            f"{GAP_ROW} without expectation is an unexpected failure")

    for label, text in (("a line without a reason", f"{GAP_ROW}\n"),
                        ("a line naming no test", "no_such_test  stale line\n")):
        bad = work / "bad.expect"
        bad.write_text(text)
        run = zxconform(SAMPLE_BINARY, reference, work, "bad", SAMPLE, str(bad))
        c.check(run.returncode == 2, f"an expect file with {label} is a usage error (exit 2)",
                f"exit {run.returncode}: {run.output.strip()}")


def check_not_implemented(c, empty, work):
    run = zxconform(SAMPLE_BINARY, empty, work, "empty", SAMPLE + [GUEST_TEST])
    c.check(run.returncode == 1, "an empty implementation fails the run (exit 1)",
            f"exit {run.returncode}")
    c.check(GUEST_TEST in run.tests and len(run.tests) > 2, "rows and a guest test ran")
    prefix = "not implemented: the implementation does not export "
    for name, test in run.tests.items():
        if name != GAP_ROW:
            c.check(test["status"] == "not_implemented" and test["message"].startswith(prefix),
                    f"{name} is not_implemented", f"{test['status']}: {test['message']}")
    gap = run.tests.get(GAP_ROW, {})
    c.check(gap.get("status") == "fail" and "harness gap" in gap.get("message", ""),
            f"{GAP_ROW} stays a harness gap whatever the implementation exports", str(gap))
    wanted = {PASSING_ROW: "zx_vcpu_create", GUEST_TEST: "zxconf_hypervisor_resource"}
    for name, symbol in wanted.items():
        message = run.tests.get(name, {}).get("message", "")
        c.check(message == prefix + symbol, f"{name} names the missing {symbol}", message)


def check_early_exit(c, exiting, exit_on_load, work):
    run = zxconform(SAMPLE_BINARY, exiting, work, "exiting", SAMPLE + [GUEST_TEST])
    c.check(run.returncode == 1, "an implementation that exits 0 inside its calls fails the run",
            f"exit {run.returncode}")
    reached = {n: t for n, t in run.tests.items() if n != GAP_ROW}
    c.check(len(reached) > 2, "rows and a guest test ran against the exiting stub")
    for name, test in reached.items():
        message = test.get("message", "")
        named = re.search(r"ended with exit status 0 in or after (zx_\w+|zxconf_\w+), the "
                          r"test's last call", message)
        c.check(test["status"] == "crash" and named is not None,
                f"{name} fails as a crash naming the call that ended the process",
                f"{test['status']}: {message}")
    done = subprocess.run([SAMPLE_BINARY, "--impl", exit_on_load, "--results", str(work),
                           "--name", "exit_on_load", "--expect", "/dev/null"],
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    c.check(done.returncode == 2 and "constructors must return" in done.stdout,
            "an implementation whose constructor exits 0 is refused (exit 2)",
            f"exit {done.returncode}: {done.stdout.strip()}")


def check_soak_and_jobs(c, reference, empty, work):
    expect = work / "gap.expect"
    run = zxconform(SAMPLE_BINARY, reference, work, "soak", SAMPLE, str(expect),
                    extra=["--repeat", "3"])
    soak_path = work / "soak.soak.json"
    soak = json.loads(soak_path.read_text()) if soak_path.exists() else {}
    c.check(run.returncode == 0 and soak.get("runs") == 3 and soak.get("unexpected") == [],
            "--repeat 3 on the reference: 3 runs, nothing unexpected", f"{soak}")
    c.check("OK: nothing unexpected in 3 runs" in run.output, "the soak's summary line",
            run.output[-300:])
    run = zxconform(SAMPLE_BINARY, empty, work, "soak_empty", [PASSING_ROW],
                    extra=["--repeat", "2"])
    c.check(run.returncode == 1 and f"{PASSING_ROW}" in run.output and "2 of 2" in run.output,
            "--repeat 2 on an empty implementation: the table says 2 of 2", run.output[-400:])
    serial = zxconform(SAMPLE_BINARY, reference, work, "serial", SAMPLE, str(expect))
    parallel = zxconform(SAMPLE_BINARY, reference, work, "parallel", SAMPLE, str(expect),
                         extra=["--jobs", "3"])
    strip = lambda r: [{k: v for k, v in t.items() if k != "duration_s"}
                       for t in (r.data or {}).get("tests", [])]
    c.check(serial.data is not None and strip(serial) == strip(parallel)
            and serial.tap_path.read_text() == parallel.tap_path.read_text(),
            "--jobs 3 gives the serial run's results, in the same order")


if __name__ == "__main__":
    if len(sys.argv) != 5:
        sys.exit(__doc__)
    SAMPLE_BINARY, reference, empty, work = sys.argv[1:]
    work = pathlib.Path(work)
    work.mkdir(parents=True, exist_ok=True)
    checks = Checks("harness-check: sample table, expectations, missing symbols")
    print(f"{checks.title}: running {SAMPLE_BINARY} against {reference} and {empty}", flush=True)
    check_reference(checks, reference, work)
    check_expectations(checks, reference, work)
    check_not_implemented(checks, empty, work)
    check_early_exit(checks, os.environ["EXITING_IMPL"], os.environ["EXIT_ON_LOAD_IMPL"], work)
    check_soak_and_jobs(checks, reference, empty, work)
    sys.exit(checks.finish())
