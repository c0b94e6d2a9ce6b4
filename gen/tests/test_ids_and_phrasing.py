"""Tests of stable clause ids, stale covers, Fuchsia's phrasing constructions, Rights rows,
both sides of size conditions and --keep-going. Every page text here is written for these tests."""
import os
import re
import shutil

import pytest

from test_zxgen import HEADERS, ROOT, run, seed_path

import catalogue  # noqa: E402
import coverage  # noqa: E402
from clauses import load_spec  # noqa: E402
from tables import build_rows  # noqa: E402

GUEST_TESTS = os.path.join(ROOT, "harness", "guest_tests")
SPEC = os.path.join(ROOT, "spec")
PAGES = sorted(os.path.join("spec", p) for p in os.listdir(SPEC) if p.endswith(".md"))

# A made-up call whose arguments carry the names and types the constructions talk about.
DEMO_PROTOTYPE = ("zx_status_t zx_demo_call(zx_handle_t handle, zx_handle_t port_handle,\n"
                  "    uint32_t kind, zx_vaddr_t addr, size_t size, void* buffer,\n"
                  "    size_t buffer_size, size_t* actual, uint64_t offset, uint32_t options);")


def demo_page(errors, rights="", dialect="name-synopsis"):
    """A page of zx_demo_call in one of the three dialects with the given ERRORS/Rights text."""
    summary, synopsis, case = {"name-synopsis": ("NAME", "SYNOPSIS", str.upper),
                               "summary-declaration": ("SUMMARY", "DECLARATION", str.upper),
                               "sentence-case": ("Summary", "Declaration", str.capitalize)}[dialect]
    rights_section = f"## {case('rights')}\n\n{rights}\n\n" if rights else ""
    return (f"# zx_demo_call\n\n## {summary}\n\nDoes nothing useful.\n\n## {synopsis}\n\n```c\n"
            f"{DEMO_PROTOTYPE}\n```\n\n## {case('description')}\n\nIt is a call for tests. "
            f"*kind* may be **ZX_GUEST_TRAP_BELL** or another kind.\n\n"
            f"{rights_section}## {case('return value')}\n\nIt returns **ZX_OK** on success.\n\n"
            f"## {case('errors')}\n\n{errors}\n\n## {case('see also')}\n\nNothing.\n")


def demo_rows(tmp_path, errors, rights="", dialect="name-synopsis"):
    path = tmp_path / "zx_demo_call.md"
    path.write_text(demo_page(errors, rights, dialect))
    spec = load_spec(str(path))
    rows, outcomes = build_rows([spec], HEADERS)
    return spec, rows, outcomes


def faults(rows, code=None):
    return sorted(r.fault.key for r in rows if r.fault.fault != "NONE"
                  and (code is None or code in r.expected))


# --- Fuchsia's constructions, in our own words -------------------------------------------------

