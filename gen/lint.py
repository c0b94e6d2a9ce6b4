"""Checks of a man page against its own prototype, the headers and the other pages."""
import os

from clauses import load_spec
from diagnostics import Diagnostic, GenError
from parse_page import DIALECTS

REQUIRED_SECTIONS = ["SUMMARY", "SYNOPSIS", "DESCRIPTION", "RETURN_VALUE", "ERRORS", "SEE_ALSO"]
# A clause of these sections is tested through its arguments: naming a missing one is an error.
TESTED_SECTIONS = {"ERRORS", "RIGHTS", "REQUIRED_RIGHTS"}


def _heading_for(dialect, name):
    sentence_case = dialect == "sentence-case"
    summary, synopsis = DIALECTS[dialect]
    text = {"SUMMARY": summary, "SYNOPSIS": synopsis}.get(name, name.replace("_", " "))
    return text.capitalize() if sentence_case else text.upper()


def _sections(spec, report):
    page = spec.page
    seen = {}
    for section in page.sections:
        if section.name in seen:
            report(section.line, "error", f"duplicated section '{section.heading}' "
                                          f"(first at line {seen[section.name]})")
        seen.setdefault(section.name, section.line)
        expected = _heading_for(page.dialect, section.name)
        if section.name in REQUIRED_SECTIONS + ["RIGHTS"] and section.heading != expected:
            report(section.line, "warning", f"heading '{section.heading}' is not in the page's "
                                            f"dialect ({page.dialect}): expected '{expected}'")
    for name in REQUIRED_SECTIONS:
        if name not in seen:
            report(page.title_line, "error",
                   f"missing section '{_heading_for(page.dialect, name)}'")


def _arguments(spec, report):
    proto = spec.prototype
    reported = set()
    for clause in spec.clauses:
        for word in clause.words:
            if word.kind != "arg" or proto.arg(word.name) or (word.line, word.name) in reported:
                continue
            reported.add((word.line, word.name))
            severity = "error" if clause.section in TESTED_SECTIONS else "warning"
            report(word.line, severity, f"*{word.name}* is not an argument of {proto.name} "
                                        f"({', '.join(a.name for a in proto.args)}) "
                                        f"[{clause.id}]", clause.id)


def _constants(spec, headers, report):
    clause_of = {(w.line, w.name): c.id for c in spec.clauses for w in c.words}
    for section in spec.page.sections:
        for block in section.blocks:
            for word in block.words if block.kind == "para" else []:
                if word.kind != "const" or headers.known(word.name) or word.name == "ZX_OK":
                    continue
                tested = word.name.startswith(("ZX_ERR_", "ZX_RIGHT_"))
                report(word.line, "error" if tested else "warning",
                       f"unknown constant {word.name} (not defined in {headers.include_dir}/zircon)",
                       clause_of.get((word.line, word.name), ""))


def _entries(spec, report):
    for entry in spec.entries:
        if not entry.words:
            report(entry.line, "error", f"ERRORS entry {entry.status} has no condition")
    if any(c.section == "RIGHTS" and not c.handle_arg for c in spec.clauses):
        report(spec.rights_intro_line, "error",
               "default rights listed, but the lead-in names no handle output argument")


def resolve_see_also(target, page_path, spec_dir):
    """A SEE ALSO href -> the page it names, or None. 'guest_create.md' also finds
    zx_guest_create.md; the page's own folder is searched, then spec/."""
    if "://" in target:
        return target
    name = os.path.basename(target.split("#")[0])
    if not name:
        return None
    if not name.endswith(".md"):
        name += ".md"
    for folder in (os.path.dirname(page_path) or ".", spec_dir):
        for candidate in (name, "zx_" + name):
            path = os.path.join(folder, candidate)
            if os.path.isfile(path):
                return path
    return None


def _see_also(spec, spec_dir, report):
    for target, line in spec.see_also:
        if resolve_see_also(target, spec.page.path, spec_dir) is None:
            # A warning: a link to a call spec/ does not hold (a later page names zx_vcpu_kick)
            # must not stop the suite of the calls it does hold.
            report(line, "warning", f"SEE ALSO target '{target}' has no page (looked in "
                                  f"{os.path.dirname(spec.page.path) or '.'} and {spec_dir})")


def lint_spec(spec, headers, spec_dir):
    found = []

    def report(line, severity, message, clause_id=""):
        found.append(Diagnostic(spec.page.path, line, severity, message, clause_id))

    if spec.page.title != spec.prototype.name:
        report(spec.page.title_line, "error", f"title '{spec.page.title}' differs from the "
                                              f"SYNOPSIS function {spec.prototype.name}")
    _sections(spec, report)
    _arguments(spec, report)
    _constants(spec, headers, report)
    _entries(spec, report)
    _see_also(spec, spec_dir, report)
    for line in spec.page.stray_anchors:
        report(line, "error", "a clause anchor at the start of a line ends the paragraph there "
                              "(markdown): write it at the end of the line before")
    return sorted(found, key=lambda d: (d.line, d.severity, d.message))


def lint_path(path, headers, spec_dir):
    """-> (spec or None, diagnostics); a malformed page gives its one error and no spec."""
    try:
        spec = load_spec(path)
    except GenError as error:
        return None, [error.diagnostic]
    except (OSError, UnicodeDecodeError) as error:
        return None, [Diagnostic(path, 0, "error", f"cannot read: {error}")]
    return spec, lint_spec(spec, headers, spec_dir)
