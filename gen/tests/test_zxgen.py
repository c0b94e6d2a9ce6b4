"""Tests of gen/: goldens, malformed input, dialects, the seed, determinism, ZXC_COVERS.

Goldens live in gen/tests/golden/; ZXGEN_UPDATE_GOLDEN=1 rewrites them (review the diff)."""
import contextlib
import io
import os
import subprocess
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "gen"))

import catalogue  # noqa: E402
import zxgen  # noqa: E402
from clauses import load_spec  # noqa: E402
from diagnostics import GenError  # noqa: E402
from headers import Headers  # noqa: E402
from tables import build_rows  # noqa: E402

SEED_NAME = os.path.join("shared", "seeds", "000_cb9f467ab03291e8.txt")


def _find_seed():
    """The seed page as the user gave it: $ZXC_SEED, else shared/seeds/ in the nearest folder
    above the checkout that has it (a worktree may sit deeper than the main checkout)."""
    if os.environ.get("ZXC_SEED"):
        return os.environ["ZXC_SEED"]
    folder = os.path.dirname(ROOT)
    while True:
        if os.path.exists(os.path.join(folder, SEED_NAME)):
            return os.path.join(folder, SEED_NAME)
        if os.path.dirname(folder) == folder:
            return os.path.join(os.path.dirname(ROOT), SEED_NAME)  # named when reported missing
        folder = os.path.dirname(folder)


SEED = _find_seed()
INPUTS = os.path.join(HERE, "inputs")
GOLDEN = os.path.join(HERE, "golden")
HEADERS = Headers(os.path.join(ROOT, "include"))
DIALECT_PAGES = [os.path.join(INPUTS, n) for n in ("summary_declaration.md", "sentence_case.md")]


@pytest.fixture(autouse=True)
def at_root(monkeypatch):
    monkeypatch.chdir(ROOT)


def run(*argv):
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        status = zxgen.main(list(argv))
    return status, out.getvalue()


def check_golden(name, text):
    path = os.path.join(GOLDEN, name)
    if os.environ.get("ZXGEN_UPDATE_GOLDEN"):
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
    with open(path, encoding="utf-8") as f:
        assert text == f.read(), f"output differs from golden {path}"


def seed_path():
    if not os.path.exists(SEED):
        pytest.fail(f"the seed page {SEED} is missing")
    return SEED


# --- goldens ----------------------------------------------------------------------------------

def test_golden_seed_clauses():
    status, out = run("clauses", seed_path())
    assert status == 0
    # The golden file names the seed as SEED: where the checkout sits is not part of the output.
    check_golden("seed_clauses.txt", out.replace(seed_path(), "SEED"))


def test_golden_tables_of_the_dialect_pages(tmp_path):
    out_c = tmp_path / "tables.c"
    status, out = run("tables", "--out", str(out_c), "--guest-tests", str(tmp_path),
                      *[os.path.relpath(p) for p in DIALECT_PAGES])
    assert status == 0, out
    check_golden("dialects_tables.c", out_c.read_text())


def test_golden_tables_of_our_vcpu_create(tmp_path):
    out_c = tmp_path / "tables.c"
    status, out = run("tables", "--out", str(out_c), "--guest-tests", str(tmp_path),
                      "spec/zx_vcpu_create.md")
    assert status == 0, out
    check_golden("zx_vcpu_create_tables.c", out_c.read_text())


# --- the seed ---------------------------------------------------------------------------------

def test_seed_lint_reports_exactly_its_real_defects():
    status, out = run("lint", seed_path())
    assert status == 1
    found = [line.split(": ", 2)[:2] + [line] for line in out.splitlines()
             if ": error: " in line or ": warning: " in line]
    summary = sorted((where.rsplit(":", 1)[1], severity, line.split("*")[1])
                     for where, severity, line in found)
    assert summary == [("19", "warning", "vcpu"), ("35", "error", "apic_vmo"),
                       ("37", "error", "args")], out