CONSTRUCTIONS = {
    "two handles lack a right": (
        "**ZX_ERR_ACCESS_DENIED** *handle* or *port_handle* do not have the **ZX_RIGHT_READ** "
        "right.",
        [("MISSING_RIGHTS", "handle", "ZX_RIGHT_READ", 0),
         ("MISSING_RIGHTS", "port_handle", "ZX_RIGHT_READ", 0)]),
    "two handles are invalid": (
        "**ZX_ERR_BAD_HANDLE** *handle* or *port_handle* are invalid handles.",
        [("BAD_HANDLE", "handle", "", 0), ("BAD_HANDLE", "port_handle", "", 0)]),
    "two handles are not valid": (
        "**ZX_ERR_BAD_HANDLE** *handle* or *port_handle* are not valid handles.",
        [("BAD_HANDLE", "handle", "", 0), ("BAD_HANDLE", "port_handle", "", 0)]),
    "several rights in one list": (
        "**ZX_ERR_ACCESS_DENIED** *handle* lacks **ZX_RIGHT_READ**, **ZX_RIGHT_WRITE** and "
        "**ZX_RIGHT_MAP** rights.",
        [("MISSING_RIGHTS", "handle", r, 0) for r in
         ("ZX_RIGHT_MAP", "ZX_RIGHT_READ", "ZX_RIGHT_WRITE")]),
    "rights without the word right, and a reason after": (
        "**ZX_ERR_ACCESS_DENIED** *handle* does not have **ZX_RIGHT_WAIT** and may not be "
        "watched.",
        [("MISSING_RIGHTS", "handle", "ZX_RIGHT_WAIT", 0)]),
    "the right named after the word right": (
        "**ZX_ERR_ACCESS_DENIED** *handle* lacks the right **ZX_RIGHT_SIGNAL**.",
        [("MISSING_RIGHTS", "handle", "ZX_RIGHT_SIGNAL", 0)]),
    "a handle not of a kind (type noun first)": (
        "**ZX_ERR_WRONG_TYPE** *handle* is not a port handle.",
        [("WRONG_TYPE", "handle", "", 0)]),
    "a valid handle of another type": (
        "**ZX_ERR_WRONG_TYPE** *handle* is a valid handle, but is not a handle to a timer.",
        [("WRONG_TYPE", "handle", "", 0)]),
    "the handle spelled out": (
        "**ZX_ERR_BAD_HANDLE** the *port_handle* handle is invalid.",
        [("BAD_HANDLE", "port_handle", "", 0)]),
    "kind is not a valid address space": (
        "**ZX_ERR_INVALID_ARGS** *kind* is not a valid address space.",
        [("VALUE", "kind", "", 0xFFFFFFFF)]),
    "kind does not name a known kind": (
        "**ZX_ERR_INVALID_ARGS** *kind* does not name a known kind of state.",
        [("VALUE", "kind", "", 0xFFFFFFFF)]),
    "addr or size do not meet the requirements of kind": (
        "**ZX_ERR_INVALID_ARGS** *addr* or *size* do not meet the requirements of *kind*.",
        [("OFFSET", "addr", "", -1), ("OFFSET", "addr", "", 1), ("OFFSET", "size", "", -1),
         ("OFFSET", "size", "", 1)]),
    "buffer_size does not match the size of kind": (
        "**ZX_ERR_INVALID_ARGS** *buffer_size* does not match the expected size of *kind*.",
        [("OFFSET", "buffer_size", "", -1), ("OFFSET", "buffer_size", "", 1),
         ("VALUE", "buffer_size", "", 0), ("VALUE", "buffer_size", "", 2**64 - 1)]),
    "a list of pointers with an Oxford comma": (
        "**ZX_ERR_INVALID_ARGS** *buffer*, *actual*, or *addr* are invalid pointers.",
        [("NULL_POINTER", "actual", "", 0), ("NULL_POINTER", "buffer", "", 0),
         ("READONLY_POINTER", "actual", "", 0), ("READONLY_POINTER", "buffer", "", 0),
         ("UNMAPPED_POINTER", "actual", "", 0), ("UNMAPPED_POINTER", "buffer", "", 0)]),
    "a pointer that maps to nothing": (
        "**ZX_ERR_NOT_FOUND** *buffer* address does not map to any memory.",
        [("UNMAPPED_POINTER", "buffer", "", 0)]),
    "a sum past the end written with a plus sign": (
        "**ZX_ERR_OUT_OF_RANGE** *offset* + *buffer_size* is greater than the size of the "
        "object.",
        [("VALUE", "offset", "", 2**63), ("VALUE", "offset", "", 2**64 - 1)]),
    "a size that is too large, not emphasised": (
        "**ZX_ERR_OUT_OF_RANGE** The requested size is too large.",
        [("VALUE", "size", "", 2**64 - 1)]),
    "an integer outside the supported range": (
        "**ZX_ERR_OUT_OF_RANGE** *kind* is outside the range this machine supports.",
        [("VALUE", "kind", "", 0xFFFFFFFF)]),
    "options with an invalid value": (
        "**ZX_ERR_INVALID_ARGS** *options* has an invalid value.",
        [("VALUE", "options", "", 0xFFFFFFFF)]),
    "a later sentence only explains": (
        "**ZX_ERR_NO_MEMORY** Failure due to lack of memory. Nothing can be done about it.",
        [("NO_MEMORY", "", "", 0)]),
    "arguments in code font": (
        "**ZX_ERR_BAD_HANDLE** `handle` isn't a valid handle.",
        [("BAD_HANDLE", "handle", "", 0)]),
    "an entry as a list item with a colon": (
        " - **ZX_ERR_ACCESS_DENIED** : *handle* lacks the **ZX_RIGHT_WRITE** right.",
        [("MISSING_RIGHTS", "handle", "ZX_RIGHT_WRITE", 0)]),
    "past tense": (
        "**ZX_ERR_INVALID_ARGS** *buffer* was an invalid pointer.",
        [("NULL_POINTER", "buffer", "", 0), ("READONLY_POINTER", "buffer", "", 0),
         ("UNMAPPED_POINTER", "buffer", "", 0)]),
    "non-null but invalid pointers": (
        "**ZX_ERR_INVALID_ARGS** *actual* is non-null and an invalid pointer.",
        [("READONLY_POINTER", "actual", "", 0), ("UNMAPPED_POINTER", "actual", "", 0)]),
    "the buffer is not large enough (its size argument)": (
        "**ZX_ERR_BUFFER_TOO_SMALL** The *kind* gives a fixed number of records, but the provided "
        "buffer is not large enough for them.",
        [("OFFSET", "buffer_size", "", -1), ("VALUE", "buffer_size", "", 0)]),
    "the buffer length named before the argument": (
        "**ZX_ERR_BUFFER_TOO_SMALL** the buffer length *buffer_size* is too small for *kind*.",
        [("OFFSET", "buffer_size", "", -1), ("VALUE", "buffer_size", "", 0)]),
    "undefined bits set": (
        "**ZX_ERR_INVALID_ARGS** *options* has an undefined bit set.",
        [("VALUE", "options", "", 0xFFFFFFFF)]),
    "less than a number in words": (
        "**ZX_ERR_INVALID_ARGS** *size* is less than four.",
        [("VALUE", "size", "", 0), ("VALUE", "size", "", 3)]),
    "greater than a constant": (
        "**ZX_ERR_OUT_OF_RANGE** *size* is larger than **ZX_INFO_HANDLE_BASIC**.",
        [("VALUE", "size", "", 3), ("VALUE", "size", "", 2**64 - 1)]),
    "an element size that must match": (
        "**ZX_ERR_OUT_OF_RANGE** *buffer_size* is not equal to the element size of the queue.",
        [("OFFSET", "buffer_size", "", -1), ("OFFSET", "buffer_size", "", 1),
         ("VALUE", "buffer_size", "", 0), ("VALUE", "buffer_size", "", 2**64 - 1)]),
    "a kind that is not supported": (
        "**ZX_ERR_NOT_SUPPORTED** *kind* is not supported.",
        [("VALUE", "kind", "", 0xFFFFFFFF)]),
    "a misaligned pointer": (
        "**ZX_ERR_INVALID_ARGS** *buffer* is not aligned.",
        [("OFFSET", "buffer", "", 1)]),
    "a value given with a handle, named by its constant": (
        "**ZX_ERR_INVALID_ARGS** **ZX_GUEST_TRAP_MEM** was specified with a *port_handle*.",
        [("VALUE", "kind", "", 1)]),
    "a value and a handle that is given": (
        "**ZX_ERR_INVALID_ARGS** *kind* is **ZX_GUEST_TRAP_MEM** or **ZX_GUEST_TRAP_IO** and "
        "*port_handle* is not **ZX_HANDLE_INVALID**.",
        [("VALUE", "kind", "", 1), ("VALUE", "kind", "", 2)]),
    "a set of allowed values, both sides": (
        "**ZX_ERR_INVALID_ARGS** *kind* is not **ZX_GUEST_TRAP_MEM** or **ZX_GUEST_TRAP_IO**.",
        [("VALUE", "kind", "", 0), ("VALUE", "kind", "", 3), ("VALUE", "kind", "", 0xFFFFFFFF)]),
}


