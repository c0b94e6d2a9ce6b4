"""Which clauses a table row or a hand-written guest test (ZXC_COVERS) covers, and which none.

A guest test's ZXC_COVERS("id") counts only while the clause still means what the test was
written against. What that was is recorded, per cited id, in <guest tests>/cited_clauses.txt
(id, signature, text; see clause_ids.py for signatures). Each cover resolves to one state:
  ok          the id names a clause with the recorded meaning: credited
  renamed     the id is gone, but exactly one clause of the call has the recorded meaning (an
              argument renamed, a page of another dialect): credited; cite the new id
  unrecorded  the id names a clause, but no meaning was recorded for it: credited; record it
  reread      the id (or, if it is gone, exactly one clause of the call) has the recorded
              words, but the generator now reads another meaning in them (a catalogue rule was
              added): credited; record it (and cite the new id)
  changed     the id names a clause whose meaning changed: STALE, not credited
  gone        no clause has the id nor the recorded meaning: STALE, not credited
  generalised the id is gone, but the page states the test's condition generically (a clause
              the recorded meaning is an instance of: clause_ids.is_instance): credited there
  unknown     neither a clause nor a record: an error (a typo)
A credited cover also credits each clause of its call that states its condition generically
("*vcpu* is in a bad state" for a test of "the calling thread is not the one that created
*vcpu*"). Credit never moves to a clause of another meaning. `zxgen.py covers --accept`
records the current meaning of every cited clause (after a person has checked the stale ones).
"""
import glob
import json
import os
import re
from dataclasses import dataclass

from clause_ids import is_instance
from diagnostics import Diagnostic

COVERS_RE = re.compile(r'\bZXC_COVERS\s*\(\s*"([^"]*)"\s*\)')
TEST_RE = re.compile(r"\bZXC_TEST\s*\(\s*(\w+)\s*\)")
RECORD_NAME = "cited_clauses.txt"
CREDITED = ("ok", "renamed", "unrecorded", "reread", "generalised")
RECORD_HEADER = """\
# Clauses cited by ZXC_COVERS in this folder's tests, with the meaning (signature) and text they
# had when the tests were written. Written by `make accept-covers` (gen/zxgen.py covers --accept);
# run it only after checking each stale cover that `make conformance` lists. Tab-separated.
"""


@dataclass
class Cover:
    clause_id: str
    path: str
    line: int
    test: str


@dataclass
class Resolution:
    cover: Cover
    state: str
    clause: object = None     # the clause credited (ok, renamed, unrecorded) or now at the id
    old_text: str = ""
    new_text: str = ""
    generic: tuple = ()       # clauses stating the cover's condition generically (credited too)

    @property
    def credited(self):
        return self.state in CREDITED


def scan_guest_tests(folder):
    """-> [Cover] for every ZXC_COVERS("id") under folder/*.c."""
    found = []
    for path in sorted(glob.glob(os.path.join(folder, "*.c"))):
        test = ""
        with open(path, encoding="utf-8") as f:
            for number, line in enumerate(f, 1):
                if line.lstrip().startswith("#define"):
                    continue
                defined = TEST_RE.search(line)
                test = defined.group(1) if defined else test
                found.extend(Cover(m.group(1), path, number, test or "(file scope)")
                             for m in COVERS_RE.finditer(line))
    return found


def record_path(folder):
    return os.path.join(folder, RECORD_NAME)


def read_record(folder):
    """-> {id: (signature, text)}; no file is an empty record."""
    record = {}
    if not folder or not os.path.exists(record_path(folder)):
        return record
    with open(record_path(folder), encoding="utf-8") as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            clause_id, signature, text = line.rstrip("\n").split("\t", 2)
            record[clause_id] = (signature, text)
    return record


def write_record(folder, resolutions, record):
    """Records the current meaning of every cited clause; a cover whose clause cannot be found
    keeps its old entry (it stays stale until its test cites an existing clause)."""
    entries = {}
    for r in resolutions:
        if r.state in ("ok", "unrecorded", "reread", "changed"):
            entries[r.cover.clause_id] = (r.clause.signature, r.clause.text)
        elif r.cover.clause_id in record:
            entries[r.cover.clause_id] = record[r.cover.clause_id]
    with open(record_path(folder), "w", encoding="utf-8") as f:
        f.write(RECORD_HEADER)
        for clause_id in sorted(entries):
            signature, text = entries[clause_id]
            f.write(f"{clause_id}\t{signature}\t{text}\n")
    return len(entries)


def _stems(signature):
    return set(signature.split("|")[-1].split())


