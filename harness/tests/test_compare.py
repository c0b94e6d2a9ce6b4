#!/usr/bin/python3
"""harness-check: harness/compare.py on two small results files, one written by the current
harness and one in an older, partial form, gives exactly the expected differences, skips files
that are not results, and writes a well-formed, self-contained HTML report.

    test_compare.py WORK_DIR
"""
import json
import pathlib
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ElementTree

from zxconform_run import Checks

COMPARE = pathlib.Path(__file__).resolve().parent.parent / "compare.py"


def test(name, clause, status, **extra):
    record = {"name": name, "kind": "table", "call": clause.split(".")[0], "clause_id": clause,
              "clauses": [clause], "status": status, "expected_status": "pass",
              "expected_reason": "", "outcome": "ok" if status == "pass" else
              "unexpected_failure", "message": "" if status == "pass" else f"{name} broke",
              "duration_s": 0.001}
    record.update(extra)
    return record


REFERENCE = {
    "run": {"name": "ref", "path": "build/ref/libref.so", "sha256": "ab" * 32, "filters": []},
    "summary": {"total": 4},
    "tests": [
        test("vmo_ok", "zx_vmo_create.RETURN_VALUE.1", "pass"),
        test("vmo_null", "zx_vmo_create.ERRORS.1", "pass"),
        test("port_wait_ok", "zx_port_wait.RETURN_VALUE.1", "pass"),
        test("port_gap", "zx_port_wait.ERRORS.3", "fail", expected_status="fail",
             expected_reason="known", outcome="expected_failure"),
    ],
}
# An older, partial run: no "run" block (name from the file), no outcome or clauses fields,
# one test of the reference not run.
OTHER = {
    "tests": [
        {"name": "vmo_ok", "clause_id": "zx_vmo_create.RETURN_VALUE.1", "status": "pass"},
        {"name": "vmo_null", "clause_id": "zx_vmo_create.ERRORS.1", "status": "crash",
         "message": "signal 11 <&>"},
        {"name": "port_gap", "clause_id": "zx_port_wait.ERRORS.3", "status": "fail"},
    ],
}


def compare(results, *extra):
    done = subprocess.run([sys.executable, str(COMPARE), "--results", str(results),
                           "--reference", "ref", *extra], stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True, check=False)
    return done.returncode, done.stdout


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    work = pathlib.Path(sys.argv[1]) / "compare"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    checks = Checks("harness-check: compare.py")
    print(f"{checks.title}: two small results files in {work}", flush=True)
    (work / "ref.json").write_text(json.dumps(REFERENCE))
    (work / "other.json").write_text(json.dumps(OTHER))
    (work / "coverage.json").write_text(json.dumps({"calls": []}))
    (work / "truncated.json").write_text('{"tests": [')

    status, output = compare(work)
    c = checks.check
    c(status == 0, "compare.py exits 0", f"{status}\n{output}")
    c("other differs from ref in 1 tests; 1 reference tests not run" in output,
      "the summary counts one difference and one test not run", output)
    c("ignored coverage.json (not zxconform results)" in output,
      "other JSON files are ignored, with a note", output)
    c("skipped" in output and "truncated.json" in output and "truncated.json" in
      (work / "report.md").read_text(), "an invalid results file is skipped, with a note", output)
    report = (work / "report.md").read_text()
    diff_rows = [l for l in report.splitlines() if l.startswith("| vmo_null |")]
    c(diff_rows == ["| vmo_null | zx_vmo_create.ERRORS.1 | pass | crash | signal 11 <&> |"],
      "report.md lists exactly the changed test", str(diff_rows))
    c("| port_gap |" not in report and "| port_wait_ok |" not in report,
      "same statuses and tests not run are not differences")
    c("| zx_port_wait | 1/2 | 0/1 |" in report, "calls table: passed/run per implementation")
    c("| zx_vmo_create.ERRORS.1 | 1 | pass | crash |" in report, "clauses table")
    try:
        page = ElementTree.parse(work / "report.html").getroot()
        text = "".join(page.itertext())
        c("signal 11 <&>" in text, "report.html holds the difference, escaped")
        c(page.find(".//script") is None and "http" not in (work / "report.html").read_text(),
          "report.html is self-contained (no script, no network)")
    except ElementTree.ParseError as error:
        c(False, "report.html is well-formed", str(error))

    status, output = compare(work, "--reference", "absent")
    c(status == 0 and "no results for the reference absent" in output,
      "a missing reference is reported, not fatal", output)
    empty = work / "empty"
    empty.mkdir()
    status, output = compare(empty)
    c(status == 2, "no results files at all is an error (exit 2)", f"{status}: {output}")
    sys.exit(checks.finish())