@pytest.mark.parametrize("name", sorted(CONSTRUCTIONS))
@pytest.mark.parametrize("dialect", ["name-synopsis", "sentence-case"])
def test_construction_gives_its_rows(tmp_path, name, dialect):
    errors, expected = CONSTRUCTIONS[name]
    _, rows, _ = demo_rows(tmp_path, errors, dialect=dialect)
    assert faults(rows) == sorted(expected)


def test_a_pointer_the_page_calls_optional_gets_no_null_row(tmp_path):
    page = tmp_path / "zx_demo_call.md"
    page.write_text(demo_page("**ZX_ERR_INVALID_ARGS** *buffer* or *actual* are invalid "
                              "pointers.").replace("It is a call for tests.",
                                                   "It is a call for tests. *actual* is an "
                                                   "optional pointer to a count."))
    rows, _ = build_rows([load_spec(str(page))], HEADERS)
    nulls = {r.fault.arg for r in rows if r.fault.fault == "NULL_POINTER"}
    assert nulls == {"buffer"}


def test_pages_of_any_call_parse(tmp_path):
    """Types the generator does not know, array and attribute syntax, a TODO for ERRORS."""
    page = tmp_path / "zx_demo_exit.md"
    page.write_text("# zx_demo_exit\n\n## SUMMARY\n\nEnds.\n\n## DECLARATION\n\n```c\n"
                    "[[noreturn]] void zx_demo_exit(zx_widget_t widget, const uint64_t values[],"
                    " int64_t retcode);\n```\n\n## DESCRIPTION\n\nIt ends.\n\n## RETURN VALUE\n\n"
                    "It does not return.\n\n## ERRORS\n\nTODO(someone)\n\n## SEE ALSO\n\nNone.\n")
    spec = load_spec(str(page))
    assert [a.type for a in spec.prototype.args] == ["zx_widget_t", "const uint64_t*", "int64_t"]
    assert not [c for c in spec.clauses if c.section == "ERRORS"]


