#!/usr/bin/python3
"""make compare: read every results/<implementation>.json that zxconform wrote and write
results/report.md and results/report.html (self-contained: inline CSS, no script, no network):
the calls by implementation, pass/fail per clause, and every test whose status differs from the
reference's (the implementation named zxref unless --reference says otherwise).

Robust to results from an older or partial run: fields it lacks are derived or left empty, tests
a run did not select are shown as "not run" and are not differences, and a file that is not a
results file (bench.json, coverage.json) or not valid JSON is skipped with a note.

    harness/compare.py [--results DIR] [--reference NAME] [--out DIR] [FILE.json ...]
"""
import argparse
import html
import json
import pathlib
import sys

PASS = "pass"
NOT_RUN = "not run"
# When several tests cover a clause, the clause shows the worst of their statuses.
SEVERITY = ["pass", "not_testable", "not_implemented", "fail", "timeout", "crash"]


class Implementation:
    """One results file, with the fields an older or partial file may lack filled in."""

    def __init__(self, path, data):
        run = data.get("run") if isinstance(data.get("run"), dict) else {}
        self.path = path
        self.name = run.get("name") or path.stem
        self.library = run.get("path", "")
        self.sha256 = run.get("sha256", "")
        self.date = run.get("date", "")
        self.kernel = run.get("host_kernel", "")
        self.cpu = run.get("cpu", "")
        self.filters = [f for f in run.get("filters") or [] if isinstance(f, str)]
        self.expect_file = run.get("expect_file") or ""
        self.tests = {}
        for raw in data.get("tests") or []:
            if isinstance(raw, dict) and raw.get("name"):
                test = normalize_test(raw)
                self.tests[test["name"]] = test

    def count(self, **where):
        return sum(all(t[k] == v for k, v in where.items()) for t in self.tests.values())

    @property
    def passed(self):
        return self.count(status=PASS)

    @property
    def unexpected(self):
        return sum(t["outcome"] in ("unexpected_failure", "unexpected_pass")
                   for t in self.tests.values())


def normalize_test(raw):
    status = str(raw.get("status") or "unknown")
    clause_id = raw.get("clause_id") or ""
    clauses = [c for c in raw.get("clauses") or [] if isinstance(c, str)] or (
        [clause_id] if clause_id else [])
    call = raw.get("call") or (clauses[0].split(".")[0] if clauses else "")
    expected = raw.get("expected_status") or "pass"
    outcome = raw.get("outcome")
    if not outcome:
        if expected == "fail":
            outcome = "unexpected_pass" if status == PASS else "expected_failure"
        else:
            outcome = "ok" if status == PASS else "unexpected_failure"
    return {
        "name": raw["name"],
        "kind": raw.get("kind") or "",
        "call": call or "(no call)",
        "clauses": clauses,
        "status": status,
        "expected_status": expected,
        "expected_reason": raw.get("expected_reason") or "",
        "outcome": outcome,
        "message": raw.get("message") or "",
    }


def load(paths):
    """The implementations among `paths`, a note for each unreadable file, and the other JSON
    files of the folder (bench.json, coverage.json)."""
    implementations, skipped, ignored = [], [], []
    for path in paths:
        try:
            data = json.loads(path.read_text())
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
            skipped.append(f"{path}: unreadable or not valid JSON ({error})")
            continue
        if not isinstance(data, dict) or not isinstance(data.get("tests"), list):
            ignored.append(path.name)
            continue
        implementations.append(Implementation(path, data))
    names = [i.name for i in implementations]
    for impl in implementations:
        if names.count(impl.name) > 1:  # two files claim one name: tell them apart by file
            impl.name = f"{impl.name} ({impl.path.name})"
    return implementations, skipped, ignored


def clause_status(impl, tests):
    """The worst status among the tests of `impl` that cover a clause, or NOT_RUN."""
    statuses = [impl.tests[t]["status"] for t in tests if t in impl.tests]
    if not statuses:
        return NOT_RUN
    return max(statuses, key=lambda s: SEVERITY.index(s) if s in SEVERITY else len(SEVERITY))


