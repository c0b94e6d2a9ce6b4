#!/usr/bin/python3
"""zxgen: spec/ man pages -> conformance tables, lint, clause lists and coverage.

  zxgen.py tables --out build/gen/conformance_tables.c [--coverage-json F] [--coverage-md F]
                  [--guest-tests DIR] spec/*.md
  zxgen.py lint PATH...          check pages (spec/ or any other: the seed, a draft)
  zxgen.py clauses PATH...       list clause ids with file:line and text
  zxgen.py coverage [--guest-tests DIR] spec/*.md   print the coverage report
"""
import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import coverage  # noqa: E402
from clauses import load_spec  # noqa: E402
from diagnostics import GenError  # noqa: E402
from emit_c import emit  # noqa: E402
from headers import Headers  # noqa: E402
from lint import lint_path  # noqa: E402
from tables import build_rows  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GUEST_TESTS = os.path.join(ROOT, "harness", "guest_tests")


def _relative(path):
    """Paths under the repository are printed relative to the current folder."""
    return os.path.relpath(path) if path.startswith(ROOT) else path


def _lint_all(paths, args):
    """-> (specs, errors, warnings); prints every diagnostic."""
    headers = Headers(args.include)
    specs, errors, warnings = [], 0, 0
    for path in paths:
        spec, diagnostics = lint_path(path, headers, args.spec_dir)
        for diagnostic in diagnostics:
            print(diagnostic)
        errors += sum(d.severity == "error" for d in diagnostics)
        warnings += sum(d.severity == "warning" for d in diagnostics)
        if spec:
            specs.append(spec)
    return specs, headers, errors, warnings


def _duplicate_calls(specs):
    """A table holds each call once: two pages for one call is an error."""
    first, errors = {}, 0
    for spec in specs:
        if spec.call in first:
            print(f"{spec.page.path}:{spec.prototype.line}: error: {spec.call} is also "
                  f"specified by {first[spec.call]}")
            errors += 1
        first.setdefault(spec.call, spec.page.path)
    return errors


def _coverage(specs, outcomes, args):
    covers = coverage.scan_guest_tests(args.guest_tests) if args.guest_tests else []
    unknown = coverage.unknown_covers(covers, outcomes)
    for diagnostic in unknown:
        print(diagnostic, file=sys.stderr)
    return coverage.summarise(specs, outcomes, covers), len(unknown)


def cmd_tables(args):
    print(f"zxgen tables: reading {len(args.pages)} pages")
    specs, headers, errors, _ = _lint_all(args.pages, args)
    errors += _duplicate_calls(specs)
    if errors:
        print(f"zxgen tables: FAILED: {errors} errors in the pages; no table written",
              file=sys.stderr)
        return 1
    if not specs:
        print("zxgen tables: FAILED: no pages given; an empty table would test nothing",
              file=sys.stderr)
        return 1
    rows, outcomes = build_rows(specs, headers)
    summary, unknown = _coverage(specs, outcomes, args)
    if unknown:
        print(f"zxgen tables: FAILED: {unknown} ZXC_COVERS ids name no clause", file=sys.stderr)
        return 1
    os.makedirs(os.path.dirname(args.out) or ".", exist_ok=True)
    temporary = args.out + ".tmp"
    with open(temporary, "w", encoding="utf-8") as f:
        f.write(emit(specs, rows))
    os.replace(temporary, args.out)
    coverage.write_reports(summary, args.coverage_json, args.coverage_md)
    t = summary["totals"]
    print(f"zxgen tables: {len(specs)} calls, {t['clauses']} clauses, {len(rows)} rows -> "
          f"{args.out}; clauses covered: {t['table']} by table rows, {t['guest']} by guest "
          f"tests, {t['uncovered']} uncovered")
    return 0


def cmd_lint(args):
    print(f"zxgen lint: checking {len(args.pages)} pages")
    specs, _, errors, warnings = _lint_all(args.pages, args)
    verdict = "FAILED" if errors else "ok"
    print(f"zxgen lint: {verdict}: {len(args.pages)} pages, {errors} errors, {warnings} warnings")
    return 1 if errors else 0


def cmd_clauses(args):
    total = 0
    for path in args.pages:
        try:
            spec = load_spec(path)
        except GenError as error:
            print(error, file=sys.stderr)
            return 1
        for clause in spec.clauses:
            status = f"[{clause.status}] " if clause.status else ""
            print(f"{clause.where}: {clause.id}: {status}{clause.text}")
        total += len(spec.clauses)
    print(f"zxgen clauses: {total} clauses in {len(args.pages)} pages")
    return 0


def cmd_coverage(args):
    specs, headers, errors, _ = _lint_all(args.pages, args)
    errors += _duplicate_calls(specs)
    if errors:
        print(f"zxgen coverage: FAILED: {errors} errors in the pages", file=sys.stderr)
        return 1
    _, outcomes = build_rows(specs, headers)
    summary, unknown = _coverage(specs, outcomes, args)
    coverage.write_reports(summary, args.coverage_json, args.coverage_md)
    print(coverage.text_report(summary), end="")
    return 1 if unknown else 0


def main(argv=None):
    parser = argparse.ArgumentParser(prog="zxgen.py", description=__doc__.split("\n")[0])
    parser.add_argument("--include", default=os.path.join(ROOT, "include"),
                        help="folder holding zircon/*.h (for the ZX_* names)")
    parser.add_argument("--spec-dir", default=_relative(os.path.join(ROOT, "spec")),
                        help="folder searched for SEE ALSO targets")
    commands = parser.add_subparsers(dest="command", required=True)
    for name, handler in (("tables", cmd_tables), ("lint", cmd_lint), ("clauses", cmd_clauses),
                          ("coverage", cmd_coverage)):
        command = commands.add_parser(name)
        command.set_defaults(handler=handler)
        command.add_argument("pages", nargs="*" if name == "tables" else "+", metavar="PAGE")
        if name in ("tables", "coverage"):
            command.add_argument("--guest-tests", default=_relative(GUEST_TESTS),
                                 help="folder of *.c with ZXC_COVERS(\"id\") lines")
            command.add_argument("--coverage-json")
            command.add_argument("--coverage-md")
        if name == "tables":
            command.add_argument("--out", required=True)
    args = parser.parse_args(argv)
    return args.handler(args)


if __name__ == "__main__":
    sys.exit(main())