def test_a_resource_not_of_a_kind_is_one_row_cited_by_errors_and_rights(tmp_path):
    """Both sections ask for the same fault: one row, two citations, and the status the ERRORS
    section states (WRONG_TYPE here) replaces the one a Rights requirement only implies."""
    spec, rows, outcomes = demo_rows(
        tmp_path, "**ZX_ERR_WRONG_TYPE** *handle* was not of the kind **ZX_RSRC_KIND_IOPORT**.",
        rights="*handle* must have resource kind **ZX_RSRC_KIND_IOPORT**.")
    kind_rows = [r for r in rows if r.fault.fault == "RESOURCE_KIND"]
    assert [(r.fault.arg, r.fault.value, r.expected) for r in kind_rows] == \
        [("handle", 2, ["ZX_ERR_WRONG_TYPE"])]
    assert sorted(c.section for c in kind_rows[0].clauses) == ["ERRORS", "REQUIRED_RIGHTS"]
    assert any(c.id.endswith("WRONG_TYPE.handle-not-of-kind") for c in spec.clauses)


def test_a_rights_requirement_alone_implies_access_denied_for_a_wrong_kind(tmp_path):
    _, rows, _ = demo_rows(tmp_path, "**ZX_ERR_BAD_HANDLE** *handle* is not a valid handle.",
                           rights="*handle* must have resource kind **ZX_RSRC_KIND_IRQ**.")
    assert [(r.fault.value, r.expected) for r in rows if r.fault.fault == "RESOURCE_KIND"] == \
        [(1, ["ZX_ERR_ACCESS_DENIED"])]


def test_a_resource_kind_the_headers_do_not_define_says_why_it_has_no_row(tmp_path):
    spec, rows, outcomes = demo_rows(
        tmp_path, "**ZX_ERR_ACCESS_DENIED** *handle* is not of **ZX_RSRC_KIND_SYSTEM**.",
        rights="*handle* must have resource kind **ZX_RSRC_KIND_SYSTEM**.")
    assert faults(rows) == []
    for clause in spec.clauses:
        if clause.section in ("ERRORS", "REQUIRED_RIGHTS"):
            assert "ZX_RSRC_KIND_SYSTEM is not known" in outcomes[clause.id].reason


STATE_CONDITIONS = {
    # condition (ERRORS text after the status) -> meaning tag; none gives a row (a guest test can)
    "**ZX_ERR_BAD_STATE** *handle* is in a bad state, and can not be used.": "bad-state",
    "**ZX_ERR_BAD_STATE** *handle* is not in a valid state for this call.": "bad-state",
    "**ZX_ERR_BAD_STATE** *handle* is not in a state where it can be used.": "bad-state",
    "**ZX_ERR_BAD_STATE** The current thread is not the one that created *handle*.":
        "wrong-thread",
    "**ZX_ERR_BAD_STATE** *handle* was created on another thread.": "wrong-thread",
    "**ZX_ERR_BAD_STATE** *handle* is still running.": "not-paused",
    "**ZX_ERR_BAD_STATE** The execution of *handle* has not been paused.": "not-paused",
    "**ZX_ERR_CANCELED** *handle* execution was canceled while it waited.": "canceled",
    "**ZX_ERR_CANCELED** execution of *handle* was canceled by another call.": "canceled",
    "**ZX_ERR_INTERNAL** There was an error executing *handle*.": "internal-error",
    "**ZX_ERR_ALREADY_EXISTS** A trap with the same *kind* and *addr* already exists.":
        "already-exists-same",
    "**ZX_ERR_ALREADY_EXISTS** A trap for *kind* already exists that overlaps *addr* and *size*.":
        "already-exists-overlapping",
}


@pytest.mark.parametrize("condition", sorted(STATE_CONDITIONS))
def test_state_conditions_are_understood_and_need_a_guest_test(tmp_path, condition):
    spec, rows, outcomes = demo_rows(tmp_path, condition, dialect="sentence-case")
    (clause,) = [c for c in spec.clauses if c.section == "ERRORS"]
    assert catalogue.understand(clause, spec.prototype).tag == STATE_CONDITIONS[condition]
    assert faults(rows) == [] and outcomes[clause.id].reason


def _resume_page_with(spec_dir, extra_errors):
    page = spec_dir / "zx_vcpu_resume.md"
    page.write_text(page.read_text().replace("## ERRORS\n", "## ERRORS\n\n" + extra_errors, 1))


def _credited(tmp_path, spec_dir, tests):
    pages = sorted(str(p) for p in spec_dir.glob("*.md"))
    status, out = run("--spec-dir", str(spec_dir), "coverage", "--coverage-json",
                      str(tmp_path / "c.json"), "--guest-tests", str(tests), *pages)
    assert status == 0, out
    return coverage.json.load(open(tmp_path / "c.json"))["guest_tests"], out


