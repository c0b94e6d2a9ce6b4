#!/usr/bin/python3
"""zxgen: spec/ man pages -> conformance tables, lint, clause lists and coverage.

  zxgen.py tables --out build/gen/conformance_tables.c [--coverage-json F] [--coverage-md F]
                  [--guest-tests DIR] [--keep-going] spec/*.md
  zxgen.py lint PATH...          check pages (spec/ or any other: the seed, a draft)
  zxgen.py clauses PATH...       list clause ids with file:line and text
  zxgen.py coverage [--guest-tests DIR] spec/*.md   print the coverage report
  zxgen.py covers [--check | --accept] [--guest-tests DIR] spec/*.md
                                 list stale ZXC_COVERS; --check fails on any; --accept records
                                 the current meaning of every cited clause
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


def _lint_all(paths, args, keep_going=False):
    """-> (specs, headers, errors, warnings); prints every diagnostic. With keep_going, a page
    that cannot be read is left out, a clause with an error is dropped from its spec (both
    listed as skipped), an error in no clause (a missing section) leaves the rows alone, and
    no error is counted."""
    headers = Headers(args.include)
    specs, errors, warnings = [], 0, 0
    for path in paths:
        spec, diagnostics = lint_path(path, headers, args.spec_dir)
        for diagnostic in diagnostics:
            print(diagnostic)
        page_errors = [d for d in diagnostics if d.severity == "error"]
        warnings += sum(d.severity == "warning" for d in diagnostics)
        if keep_going:
            if spec is None:
                print(f"zxgen: skipped page {path}: it cannot be read as a man page")
                continue
            for d in page_errors:
                if not _skip_clauses(spec, d, headers):
                    print(f"zxgen: kept {path} despite line {d.line}: no clause depends on it")
            page_errors = []
        errors += len(page_errors)
        if spec:
            specs.append(spec)
    return specs, headers, errors, warnings


def _skip_clauses(spec, diagnostic, headers):
    """--keep-going: drops the clauses the error is in; True when that handles the error."""
    bad = {c.id for c in spec.clauses
           if c.id == diagnostic.clause_id or (c.status and not headers.known(c.status))}
    if not bad or not (diagnostic.clause_id or "unknown constant ZX_ERR_" in diagnostic.message):
        return False
    for clause in [c for c in spec.clauses if c.id in bad]:
        print(f"zxgen: skipped clause {clause.where}: {clause.id}: {clause.text} "
              f"({diagnostic.message.split(' [')[0]})")
    spec.clauses = [c for c in spec.clauses if c.id not in bad]
    return True


def _duplicate_calls(specs, keep_going=False):
    """A table holds each call once: two pages for one call is an error (with keep_going, the
    later page is skipped)."""
    first, errors = {}, 0
    for spec in list(specs):
        if spec.call in first:
            if keep_going:
                print(f"zxgen: skipped page {spec.page.path}: {spec.call} is also specified by "
                      f"{first[spec.call]}")
                specs.remove(spec)
                continue
            print(f"{spec.page.path}:{spec.prototype.line}: error: {spec.call} is also "
                  f"specified by {first[spec.call]}")
            errors += 1
        first.setdefault(spec.call, spec.page.path)
    return errors


def _covers(specs, args):
    """-> (resolutions, unknown count); prints the stale covers first and unknown ids."""
    if not args.guest_tests:
        return [], 0
    covers = coverage.scan_guest_tests(args.guest_tests)
    resolutions = coverage.resolve(covers, specs, coverage.read_record(args.guest_tests))
    print(coverage.stale_report(resolutions), end="")
    unknown = coverage.unknown_covers(resolutions)
    for diagnostic in unknown:
        print(diagnostic, file=sys.stderr)
    return resolutions, len(unknown)


def cmd_tables(args):
    print(f"zxgen tables: reading {len(args.pages)} pages")
    specs, headers, errors, _ = _lint_all(args.pages, args, args.keep_going)
    errors += _duplicate_calls(specs, args.keep_going)
    if errors:
        print(f"zxgen tables: FAILED: {errors} errors in the pages; no table written"
              + ("" if args.keep_going else " (--keep-going skips the clauses they are in)"),
              file=sys.stderr)
        return 1
    if not specs:
        print("zxgen tables: FAILED: no pages given; an empty table would test nothing",
              file=sys.stderr)
        return 1
    rows, outcomes = build_rows(specs, headers)
    resolutions, unknown = _covers(specs, args)
    if unknown:
        print(f"zxgen tables: FAILED: {unknown} ZXC_COVERS ids name no clause", file=sys.stderr)
        return 1
    summary = coverage.summarise(specs, outcomes, resolutions)
    os.makedirs(os.path.dirname(args.out) or ".", exist_ok=True)
    temporary = args.out + ".tmp"
    with open(temporary, "w", encoding="utf-8") as f:
        f.write(emit(specs, rows))
    os.replace(temporary, args.out)
    coverage.write_reports(summary, args.coverage_json, args.coverage_md)
    t = summary["totals"]
    print(f"zxgen tables: {len(specs)} calls, {t['clauses']} clauses, {len(rows)} rows -> "
          f"{args.out}; clauses covered: {t['table']} by table rows, {t['guest']} by guest "
          f"tests, {t['uncovered']} uncovered; {t['stale_covers']} stale covers")
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
    resolutions, unknown = _covers(specs, args)
    summary = coverage.summarise(specs, outcomes, resolutions)
    coverage.write_reports(summary, args.coverage_json, args.coverage_md)
    print(coverage.text_report(summary), end="")
    return 1 if unknown else 0


def cmd_covers(args):
    print(f"zxgen covers: the ZXC_COVERS of {args.guest_tests} against {len(args.pages)} pages")
    specs = []
    for path in args.pages:
        try:
            specs.append(load_spec(path))
        except GenError as error:
            print(error, file=sys.stderr)
            return 1
    resolutions, unknown = _covers(specs, args)
    counts = {}
    for r in resolutions:
        counts[r.state] = counts.get(r.state, 0) + 1
    tally = ", ".join(f"{n} {state}" for state, n in sorted(counts.items())) or "none"
    if args.accept:
        if unknown:
            print("zxgen covers: FAILED: fix the unknown ids first; nothing recorded",
                  file=sys.stderr)
            return 1
        written = coverage.write_record(args.guest_tests, resolutions,
                                        coverage.read_record(args.guest_tests))
        print(f"zxgen covers: recorded {written} cited clauses in "
              f"{coverage.record_path(args.guest_tests)} (covers: {tally})")
        return 0
    bad = len(resolutions) - counts.get("ok", 0)
    verdict = "FAILED" if args.check and bad else "ok"
    print(f"zxgen covers: {verdict}: {len(resolutions)} covers: {tally}")
    return 1 if (args.check and bad) or unknown else 0


def main(argv=None):
    parser = argparse.ArgumentParser(prog="zxgen.py", description=__doc__.split("\n")[0])
    parser.add_argument("--include", default=os.path.join(ROOT, "include"),
                        help="folder holding zircon/*.h (for the ZX_* names)")
    parser.add_argument("--spec-dir", default=_relative(os.path.join(ROOT, "spec")),
                        help="folder searched for SEE ALSO targets")
    commands = parser.add_subparsers(dest="command", required=True)
    for name, handler in (("tables", cmd_tables), ("lint", cmd_lint), ("clauses", cmd_clauses),
                          ("coverage", cmd_coverage), ("covers", cmd_covers)):
        command = commands.add_parser(name)
        command.set_defaults(handler=handler)
        command.add_argument("pages", nargs="*" if name == "tables" else "+", metavar="PAGE")
        if name in ("tables", "coverage", "covers"):
            command.add_argument("--guest-tests", default=_relative(GUEST_TESTS),
                                 help="folder of *.c with ZXC_COVERS(\"id\") lines and the "
                                      f"record of their clauses, {coverage.RECORD_NAME}")
        if name in ("tables", "coverage"):
            command.add_argument("--coverage-json")
            command.add_argument("--coverage-md")
        if name == "tables":
            command.add_argument("--out", required=True)
            command.add_argument("--keep-going", action="store_true",
                                 help="skip the pages and clauses that have errors (listed) "
                                      "and write the rows of the rest")
        if name == "covers":
            mode = command.add_mutually_exclusive_group()
            mode.add_argument("--check", action="store_true",
                              help="fail unless every cover is ok (make check)")
            mode.add_argument("--accept", action="store_true",
                              help="record the current meaning of every cited clause")
    args = parser.parse_args(argv)
    return args.handler(args)


if __name__ == "__main__":
    sys.exit(main())
