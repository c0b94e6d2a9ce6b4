#!/usr/bin/python3
"""harness-check: the runner itself, on the hand-written sample table (harness/tests/
sample_table.c) built into build/harness/zxconform-sample:
  - against the reference, every sample row passes except the row of a call with no baseline,
    which must fail as a harness gap; the TAP and JUnit outputs are well-formed and agree;
  - expectations: an expected test that passes fails the run, an expected failure does not,
    and a malformed or stale expect file is a usage error;
  - an implementation that exports nothing gives "not implemented", never a crash.

    test_sample.py SAMPLE_BINARY REFERENCE.so EMPTY.so WORK_DIR
"""
import pathlib
import re
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
    sys.exit(checks.finish())