def test_a_specific_state_test_covers_the_generic_condition_of_its_call_and_status(tmp_path):
    spec_dir, tests = copy_project(tmp_path)
    # threads.c checks BAD_STATE from zx_vcpu_resume on a thread that did not create *vcpu*.
    _resume_page_with(spec_dir, "**ZX_ERR_BAD_STATE** *vcpu* is in a bad state.\n\n"
                                "**ZX_ERR_INTERNAL** *vcpu* is in a bad state.\n\n"
                                "**ZX_ERR_BAD_STATE** *packet* is in a bad state.\n\n")
    credited, _ = _credited(tmp_path, spec_dir, tests)
    assert "zx_vcpu_resume.ERRORS.BAD_STATE.vcpu-wrong-thread" in credited
    assert "zx_vcpu_resume.ERRORS.BAD_STATE.vcpu-bad-state" in credited
    # Another status, another argument, another call: not what the test checks.
    assert "zx_vcpu_resume.ERRORS.INTERNAL.vcpu-bad-state" not in credited
    assert "zx_vcpu_resume.ERRORS.BAD_STATE.packet-bad-state" not in credited
    assert "zx_vcpu_interrupt.ERRORS.BAD_STATE.vcpu-bad-state" not in credited
    # The generic condition does not make the specific one hold: a test of "in a bad state"
    # alone would not cover "the calling thread is not ...".
    assert not clause_ids_is_instance("bad-state", "wrong-thread")


def clause_ids_is_instance(specific_tag, generic_tag):
    from clause_ids import is_instance
    return is_instance(f"ERRORS|ZX_ERR_BAD_STATE|{specific_tag}|@0|",
                       f"ERRORS|ZX_ERR_BAD_STATE|{generic_tag}|@0|")


def test_a_generic_state_credits_nothing_without_a_test_of_that_status(tmp_path):
    spec_dir, tests = copy_project(tmp_path)
    page = spec_dir / "zx_vcpu_interrupt.md"
    page.write_text(page.read_text().replace("## ERRORS\n", "## ERRORS\n\n**ZX_ERR_BAD_STATE** "
                                             "*vcpu* is in a bad state.\n", 1))
    credited, out = _credited(tmp_path, spec_dir, tests)
    assert "zx_vcpu_interrupt.ERRORS.BAD_STATE.vcpu-bad-state" not in credited
    assert "zx_vcpu_interrupt.ERRORS.BAD_STATE.vcpu-bad-state: depends on the object's state" in out


def test_a_cover_whose_words_get_a_new_meaning_and_id_is_reread_not_stale(tmp_path):
    """A catalogue rule added later gives a cited sentence a meaning, so a new id: the cover is
    credited ("reread": same words) and the report names the id to cite."""
    spec_dir, tests = copy_project(tmp_path)
    record = tests / "cited_clauses.txt"
    old_id, new_id = ("zx_vcpu_resume.ERRORS.BAD_STATE.calling-thread-not-thread",
                      "zx_vcpu_resume.ERRORS.BAD_STATE.vcpu-wrong-thread")
    record.write_text(record.read_text().replace(
        new_id + "\tERRORS|ZX_ERR_BAD_STATE|wrong-thread|@0|",
        old_id + "\tERRORS|ZX_ERR_BAD_STATE|@0 call creat not thread"))
    threads = tests / "threads.c"
    threads.write_text(threads.read_text().replace(new_id, old_id))
    pages = sorted(str(p) for p in spec_dir.glob("*.md"))
    status, out = run("--spec-dir", str(spec_dir), "covers", "--guest-tests", str(tests), *pages)
    assert status == 0 and "STALE" not in out, out
    assert f"cites {old_id}: same words, read with another meaning by this generator; cite " \
           f"{new_id}" in out
    # The same words under another status are another condition: stale, not reread.
    page = spec_dir / "zx_vcpu_resume.md"
    page.write_text(page.read_text().replace("**ZX_ERR_BAD_STATE** The calling thread",
                                             "**ZX_ERR_ACCESS_DENIED** The calling thread"))
    status, out = run("--spec-dir", str(spec_dir), "covers", "--guest-tests", str(tests), *pages)
    assert "STALE COVERS" in out and f"cites {old_id} (gone)" in out, out


# --- Rights sections ---------------------------------------------------------------------------

def test_rights_section_merges_with_errors_into_one_row_per_fault(tmp_path):
    spec, rows, outcomes = demo_rows(
        tmp_path,
        "**ZX_ERR_WRONG_TYPE** *handle* is not a port handle.\n\n"
        "**ZX_ERR_ACCESS_DENIED** *handle* does not have **ZX_RIGHT_WRITE**.",
        rights="*handle* must be of type **ZX_OBJ_TYPE_PORT** and have **ZX_RIGHT_WRITE** and "
               "have **ZX_RIGHT_READ**.\n\n*port_handle* must be of type **ZX_OBJ_TYPE_PORT** or "
               "**ZX_OBJ_TYPE_EVENT**.", dialect="summary-declaration")
    names = [r.test_name for r in rows]
    assert len(names) == len(set(names)), "two identical rows"
    by_key = {r.fault.key: r for r in rows}
    write = by_key[("MISSING_RIGHTS", "handle", "ZX_RIGHT_WRITE", 0)]
    assert {c.section for c in write.clauses} == {"REQUIRED_RIGHTS", "ERRORS"}
    assert write.expected == ["ZX_ERR_ACCESS_DENIED"]
    assert {c.section for c in by_key[("WRONG_TYPE", "handle", "", 0)].clauses} == \
        {"REQUIRED_RIGHTS", "ERRORS"}
    assert by_key[("MISSING_RIGHTS", "handle", "ZX_RIGHT_READ", 0)].expected == \
        ["ZX_ERR_ACCESS_DENIED"]
    assert by_key[("WRONG_TYPE", "port_handle", "", 0)].expected == ["ZX_ERR_WRONG_TYPE"]
    ids = {c.id for c in spec.clauses if c.section == "REQUIRED_RIGHTS"}
    assert ids == {"zx_demo_call.REQUIRED_RIGHTS.handle", "zx_demo_call.REQUIRED_RIGHTS.port_handle"}