def meaning(spec):
    """Each clause as what it means: faults for ERRORS, right for RIGHTS, topic for prose."""
    rows, outcomes = build_rows([spec], HEADERS)
    by_clause = {}
    for row in rows:
        for clause in row.clauses:
            by_clause.setdefault(clause.id, set()).add(row.fault.key)
    model = []
    for clause in spec.clauses:
        if clause.section == "ERRORS":
            model.append(("ERRORS", clause.status, frozenset(by_clause.get(clause.id, ()))))
        elif clause.section == "RIGHTS":
            model.append(("RIGHTS", clause.right, clause.handle_arg))
        else:
            topic = catalogue.topic_of(clause)
            model.append((clause.section, topic.name if topic else clause.canon))
    return model


def test_seed_model_matches_ours_clause_for_clause_apart_from_lint_defects():
    seed = load_spec(seed_path())
    ours = load_spec("spec/zx_vcpu_create.md")
    defects = {"apic_vmo", "args"}  # the lint errors of the seed
    seed_clauses = [c for c in seed.clauses
                    if not any(w.kind == "arg" and w.name in defects for w in c.words)]
    seed.clauses = seed_clauses
    assert meaning(seed) == meaning(ours)
    assert seed.prototype.c_signature() == ours.prototype.c_signature()


def test_seed_splits_or_joined_conditions_in_order():
    spec = load_spec(seed_path())
    errors = [(c.id, c.status, c.text) for c in spec.clauses if c.section == "ERRORS"]
    assert errors[3] == ("zx_vcpu_create.ERRORS.INVALID_ARGS.args-contains-invalid-argument",
                         "ZX_ERR_INVALID_ARGS", "*args* contains an invalid argument")
    assert errors[5][2] == "*options* is nonzero"
    assert len(errors) == 8


# --- dialects ---------------------------------------------------------------------------------

@pytest.mark.parametrize("path,dialect", [
    (SEED, "name-synopsis"),
    (os.path.join(INPUTS, "summary_declaration.md"), "summary-declaration"),
    (os.path.join(INPUTS, "sentence_case.md"), "sentence-case"),
])
def test_three_dialects_are_recognised(path, dialect):
    spec = load_spec(path)
    assert spec.page.dialect == dialect
    sections = {c.section for c in spec.clauses}
    assert {"ERRORS", "RETURN_VALUE", "DESCRIPTION"} <= sections


def test_later_dialect_rights_section_gives_type_and_rights_rows():
    spec = load_spec(os.path.join(INPUTS, "summary_declaration.md"))
    rows, _ = build_rows([spec], HEADERS)
    by_name = {r.test_name: r for r in rows}
    row = by_name["zx_vcpu_interrupt__vcpu__missing_rights_signal"]
    assert row.expected == ["ZX_ERR_ACCESS_DENIED"]
    assert {c.section for c in row.clauses} == {"REQUIRED_RIGHTS", "ERRORS"}


# --- malformed input --------------------------------------------------------------------------

MALFORMED = {
    "no_synopsis": ("# zx_a\n\n## NAME\n\na - b\n\n## DESCRIPTION\n\nText.\n",
                    "1: error: no SYNOPSIS"),
    "bad_prototype": ("# zx_a\n\n## NAME\n\na\n\n## SYNOPSIS\n\n```\n"
                      "zx_status_t zx_a(zx_handle_t h, widget w);\n```\n",
                      "10: error: SYNOPSIS prototype does not parse"),
    "entry_without_code": ("# zx_a\n\n## NAME\n\na\n\n## SYNOPSIS\n\n```\n"
                           "zx_status_t zx_a(zx_handle_t h);\n```\n\n## ERRORS\n\n"
                           "*h* is an invalid handle.\n",
                           "15: error: ERRORS entry with no code"),
    "not_a_man_page": ("Just some notes.\n\nNothing here.\n", "1: error: not a man page"),
    "two_functions": ("# zx_a\n\n## SYNOPSIS\n\n```\nzx_status_t zx_a(void);\n"
                      "zx_status_t zx_b(void);\n```\n", "error: SYNOPSIS must declare exactly one"),
}


@pytest.mark.parametrize("name", sorted(MALFORMED))
def test_malformed_input_stops_with_file_and_line(tmp_path, name):
    text, expected = MALFORMED[name]
    page = tmp_path / f"{name}.md"
    page.write_text(text)
    out_c = tmp_path / "tables.c"
    status, out = run("tables", "--out", str(out_c), "--guest-tests", str(tmp_path), str(page))
    assert status == 1
    assert f"{page}:" in out and expected in out, out
    assert not out_c.exists(), "no table may be written from a malformed page"
    with pytest.raises(GenError):
        load_spec(str(page))