def differences(impl, reference):
    """Tests run by both whose status differs, plus how many tests only one of them ran."""
    diffs = []
    for name, ref_test in reference.tests.items():
        test = impl.tests.get(name)
        if test is not None and test["status"] != ref_test["status"]:
            diffs.append((ref_test, test))
    only_reference = sum(name not in impl.tests for name in reference.tests)
    only_impl = sum(name not in reference.tests for name in impl.tests)
    return diffs, only_reference, only_impl


class Model:
    """Everything both reports show, computed once."""

    def __init__(self, implementations, reference_name):
        self.impls = sorted(implementations, key=lambda i: (i.name != reference_name, i.name))
        self.reference = next((i for i in self.impls if i.name == reference_name), None)
        self.reference_name = reference_name
        self.calls = {}    # call -> clause -> names of the tests covering it
        self.tests = {}    # test name -> a record of it (from the first run that has it)
        for impl in self.impls:
            for test in impl.tests.values():
                self.tests.setdefault(test["name"], test)
                for clause in test["clauses"] or ["(no clause)"]:
                    call = clause.split(".")[0] if "." in clause else test["call"]
                    covering = self.calls.setdefault(call, {}).setdefault(clause, [])
                    if test["name"] not in covering:
                        covering.append(test["name"])
        self.diffs = {}
        if self.reference is not None:
            for impl in self.impls:
                if impl is not self.reference:
                    self.diffs[impl.name] = differences(impl, self.reference)

    def call_tests(self, call):
        names = []
        for tests in self.calls[call].values():
            names += [t for t in tests if t not in names]
        return names

    def call_cell(self, impl, call):
        names = [t for t in self.call_tests(call) if t in impl.tests]
        if not names:
            return NOT_RUN, "none"
        passed = sum(impl.tests[t]["status"] == PASS for t in names)
        return f"{passed}/{len(names)}", "pass" if passed == len(names) else "fail"

    def summary_lines(self):
        lines = []
        for impl in self.impls:
            total = len(impl.tests)
            expected = impl.count(outcome="expected_failure")
            partial = f", filters {' '.join(impl.filters)}" if impl.filters else ""
            lines.append(f"{impl.name}: {total} tests, {impl.passed} passed, "
                         f"{total - impl.passed} failed ({expected} expected), "
                         f"{impl.unexpected} unexpected{partial}")
        if self.reference is None:
            lines.append(f"no results for the reference {self.reference_name}: "
                         "no differences computed")
        for name, (diffs, only_ref, only_impl) in self.diffs.items():
            extra = f"; {only_ref} reference tests not run" if only_ref else ""
            extra += f"; {only_impl} tests the reference did not run" if only_impl else ""
            lines.append(f"{name} differs from {self.reference.name} in {len(diffs)} tests{extra}")
        return lines


def clause_sort_key(clause):
    call, _, rest = clause.partition(".")
    section, _, ordinal = rest.rpartition(".")
    return (call, section, int(ordinal) if ordinal.isdigit() else 0, clause)


def md_escape(text):
    return str(text).replace("|", "\\|").replace("\n", " ")