def test_a_job_policy_requirement_says_why_it_has_no_row(tmp_path):
    spec, rows, outcomes = demo_rows(tmp_path, "**ZX_ERR_BAD_HANDLE** *handle* is an invalid "
                                     "handle.", rights="Caller job policy must allow "
                                     "**ZX_POL_NEW_EVENT**.", dialect="sentence-case")
    (clause,) = [c for c in spec.clauses if c.section == "REQUIRED_RIGHTS"]
    assert "has no jobs" in outcomes[clause.id].reason
    assert faults(rows) == [("BAD_HANDLE", "handle", "", 0)]


@pytest.mark.parametrize("text", ["None.", "TODO(someone): write this."])
def test_rights_placeholders_are_not_clauses(tmp_path, text):
    spec, _, _ = demo_rows(tmp_path, "**ZX_ERR_BAD_HANDLE** *handle* is an invalid handle.",
                           rights=text)
    assert not [c for c in spec.clauses if c.section == "REQUIRED_RIGHTS"]


# --- both sides of size conditions (issue 14) -------------------------------------------------

@pytest.mark.parametrize("page,arg", [("spec/zx_vcpu_read_state.md", "len"),
                                      ("spec/zx_vcpu_write_state.md", "len")])
def test_a_size_that_must_match_is_tried_below_and_above(page, arg):
    rows, _ = build_rows([load_spec(page)], HEADERS)
    tried = {(r.fault.fault, r.fault.value) for r in rows if r.fault.arg == arg}
    assert {("OFFSET", -1), ("OFFSET", 1), ("VALUE", 0), ("VALUE", 2**64 - 1)} <= tried


# Conditions with one wrong side only: "is zero", "x plus y overflows" (only the type's top
# wraps), "not a subset of the rights" (a value with rights no handle has), "too large" and "not
# a valid ..." (the type's maximum: the one value sure to be wrong for any object or kind).
ONE_SIDED_BY_NATURE = {"zero", "beyond-end", "not-subset", "too-large", "invalid-value"}


def test_every_bound_or_size_rule_tries_both_sides():
    """A rule that turns an equality, a size or a bound into rows tries more than one value."""
    specs = [load_spec(p) for p in PAGES]
    rows, _ = build_rows(specs, HEADERS)
    protos = {s.call: s.prototype for s in specs}
    by_clause, clauses = {}, {}
    for row in rows:
        for clause in row.clauses:
            if row.fault.fault in ("VALUE", "OFFSET"):
                clauses[clause.id] = clause
                by_clause.setdefault(clause.id, set()).add((row.fault.fault, row.fault.value))
    single = [(i, v) for i, v in by_clause.items() if len(v) == 1 and catalogue.understand(
        clauses[i], protos[clauses[i].call]).tag not in ONE_SIDED_BY_NATURE]
    assert not single, single


# --- stable ids --------------------------------------------------------------------------------

def _sections(text):
    parts = re.split(r"(?m)^(?=## )", text)
    return parts[0], parts[1:]


def _paragraphs(section):
    head, _, body = section.partition("\n")
    return head, [p for p in body.split("\n\n") if p.strip()]


def _join(head, paragraphs):
    return head + "\n\n" + "\n\n".join(paragraphs) + "\n\n"


def edit_page(text, how):
    """Inserts, deletes or reorders sentences other than the ERRORS conditions kept."""
    top, sections = _sections(text)
    out = []
    for section in sections:
        head, paragraphs = _paragraphs(section)
        name = head.strip("# ").lower()
        if name == "description" and how == "insert":
            paragraphs.insert(0, "This sentence was added by a test and means nothing new.")
        elif name == "description" and how == "delete":
            plain = [p for p in paragraphs if not p.startswith("**ZX_RIGHT")
                     and "default" not in p]
            paragraphs.remove(plain[-1])
        elif name == "errors" and how == "reorder":
            paragraphs.reverse()
        elif name == "description" and how == "reorder":
            movable = [p for p in paragraphs if not p.startswith("**ZX_RIGHT") and
                       "default" not in p]
            if len(movable) > 1:
                i, j = paragraphs.index(movable[0]), paragraphs.index(movable[-1])
                paragraphs[i], paragraphs[j] = paragraphs[j], paragraphs[i]
        out.append(_join(head, paragraphs))
    return top + "".join(out)