def test_entry_without_condition_and_unknown_names_are_lint_errors(tmp_path):
    page = tmp_path / "zx_a.md"
    page.write_text("# zx_a\n\n## NAME\n\na\n\n## SYNOPSIS\n\n```\n"
                    "zx_status_t zx_a(zx_handle_t h);\n```\n\n## DESCRIPTION\n\nText.\n\n"
                    "## RETURN VALUE\n\nReturns **ZX_OK** on success.\n\n## ERRORS\n\n"
                    "**ZX_ERR_BAD_HANDLE**\n\n**ZX_ERR_NO_SUCH_THING** *h* lacks the "
                    "**ZX_RIGHT_FLY** right.\n\n## ERRORS\n\n**ZX_ERR_BAD_HANDLE** *h* is "
                    "an invalid handle.\n\n## SEE ALSO\n\n[nowhere](nowhere.md)\n")
    status, out = run("lint", str(page))
    assert status == 1
    for message in ("23: error: ERRORS entry ZX_ERR_BAD_HANDLE has no condition",
                    "25: error: unknown constant ZX_ERR_NO_SUCH_THING",
                    "25: error: unknown constant ZX_RIGHT_FLY",
                    "27: error: duplicated section 'ERRORS'",
                    "33: warning: SEE ALSO target 'nowhere.md' has no page"):
        assert message in out, out


def test_no_pages_is_an_error_not_an_empty_table(tmp_path):
    status, out = run("tables", "--out", str(tmp_path / "t.c"), "--guest-tests", str(tmp_path))
    assert status == 1 and "empty table" in out


def test_a_page_with_lint_errors_gives_no_table(tmp_path):
    status, out = run("tables", "--out", str(tmp_path / "t.c"), "--guest-tests", str(tmp_path),
                      seed_path())
    assert status == 1 and "apic_vmo" in out and not (tmp_path / "t.c").exists()


# --- ZXC_COVERS -------------------------------------------------------------------------------

def test_guest_test_naming_an_unknown_clause_is_an_error(tmp_path):
    (tmp_path / "t.c").write_text('void f(void) {\n    ZXC_COVERS("zx_vcpu_create.DESCRIPTION.3");\n}\n')
    status, out = run("tables", "--out", str(tmp_path / "out.c"), "--guest-tests", str(tmp_path),
                      "spec/zx_vcpu_create.md")
    assert status == 1
    assert f"{tmp_path}/t.c:2: error: ZXC_COVERS names no clause" in out


def test_guest_test_covers_count_in_the_report(tmp_path):
    (tmp_path / "t.c").write_text(
        'ZXC_COVERS("zx_vcpu_create.DESCRIPTION.entry-guest-physical-address");\n')
    status, out = run("coverage", "--guest-tests", str(tmp_path), "spec/zx_vcpu_create.md")
    assert status == 0
    line = next(l for l in out.splitlines() if l.startswith("zx_vcpu_create"))
    assert line.split()[1:] == ["18", "15", "1", "2"], out


# --- the corpus -------------------------------------------------------------------------------

def test_generation_is_deterministic(tmp_path):
    outputs = []
    for name in ("a", "b"):
        folder = tmp_path / name
        status, out = run("tables", "--out", str(folder / "t.c"), "--coverage-json",
                          str(folder / "c.json"), "--coverage-md", str(folder / "c.md"),
                          *sorted(f"spec/{p}" for p in os.listdir("spec")))
        assert status == 0, out
        outputs.append([(folder / f).read_bytes() for f in ("t.c", "c.json", "c.md")])
    assert outputs[0] == outputs[1]


def test_every_call_has_a_baseline_row_and_the_table_compiles(tmp_path):
    out_c = tmp_path / "t.c"
    pages = sorted(f"spec/{p}" for p in os.listdir("spec"))
    status, out = run("tables", "--out", str(out_c), *pages)
    assert status == 0, out
    text = out_c.read_text()
    for page in pages:
        call = os.path.basename(page)[:-3]
        assert f'"{call}__call__none"' in text
    subprocess.run(["gcc", "-std=gnu11", "-Wall", "-Wextra", "-Werror", "-Iinclude",
                    "-Iharness", "-c", str(out_c), "-o", str(tmp_path / "t.o")], check=True)