def write_markdown(model, path, skipped):
    out = ["# zxconform: comparison of implementations", ""]
    out += [f"- {md_escape(line)}" for line in model.summary_lines()]
    out += [f"- skipped {md_escape(note)}" for note in skipped]
    out += ["", "## Implementations", "",
            "| name | library | sha256 | date | host kernel | cpu | filters | expect file |",
            "|---|---|---|---|---|---|---|---|"]
    for i in model.impls:
        out.append("| " + " | ".join(md_escape(v) for v in (
            i.name + (" (reference)" if i is model.reference else ""), i.library,
            i.sha256[:16], i.date, i.kernel, i.cpu, " ".join(i.filters) or "all",
            i.expect_file or "none")) + " |")
    names = [i.name for i in model.impls]
    out += ["", "## Calls (tests passed / tests run)", "",
            "| call | " + " | ".join(map(md_escape, names)) + " |",
            "|---|" + "---|" * len(names)]
    for call in sorted(model.calls):
        out.append(f"| {call} | " + " | ".join(model.call_cell(i, call)[0]
                                                for i in model.impls) + " |")
    out += ["", "## Clauses", "",
            "| clause | tests | " + " | ".join(map(md_escape, names)) + " |",
            "|---|---|" + "---|" * len(names)]
    for call in sorted(model.calls):
        for clause in sorted(model.calls[call], key=clause_sort_key):
            tests = model.calls[call][clause]
            out.append(f"| {clause} | {len(tests)} | " + " | ".join(
                clause_status(i, tests) for i in model.impls) + " |")
    out += ["", f"## Differences from the reference ({md_escape(model.reference_name)})", ""]
    if model.reference is None:
        out.append("No results for the reference.")
    for name, (diffs, only_ref, only_impl) in model.diffs.items():
        out += [f"### {md_escape(name)}: {len(diffs)} tests differ", ""]
        if only_ref or only_impl:
            out += [f"Not compared: {only_ref} tests only the reference ran, {only_impl} tests "
                    "only this implementation ran.", ""]
        if diffs:
            out += ["| test | clause | reference | this | message |", "|---|---|---|---|---|"]
            for ref_test, test in diffs:
                out.append(f"| {test['name']} | {md_escape(', '.join(test['clauses']))} | "
                           f"{ref_test['status']} | {test['status']} | "
                           f"{md_escape(test['message'] or ref_test['message'])} |")
            out.append("")
    path.write_text("\n".join(out) + "\n")


CSS = """
body { font: 14px/1.4 system-ui, sans-serif; margin: 2em; color: #222; }
table { border-collapse: collapse; margin: 0.5em 0 1.5em; }
th, td { border: 1px solid #ccc; padding: 2px 8px; text-align: left; vertical-align: top; }
th { background: #f0f0f0; }
td.pass { background: #d9f2d9; } td.fail, td.crash, td.timeout { background: #f8d0d0; }
td.not_implemented, td.not_testable { background: #f8ecc8; } td.none { color: #888; }
td.msg { font-family: monospace; font-size: 12px; max-width: 60em; }
summary { cursor: pointer; font-weight: bold; margin: 0.3em 0; }
ul.summary li { font-family: monospace; }
"""


def esc(text):
    return html.escape(str(text), quote=True)


def status_class(status):
    return status if status in SEVERITY else "none"