def covered(specs):
    """{(page, clause text): (id, how it is covered)} with the project's guest tests."""
    rows, outcomes = build_rows(specs, HEADERS)
    resolutions = coverage.resolve(coverage.scan_guest_tests(GUEST_TESTS), specs,
                                   coverage.read_record(GUEST_TESTS))
    guest = {r.clause.id for r in resolutions if r.credited}
    return {(c.call, c.text): (c.id, "table" if outcomes[c.id].rows else
                               "guest" if c.id in guest else "none")
            for s in specs for c in s.clauses}


@pytest.mark.parametrize("how", ["insert", "delete", "reorder"])
@pytest.mark.parametrize("page", PAGES)
def test_editing_other_sentences_moves_no_id_and_no_credit(tmp_path, page, how):
    specs = [load_spec(p) for p in PAGES]
    before = covered(specs)
    edited = tmp_path / os.path.basename(page)
    edited.write_text(edit_page(open(page, encoding="utf-8").read(), how))
    after = covered([s for s in specs if s.page.path != page] + [load_spec(str(edited))])
    kept = {k: v for k, v in before.items() if k in after}
    assert kept and all(after[k] == v for k, v in kept.items()), \
        [(k, v, after[k]) for k, v in kept.items() if after[k] != v]
    # A deleted paragraph takes its own sentences (a few at most) and nothing else.
    assert len(kept) >= len(before) - 3


def test_an_anchor_pins_the_id(tmp_path):
    spec, _, _ = demo_rows(tmp_path, "**ZX_ERR_INTERNAL** <!-- clause: mystery --> Something "
                                     "went wrong inside.")
    assert "zx_demo_call.ERRORS.INTERNAL.mystery" in {c.id for c in spec.clauses}


def test_an_anchor_starting_a_line_is_a_lint_error(tmp_path):
    page = tmp_path / "zx_demo_call.md"
    page.write_text(demo_page("**ZX_ERR_INTERNAL** Something went\n<!-- clause: mystery --> "
                              "wrong inside."))
    status, out = run("lint", str(page))
    assert status == 1 and "clause anchor at the start of a line" in out, out


# --- stale covers ------------------------------------------------------------------------------

def copy_project(tmp_path):
    """spec/ and the guest tests (with their record) in tmp_path, to edit freely."""
    shutil.copytree(SPEC, tmp_path / "spec")
    shutil.copytree(GUEST_TESTS, tmp_path / "guest_tests")
    return tmp_path / "spec", tmp_path / "guest_tests"


def test_our_covers_are_all_recorded_and_current():
    status, out = run("covers", "--check", "--guest-tests", GUEST_TESTS, *PAGES)
    assert status == 0, out


def test_a_reworded_sentence_gives_a_stale_report_and_no_credit(tmp_path):
    spec_dir, tests = copy_project(tmp_path)
    page = spec_dir / "zx_vcpu_read_state.md"
    old = "The state can only be read from the thread that created *vcpu*, while the VCPU is\nnot running."
    new = "The state can only be read from the thread that created *vcpu*, while the VCPU is\nrunning."
    text = page.read_text()
    assert old in text
    page.write_text(text.replace(old, new))
    pages = sorted(str(p) for p in spec_dir.glob("*.md"))
    status, out = run("--spec-dir", str(spec_dir), "tables", "--out", str(tmp_path / "t.c"),
                      "--guest-tests", str(tests), *pages)
    assert status == 0, out  # the suite is still generated
    assert "STALE COVERS" in out
    assert "written against: The state can only be read from the thread that created *vcpu*, " \
           "while the VCPU is not running" in out
    assert "now:             The state can only be read from the thread that created *vcpu*, " \
           "while the VCPU is running" in out
    assert re.search(r"threads\.c:\d+: \w+ cites zx_vcpu_read_state\.DESCRIPTION\.", out), out
    status, out = run("--spec-dir", str(spec_dir), "covers", "--check", "--guest-tests",
                      str(tests), *pages)
    assert status == 1 and "FAILED" in out
    status, out = run("--spec-dir", str(spec_dir), "covers", "--accept", "--guest-tests",
                      str(tests), *pages)
    assert status == 0
    status, out = run("--spec-dir", str(spec_dir), "covers", "--check", "--guest-tests",
                      str(tests), *pages)
    assert status == 0, out


