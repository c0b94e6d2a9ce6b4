"""Shared by the harness's own tests: run build/harness/zxconform (or the sample build) and read
back what it wrote."""
import json
import pathlib
import subprocess


class Run:
    def __init__(self, returncode, output, results, name):
        self.returncode = returncode
        self.output = output
        self.json_path = results / f"{name}.json"
        self.tap_path = results / f"{name}.tap"
        self.xml_path = results / f"{name}.xml"
        self.data = json.loads(self.json_path.read_text()) if self.json_path.exists() else None
        self.tests = {t["name"]: t for t in self.data["tests"]} if self.data else {}


def zxconform(binary, impl, results, name, filters=(), expect=None, extra=()):
    results = pathlib.Path(results)
    results.mkdir(parents=True, exist_ok=True)
    for suffix in (".json", ".tap", ".xml"):  # no stale output can pass for this run's
        (results / f"{name}{suffix}").unlink(missing_ok=True)
    args = [binary, "--impl", impl, "--results", str(results), "--name", name,
            "--expect", expect or "/dev/null"]
    for f in filters:
        args += ["--filter", f]
    args += list(extra)
    done = subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                          check=False)
    return Run(done.returncode, done.stdout, results, name)


class Checks:
    """Collects failed checks so that one run reports all of them."""

    def __init__(self, title):
        self.title = title
        self.failed = []
        self.passed = 0

    def check(self, condition, what, detail=""):
        if condition:
            self.passed += 1
        else:
            self.failed.append(f"{what}{': ' + detail if detail else ''}")
            print(f"  FAIL {what}{': ' + detail if detail else ''}", flush=True)
        return condition

    def finish(self):
        total = self.passed + len(self.failed)
        verdict = "OK" if not self.failed else "FAILED"
        print(f"{self.title}: {verdict}: {self.passed} of {total} checks passed", flush=True)
        return 1 if self.failed else 0