def test_prototype_disagreeing_with_the_header_fails_to_compile(tmp_path):
    page = tmp_path / "zx_vcpu_interrupt.md"
    text = open("spec/zx_vcpu_interrupt.md").read().replace("uint32_t vector", "uint64_t vector")
    page.write_text(text)
    out_c = tmp_path / "t.c"
    status, out = run("--spec-dir", "spec", "tables", "--out", str(out_c),
                      "--guest-tests", str(tmp_path), str(page))
    assert status == 0, out
    result = subprocess.run(["gcc", "-std=gnu11", "-Iinclude", "-Iharness", "-c", str(out_c),
                             "-o", str(tmp_path / "t.o")], capture_output=True, text=True)
    assert result.returncode != 0
    assert "SYNOPSIS prototype of zx_vcpu_interrupt differs" in result.stderr


# --- the catalogue ----------------------------------------------------------------------------

def faults_of(call, text, status="ZX_ERR_INVALID_ARGS"):
    spec = load_spec(f"spec/{call}.md")
    clause = spec.clauses[0]
    clause.words = load_spec(f"spec/{call}.md", _page_with_error(spec, text, status)).clauses[-1].words
    return [f.key for f in catalogue.error_faults(clause, spec.prototype, HEADERS)]


def _page_with_error(spec, text, status):
    with open(spec.page.path, encoding="utf-8") as f:
        page = f.read()
    head, _, _ = page.partition("## SEE ALSO")
    return head + f"**{status}** {text}\n\n## SEE ALSO\n"


@pytest.mark.parametrize("call,text,expected", [
    ("zx_vcpu_create", "*guest* isn't a valid handle.", [("BAD_HANDLE", "guest", "", 0)]),
    ("zx_vcpu_create", "*guest* lacks the **ZX_RIGHT_READ** and **ZX_RIGHT_WRITE** rights.",
     [("MISSING_RIGHTS", "guest", "ZX_RIGHT_READ", 0), ("MISSING_RIGHTS", "guest", "ZX_RIGHT_WRITE", 0)]),
    ("zx_vcpu_create", "*out* is an invalid pointer or NULL.",
     [("NULL_POINTER", "out", "", 0), ("UNMAPPED_POINTER", "out", "", 0),
      ("READONLY_POINTER", "out", "", 0)]),
    ("zx_vcpu_write_state", "*buffer* is an invalid pointer.",
     [("NULL_POINTER", "buffer", "", 0), ("UNMAPPED_POINTER", "buffer", "", 0)]),
    ("zx_vcpu_create", "*options* is any value other than 0.",
     [("VALUE", "options", "", 1), ("VALUE", "options", "", 0xFFFFFFFF)]),
    ("zx_vcpu_interrupt", "*vector* is greater than 255.",
     [("VALUE", "vector", "", 256), ("VALUE", "vector", "", 0xFFFFFFFF)]),
    ("zx_guest_set_trap", "*kind* is not **ZX_GUEST_TRAP_BELL** or **ZX_GUEST_TRAP_IO**.",
     [("VALUE", "kind", "", 3), ("VALUE", "kind", "", 0xFFFFFFFF)]),
    ("zx_vcpu_create", "Failure due to lack of memory.", [("NO_MEMORY", "", "", 0)]),
])
def test_catalogue_matches_on_meaning(call, text, expected):
    assert faults_of(call, text) == expected


@pytest.mark.parametrize("call,text,reason", [
    ("zx_vcpu_create", "*entry* is an invalid handle.", "not a handle argument"),
    ("zx_vcpu_create", "*options* is an invalid pointer.", "not a pointer argument"),
    ("zx_vcpu_create", "The moon is full.", "no catalogue rule"),
])
def test_catalogue_refuses_what_the_prototype_contradicts(call, text, reason):
    with pytest.raises(catalogue.NotTestable, match=reason):
        faults_of(call, text)