def _nearest(clauses, signature):
    """The clause of the same call and section whose words overlap the old ones most."""
    old = _stems(signature)
    best, score = None, 0.34  # below a third of the words in common, nothing is "near"
    for clause in clauses:
        new = _stems(clause.signature)
        overlap = len(old & new) / max(1, len(old | new))
        if overlap > score:
            best, score = clause, overlap
    return best


def resolve(covers, specs, record):
    """-> [Resolution], one per cover, in the order of the covers."""
    by_call = {s.call: s.clauses for s in specs}
    out = []
    for resolution in _resolve_ids(covers, specs, record, by_call):
        _credit_generic(resolution, record, by_call)
        out.append(resolution)
    return out


def _credit_generic(r, record, by_call):
    """The clauses of the cover's call that its condition is an instance of; a gone cover whose
    condition the page now states only generically is credited there."""
    if r.state in ("changed", "unknown"):
        return
    signature = r.clause.signature if r.clause else record[r.cover.clause_id][0]
    call = r.cover.clause_id.split(".")[0]
    r.generic = tuple(c for c in by_call.get(call, []) if is_instance(signature, c.signature))
    if r.state == "gone" and r.generic:
        r.state, r.clause, r.new_text = "generalised", r.generic[0], r.generic[0].text


def _resolve_ids(covers, specs, record, by_call):
    by_id = {c.id: c for s in specs for c in s.clauses}
    out = []
    for cover in covers:
        clause = by_id.get(cover.clause_id)
        recorded = record.get(cover.clause_id)
        if recorded is None:
            out.append(Resolution(cover, "unrecorded" if clause else "unknown", clause, "",
                                  clause.text if clause else ""))
            continue
        signature, old_text = recorded
        if clause is not None:
            state = ("ok" if clause.signature == signature else
                     "reread" if clause.text == old_text else "changed")
            out.append(Resolution(cover, state, clause, old_text, clause.text))
            continue
        call, section = cover.clause_id.split(".")[:2]
        same_meaning = [c for c in by_call.get(call, []) if c.signature == signature]
        if len(same_meaning) == 1:
            out.append(Resolution(cover, "renamed", same_meaning[0], old_text,
                                  same_meaning[0].text))
            continue
        # The same words in the same section (and, for ERRORS, with the same status), read with
        # another meaning by a newer generator, so given another id.
        kept = ".".join(cover.clause_id.split(".")[:3 if section == "ERRORS" else 2]) + "."
        same_words = [c for c in by_call.get(call, [])
                      if c.id.startswith(kept) and c.text == old_text]
        if len(same_words) == 1:
            out.append(Resolution(cover, "reread", same_words[0], old_text, same_words[0].text))
            continue
        near = _nearest([c for c in by_call.get(call, []) if c.section == section], signature)
        now = (f"(no clause has this id or this meaning; nearest: {near.id}: {near.text})"
               if near else "(no clause has this id or this meaning)")
        out.append(Resolution(cover, "gone", None, old_text, now))
    return out


def unknown_covers(resolutions):
    return [Diagnostic(r.cover.path, r.cover.line, "error",
                       f"ZXC_COVERS names no clause and no recorded one: '{r.cover.clause_id}' "
                       "(list them with: gen/zxgen.py clauses spec/*.md)")
            for r in resolutions if r.state == "unknown"]


def stale_report(resolutions):
    """Text naming each cover that is not simply ok, stale ones first; "" when all are ok."""
    stale = [r for r in resolutions if r.state in ("changed", "gone")]
    notes = [r for r in resolutions if r.state in ("renamed", "unrecorded", "reread",
                                                   "generalised")]
    lines = []
    if stale:
        lines.append(f"STALE COVERS: {len(stale)} (their tests still run, but credit no clause "
                     "until checked):")
        for r in stale:
            c = r.cover
            lines += [f"  {c.path}:{c.line}: {c.test} cites {c.clause_id} ({r.state})",
                      f"      written against: {r.old_text}",
                      f"      now:             {r.new_text}"]
        lines.append("  Check each test against the new text; fix the test or its ZXC_COVERS id "
                     "(gen/zxgen.py clauses), then: make accept-covers")
    for r in notes:
        c = r.cover
        if r.state == "renamed":
            lines.append(f"  {c.path}:{c.line}: {c.test} cites {c.clause_id}: same meaning now "
                         f"at {r.clause.id}; cite that id")
        elif r.state == "generalised":
            lines.append(f"  {c.path}:{c.line}: {c.test} cites {c.clause_id}: gone, but the "
                         f"page states its condition generically at {r.clause.id}: credited "
                         "there (the test checks one instance of it); cite that id")
        elif r.state == "reread":
            moved = f"; cite {r.clause.id}" if r.clause.id != c.clause_id else ""
            lines.append(f"  {c.path}:{c.line}: {c.test} cites {c.clause_id}: same words, read "
                         f"with another meaning by this generator{moved}: make accept-covers")
        else:
            lines.append(f"  {c.path}:{c.line}: {c.test} cites {c.clause_id}: meaning not "
                         "recorded yet: make accept-covers")
    return "\n".join(lines) + ("\n" if lines else "")


