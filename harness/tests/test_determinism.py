#!/usr/bin/python3
"""harness-check: two runs of the same implementation give the same results (JSON, TAP and
JUnit XML) apart from the date and the durations.

    test_determinism.py ZXCONFORM IMPL.so WORK_DIR FILTER...
"""
import json
import pathlib
import re
import shutil
import sys

from zxconform_run import Checks, zxconform


def stable_json(run):
    data = json.loads(run.json_path.read_text())
    data["run"].pop("date", None)
    for test in data["tests"]:
        test.pop("duration_s", None)
    return data


def stable_xml(run):
    return re.sub(r' (time|timestamp)="[^"]*"', "", run.xml_path.read_text())


def first_difference(a, b):
    for x, y in zip(a["tests"], b["tests"]):
        if x != y:
            return f"first differing test:\n    {x}\n    {y}"
    return f"run blocks or test counts differ: {a['run']} / {b['run']}"


if __name__ == "__main__":
    if len(sys.argv) < 5:
        sys.exit(__doc__)
    binary, impl, work, filters = sys.argv[1], sys.argv[2], pathlib.Path(sys.argv[3]), sys.argv[4:]
    checks = Checks("harness-check: determinism")
    print(f"{checks.title}: two runs of {impl} with --filter {' '.join(filters)}", flush=True)
    # Both runs load one private copy, so a rebuild of IMPL meanwhile cannot tell them apart.
    work.mkdir(parents=True, exist_ok=True)
    copy = work / pathlib.Path(impl).name
    shutil.copyfile(impl, copy)
    first = zxconform(binary, str(copy), work / "first", "impl", filters)
    second = zxconform(binary, str(copy), work / "second", "impl", filters)
    ran = first.data is not None and second.data is not None
    checks.check(ran and len(first.tests) > 10, "both runs wrote results for the filters",
                 f"{len(first.tests)} tests")
    if ran:
        a, b = stable_json(first), stable_json(second)
        checks.check(a == b, "results JSON identical apart from date and durations",
                     first_difference(a, b))
        checks.check(first.tap_path.read_text() == second.tap_path.read_text(),
                     "TAP identical")
        checks.check(stable_xml(first) == stable_xml(second),
                     "JUnit XML identical apart from times")
        checks.check(first.returncode == second.returncode, "same exit status",
                     f"{first.returncode} and {second.returncode}")
    sys.exit(checks.finish())