def write_html(model, path, skipped):
    out = ['<!DOCTYPE html>', '<html lang="en"><head><meta charset="utf-8"/>',
           '<title>zxconform: comparison of implementations</title>',
           f'<style>{CSS}</style></head><body>',
           '<h1>zxconform: comparison of implementations</h1>', '<ul class="summary">']
    out += [f"<li>{esc(line)}</li>" for line in model.summary_lines()]
    out += [f"<li>skipped {esc(note)}</li>" for note in skipped]
    out += ["</ul>", "<h2>Implementations</h2>", "<table><tr><th>name</th><th>library</th>"
            "<th>sha256</th><th>date</th><th>host kernel</th><th>cpu</th><th>filters</th>"
            "<th>expect file</th></tr>"]
    for i in model.impls:
        cells = (i.name + (" (reference)" if i is model.reference else ""), i.library,
                 i.sha256[:16], i.date, i.kernel, i.cpu, " ".join(i.filters) or "all",
                 i.expect_file or "none")
        out.append("<tr>" + "".join(f"<td>{esc(c)}</td>" for c in cells) + "</tr>")
    out.append("</table>")
    header = "".join(f"<th>{esc(i.name)}</th>" for i in model.impls)
    out += ["<h2>Calls (tests passed / tests run)</h2>",
            f"<table><tr><th>call</th>{header}</tr>"]
    for call in sorted(model.calls):
        cells = "".join(f'<td class="{cls}">{esc(text)}</td>'
                        for text, cls in (model.call_cell(i, call) for i in model.impls))
        out.append(f"<tr><td>{esc(call)}</td>{cells}</tr>")
    out += ["</table>", "<h2>Clauses</h2>"]
    for call in sorted(model.calls):
        clauses = sorted(model.calls[call], key=clause_sort_key)
        failing = any(clause_status(i, model.calls[call][c]) not in (PASS, NOT_RUN)
                      for i in model.impls for c in clauses)
        opened = ' open="open"' if failing else ""
        out += [f"<details{opened}><summary>{esc(call)} "
                f"({len(clauses)} clauses{', some failing' if failing else ''})</summary>",
                f"<table><tr><th>clause</th><th>tests</th>{header}</tr>"]
        for clause in clauses:
            tests = model.calls[call][clause]
            cells = "".join(f'<td class="{status_class(s)}">{esc(s)}</td>'
                            for s in (clause_status(i, tests) for i in model.impls))
            out.append(f'<tr><td>{esc(clause)}</td><td title="{esc(" ".join(tests))}">'
                       f"{len(tests)}</td>{cells}</tr>")
        out += ["</table>", "</details>"]
    out.append(f"<h2>Differences from the reference ({esc(model.reference_name)})</h2>")
    if model.reference is None:
        out.append("<p>No results for the reference.</p>")
    for name, (diffs, only_ref, only_impl) in model.diffs.items():
        out.append(f"<h3>{esc(name)}: {len(diffs)} tests differ</h3>")
        if only_ref or only_impl:
            out.append(f"<p>Not compared: {only_ref} tests only the reference ran, {only_impl} "
                       "tests only this implementation ran.</p>")
        if diffs:
            out.append("<table><tr><th>test</th><th>clause</th><th>reference</th><th>this</th>"
                       "<th>message</th></tr>")
            for ref_test, test in diffs:
                out.append(
                    f"<tr><td>{esc(test['name'])}</td><td>{esc(', '.join(test['clauses']))}</td>"
                    f'<td class="{status_class(ref_test["status"])}">{esc(ref_test["status"])}'
                    f'</td><td class="{status_class(test["status"])}">{esc(test["status"])}</td>'
                    f'<td class="msg">{esc(test["message"] or ref_test["message"])}</td></tr>')
            out.append("</table>")
    out.append("</body></html>")
    path.write_text("\n".join(out) + "\n")


def main(argv):
    parser = argparse.ArgumentParser(description="Compare zxconform results of implementations.")
    parser.add_argument("--results", default="results", help="folder of NAME.json (default: results)")
    parser.add_argument("--reference", default="zxref", help="name of the reference (default: zxref)")
    parser.add_argument("--out", help="folder for report.md and report.html (default: --results)")
    parser.add_argument("files", nargs="*", type=pathlib.Path,
                        help="results files (default: every DIR/*.json)")
    args = parser.parse_args(argv)
    results = pathlib.Path(args.results)
    paths = args.files or sorted(results.glob("*.json"))
    implementations, skipped, ignored = load(paths)
    if ignored:
        print(f"compare: ignored {', '.join(ignored)} (not zxconform results)")
    for note in skipped:
        print(f"compare: skipped {note}")
    if not implementations:
        print(f"compare: no zxconform results among {len(paths)} files in {results}; "
              "run `make conformance` first", file=sys.stderr)
        return 2
    model = Model(implementations, args.reference)
    out_dir = pathlib.Path(args.out) if args.out else results
    out_dir.mkdir(parents=True, exist_ok=True)
    write_markdown(model, out_dir / "report.md", skipped)
    write_html(model, out_dir / "report.html", skipped)
    for line in model.summary_lines():
        print(f"compare: {line}")
    total_diffs = sum(len(d[0]) for d in model.diffs.values())
    print(f"compare: {len(model.impls)} implementations, {len(model.tests)} tests, "
          f"{sum(len(c) for c in model.calls.values())} clauses, {total_diffs} differences "
          f"from {args.reference}; wrote {out_dir / 'report.md'} and {out_dir / 'report.html'}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
