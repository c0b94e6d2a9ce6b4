#!/usr/bin/python3
"""make mutants: run the suite against the reference and against every mutant (build/harness/
mutants/<name>.so, built from harness/mutants/<name>.c), and fail unless each mutant is caught,
i.e. some test that passes on the reference does not pass on the mutant. Then every variant
(harness/variants/<name>.c: a correct implementation that differs from the reference where the
pages allow it) must pass each test that passes on the reference: a failure there is a false red.
Each runs only the tests its source's `filter:` line names. Prints, per mutant, the tests and
clauses that caught it, and per variant any test that failed it."""
import json
import os
import pathlib
import re
import subprocess
import sys
import time

FILTER = re.compile(r"filter:\s*(.+)$", re.M)


# Two tests at a time: most of a mutant's time is a test waiting for what never comes (an
# interrupt, an exit) until its time limit, which is halved here. A mutant that is only slow is
# still caught by the halved limit; the reference's run says which tests count.
JOBS = "2"
TIMEOUT_MULTIPLIER = "0.5"


def filters_of(source):
    """The tests a mutant's or variant's source names on its `filter:` line."""
    return FILTER.search(source.read_text()).group(1).split()


def run(zxconform, impl, name, results, filters):
    args = [zxconform, "--impl", impl, "--name", name, "--results", results,
            "--expect", "/dev/null", "--jobs", JOBS]
    for f in filters:
        args += ["--filter", f]
    env = dict(os.environ)
    env.setdefault("ZXC_TIMEOUT_MULTIPLIER", TIMEOUT_MULTIPLIER)
    subprocess.run(args, stdout=subprocess.DEVNULL, check=False, env=env)
    with open(f"{results}/{name}.json") as f:
        return {t["name"]: t for t in json.load(f)["tests"]}


def main(zxconform, reference, mutant_dir, variant_dir, results):
    sources = sorted(pathlib.Path("harness/mutants").glob("*.c"))
    print(f"mutants: running the suite against the reference ({reference}), {JOBS} tests at a "
          f"time, time limits x{os.environ.get('ZXC_TIMEOUT_MULTIPLIER', TIMEOUT_MULTIPLIER)}",
          flush=True)
    reference_tests = run(zxconform, reference, "reference", results, [])
    passing = {name for name, t in reference_tests.items() if t["status"] == "pass"}
    missed = []
    for source in sources:
        name, filters = source.stem, filters_of(source)
        started = time.monotonic()
        tests = run(zxconform, f"{mutant_dir}/{name}.so", f"mutant-{name}", results, filters)
        # A missing symbol would be a vacuous catch: only real failures count.
        caught = [t for n, t in tests.items()
                  if n in passing and t["status"] not in ("pass", "not_implemented")]
        if caught:
            print(f"CAUGHT  {name}: by {len(caught)} of {len(tests)} tests in "
                  f"{time.monotonic() - started:.1f} s, e.g.")
            for t in caught[:3]:
                print(f"          {t['name']} [{t['clause_id']}] {t['status']}: {t['message']}")
        else:
            print(f"MISSED  {name}: every test of --filter {' '.join(filters)} passed")
            missed.append(name)
        sys.stdout.flush()
    print(f"mutants: {len(sources) - len(missed)} of {len(sources)} caught")
    false_reds = check_variants(zxconform, variant_dir, results, passing)
    return 1 if missed or false_reds else 0


def check_variants(zxconform, variant_dir, results, passing):
    """-> the number of variants some test failed."""
    sources = sorted(pathlib.Path("harness/variants").glob("*.c"))
    failed = 0
    for source in sources:
        name, filters = source.stem, filters_of(source)
        tests = run(zxconform, f"{variant_dir}/{name}.so", f"variant-{name}", results, filters)
        reds = [t for n, t in tests.items() if n in passing and t["status"] != "pass"]
        if reds:
            failed += 1
            print(f"FALSE RED  {name}: a correct implementation failed {len(reds)} of "
                  f"{len(tests)} tests, e.g.")
            for t in reds[:3]:
                print(f"          {t['name']} [{t['clause_id']}] {t['status']}: {t['message']}")
        else:
            print(f"PASSED  {name}: all {len(tests)} tests of --filter {' '.join(filters)}")
        sys.stdout.flush()
    print(f"variants: {len(sources) - failed} of {len(sources)} passed (correct implementations "
          "that differ from the reference where the pages allow)")
    return failed


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