def summarise(specs, outcomes, resolutions):
    guest = {}
    for r in resolutions:
        if r.credited:
            for clause in {r.clause.id: r.clause, **{c.id: c for c in r.generic}}.values():
                guest.setdefault(clause.id, []).append(f"{r.cover.path}:{r.cover.line}")
    calls = []
    for spec in sorted(specs, key=lambda s: s.call):
        entry = {"call": spec.call, "page": spec.page.path, "clauses": 0, "table": 0, "guest": 0,
                 "uncovered": 0, "uncovered_clauses": []}
        for clause in spec.clauses:
            outcome = outcomes[clause.id]
            entry["clauses"] += 1
            if outcome.rows:
                entry["table"] += 1
            elif clause.id in guest:
                entry["guest"] += 1
            else:
                entry["uncovered"] += 1
                entry["uncovered_clauses"].append({
                    "id": clause.id, "where": clause.where, "text": clause.text,
                    "reason": outcome.reason})
        calls.append(entry)
    totals = {k: sum(c[k] for c in calls) for k in ("clauses", "table", "guest", "uncovered")}
    stale = [{"test": r.cover.test, "where": f"{r.cover.path}:{r.cover.line}",
              "id": r.cover.clause_id, "state": r.state, "old_text": r.old_text,
              "new_text": r.new_text} for r in resolutions if not r.credited]
    totals["stale_covers"] = len(stale)
    return {"calls": calls, "totals": totals, "stale_covers": stale,
            "guest_tests": {k: sorted(v) for k, v in sorted(guest.items())}}


def text_report(summary):
    lines = ["Spec coverage (clauses: covered by a table row / by a guest test / uncovered)",
             f"{'call':<22} {'clauses':>7} {'table':>6} {'guest':>6} {'uncovered':>9}"]
    for c in summary["calls"]:
        lines.append(f"{c['call']:<22} {c['clauses']:>7} {c['table']:>6} {c['guest']:>6} "
                     f"{c['uncovered']:>9}")
    t = summary["totals"]
    lines.append(f"{'total':<22} {t['clauses']:>7} {t['table']:>6} {t['guest']:>6} "
                 f"{t['uncovered']:>9}")
    uncovered = [u for c in summary["calls"] for u in c["uncovered_clauses"]]
    if uncovered:
        lines.append("Uncovered clauses:")
        lines += [f"  {u['where']}: {u['id']}: {u['reason']}" for u in uncovered]
    if t["stale_covers"]:
        lines.append(f"Stale covers (not credited): {t['stale_covers']}")
        lines += [f"  {s['where']}: {s['test']} cites {s['id']} ({s['state']})"
                  for s in summary["stale_covers"]]
    return "\n".join(lines) + "\n"


def markdown_report(summary):
    out = ["# Spec coverage", "",
           "Generated by `gen/zxgen.py tables` from spec/ and harness/guest_tests/: do not edit.",
           "", "| call | clauses | table row | guest test | uncovered |", "|---|---:|---:|---:|---:|"]
    for c in summary["calls"]:
        out.append(f"| {c['call']} | {c['clauses']} | {c['table']} | {c['guest']} | "
                   f"{c['uncovered']} |")
    t = summary["totals"]
    out.append(f"| **total** | {t['clauses']} | {t['table']} | {t['guest']} | {t['uncovered']} |")
    out += ["", "## Uncovered clauses", ""]
    for c in summary["calls"]:
        for u in c["uncovered_clauses"]:
            out.append(f"- `{u['where']}` **{u['id']}**: {u['text']}  \n  _{u['reason']}_")
    if summary["stale_covers"]:
        out += ["", "## Stale covers (not credited)", ""]
        for s in summary["stale_covers"]:
            out.append(f"- `{s['where']}` {s['test']} cites **{s['id']}** ({s['state']}): "
                       f"written against: {s['old_text']}  \n  now: {s['new_text']}")
    return "\n".join(out) + "\n"


def write_reports(summary, json_path, markdown_path):
    for path, text in ((json_path, json.dumps(summary, indent=1, sort_keys=True) + "\n"),
                       (markdown_path, markdown_report(summary))):
        if path:
            os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
            with open(path, "w", encoding="utf-8") as f:
                f.write(text)