def test_a_page_of_another_dialect_gives_stale_covers_not_wrong_credit(tmp_path):
    spec_dir, tests = copy_project(tmp_path)
    # zx_vcpu_read_state in the later dialect, arguments renamed, the same C signature: written
    # for this test. Its paused-state sentence is not the owner-thread rule our tests check.
    (spec_dir / "zx_vcpu_read_state.md").write_text(
        "# zx_vcpu_read_state\n\n## SUMMARY\n\nRead a VCPU's state.\n\n## DECLARATION\n\n```c\n"
        "#include <zircon/syscalls.h>\n\nzx_status_t zx_vcpu_read_state(zx_handle_t handle,"
        " uint32_t kind,\n    void* buffer, size_t buffer_size);\n```\n\n## DESCRIPTION\n\n"
        "`zx_vcpu_read_state()` copies what *kind* names of *handle* into *buffer*. Reading is "
        "allowed only while the VCPU is stopped.\n\n## RIGHTS\n\n*handle* must be of type "
        "**ZX_OBJ_TYPE_VCPU** and have **ZX_RIGHT_READ**.\n\n## RETURN VALUE\n\nIt returns "
        "**ZX_OK** on success.\n\n## ERRORS\n\n**ZX_ERR_ACCESS_DENIED** *handle* lacks "
        "**ZX_RIGHT_READ**.\n\n**ZX_ERR_BAD_HANDLE** *handle* isn't a valid handle.\n\n"
        "**ZX_ERR_BAD_STATE** *handle* is in the wrong state to be read.\n\n"
        "**ZX_ERR_INVALID_ARGS** *kind* does not name a known state, *buffer* is an invalid "
        "pointer, or *buffer_size* does not match the expected size of *kind*.\n\n"
        "**ZX_ERR_WRONG_TYPE** *handle* is not a VCPU handle.\n\n## SEE ALSO\n\n"
        " - [`zx_vcpu_create()`]\n\n[`zx_vcpu_create()`]: vcpu_create.md\n")
    pages = sorted(str(p) for p in spec_dir.glob("*.md"))
    status, out = run("--spec-dir", str(spec_dir), "tables", "--out", str(tmp_path / "t.c"),
                      "--coverage-json", str(tmp_path / "c.json"), "--guest-tests", str(tests),
                      *pages)
    assert status == 0, out
    assert "STALE COVERS" in out and "zx_vcpu_read_state.DESCRIPTION" in out
    report = coverage.json.load(open(tmp_path / "c.json"))
    credited = [k for k in report["guest_tests"] if k.startswith("zx_vcpu_read_state.")]
    # No clause of the new page is credited to a test written for another sentence; the
    # owner-thread test does check one instance of "is in the wrong state" (same status, same
    # handle), so it is credited there, and says so.
    spec = load_spec(str(spec_dir / "zx_vcpu_read_state.md"))
    texts = {c.id: c.text for c in spec.clauses}
    assert all("stopped" not in texts.get(k, "") for k in credited), credited
    assert "zx_vcpu_read_state.ERRORS.BAD_STATE.handle-bad-state" in credited
    assert re.search(r"threads\.c:\d+: \w+ cites zx_vcpu_read_state\.ERRORS\.BAD_STATE\."
                     r"vcpu-wrong-thread: gone, but the page states its condition generically at "
                     r"zx_vcpu_read_state\.ERRORS\.BAD_STATE\.handle-bad-state", out), out
    rows = open(tmp_path / "t.c").read()
    assert "zx_vcpu_read_state__buffer_size__offset_plus1" in rows


# --- pages with defects ------------------------------------------------------------------------

def test_the_seed_with_keep_going_yields_its_tests_without_the_defective_clauses(tmp_path):
    out_c = tmp_path / "t.c"
    status, out = run("tables", "--keep-going", "--out", str(out_c), "--guest-tests",
                      str(tmp_path), seed_path())
    assert status == 0, out
    skipped = [line for line in out.splitlines() if line.startswith("zxgen: skipped clause")]
    assert len(skipped) == 2 and "*apic_vmo*" in skipped[0] and "*args*" in skipped[1], out
    table = out_c.read_text()
    assert "apic_vmo" not in table.split("zxc_rows[]")[1] and "*args*" not in table
    for name in ("zx_vcpu_create__guest__bad_handle", "zx_vcpu_create__guest__missing_rights_write",
                 "zx_vcpu_create__options__value_0x1", "zx_vcpu_create__out__default_rights_execute"):
        assert f'"{name}"' in table


def test_lint_takes_any_pages(tmp_path):
    page = tmp_path / "zx_demo_call.md"
    page.write_text(demo_page("**ZX_ERR_BAD_HANDLE** *handle* is an invalid handle."))
    status, out = run("lint", str(page), seed_path())
    assert status == 1 and "zxgen lint: FAILED: 2 pages" in out


def test_catalogue_meaning_needs_no_headers():
    spec = load_spec("spec/zx_guest_set_trap.md")
    tags = {catalogue.understand(c, spec.prototype).tag for c in spec.clauses
            if c.section == "ERRORS" and catalogue.understand(c, spec.prototype)}
    assert {"invalid-handle", "lacks", "wrong-type", "zero", "not-one-of"} <= tags
