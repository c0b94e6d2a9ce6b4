"""Page -> Spec: the prototype, the ERRORS entries and the clauses (one testable statement each).

Clauses, per section (their ids: clause_ids.py):
  ERRORS          one per condition of an entry ("A, or B" and "*a* or *b* is X" give several);
                  an entry's later sentences explain it unless they start with an argument
  RIGHTS          one per default right listed in DESCRIPTION
  DESCRIPTION     one per behaviour sentence (notes "N.B." and the rights lead-in are not clauses)
  RETURN_VALUE    one per sentence
  REQUIRED_RIGHTS one per sentence of a later-dialect "Rights" section ("None.", "TODO" skipped)
"""
import dataclasses
import re
from dataclasses import dataclass, field

from clause_ids import assign_ids
from diagnostics import GenError
from parse_page import parse_page
from prototype import parse_prototype

ABBREVIATIONS = {"n.b", "e.g", "i.e", "etc", "cf", "vs"}
SENTENCE_END = (".", ":", "!", "?")


@dataclass
class Clause:
    call: str
    section: str
    path: str
    line: int
    words: list
    arg_names: tuple        # the prototype's, so that a meaning can name arguments by position
    status: str = ""        # ERRORS: the ZX_ERR_* code of the entry
    right: str = ""         # RIGHTS: the ZX_RIGHT_* the new handle carries
    handle_arg: str = ""    # RIGHTS: the out argument receiving the handle
    anchor: str = ""        # "<!-- clause: name -->" written before it: pins its id
    id: str = ""            # set by clause_ids.assign_ids
    signature: str = ""     # its meaning, compared by stale-cover detection
    constant_families: frozenset = frozenset()  # the page's (argument, ZX_ family) pairs
    kind_structures: frozenset = frozenset()    # the page's (constant, C structure type) pairs

    @property
    def text(self):
        return " ".join(w.display for w in self.words)

    @property
    def canon(self):
        return " ".join(w.key for w in self.words)

    @property
    def where(self):
        return f"{self.path}:{self.line}"


@dataclass
class Entry:
    status: str
    line: int
    status_word: object
    words: list


@dataclass
class Spec:
    page: object
    prototype: object
    entries: list
    clauses: list
    see_also: list = field(default_factory=list)   # (target, line)
    rights_intro_line: int = 0
    optional_pointers: set = field(default_factory=set)  # "*actual* is an optional pointer"

    @property
    def call(self):
        return self.prototype.name


def _strip_end(words):
    """Drop trailing punctuation from the last word's display (a condition is a phrase)."""
    if not words:
        return words
    last = words[-1]
    display = last.display.rstrip(".,;:")
    return words[:-1] + [dataclasses.replace(last, display=display, punct_after="")]


def _is_entry_start(word):
    return (word.line_start and word.kind == "const" and word.name.startswith("ZX_ERR_")
            and word.display[:1] in "*`")


def split_conditions(words):
    """An entry's words -> conditions: split at ", or", "; ", and "or *arg*" after a full clause;
    then distribute a list of subjects ("*a* or *b* is invalid")."""
    pieces, current = [], []
    for i, word in enumerate(words):
        next_word = words[i + 1] if i + 1 < len(words) else None
        full_clause = len(current) >= 3
        if word.kind == "text" and word.name == "or" and current:
            # "*a*, *b*, or *c* are ..." is one list of subjects, not three conditions
            after_comma = (current[-1].punct_after.endswith(",")
                           and any(w.kind != "arg" for w in current))
            before_arg = next_word is not None and next_word.kind == "arg" and full_clause
            if after_comma or before_arg:
                pieces.append(current)
                current = []
                continue
        if word.kind == "text" and word.name in ("or", "and") and not current:
            continue  # "...; or *b* is ..." leaves a leading "or"
        current.append(word)
        comma_before_arg = (word.punct_after.endswith(",") and full_clause
                            and next_word is not None and next_word.kind == "arg")
        if word.punct_after.endswith(";") or comma_before_arg:
            pieces.append(current)
            current = []
    if current:
        pieces.append(current)
    conditions = []
    for piece in pieces:
        conditions.extend(_distribute_subjects(_strip_end(piece)))
    return [c for c in conditions if c]


def _distribute_subjects(words):
    subjects, i = [], 0
    while i < len(words) and words[i].kind == "arg":
        subjects.append(words[i])
        i += 1
        if i < len(words) and words[i].kind == "text" and words[i].name in ("or", "and"):
            i += 1
        elif not subjects[-1].punct_after.endswith(","):
            break
    rest = words[i:]
    if len(subjects) < 2 or not rest or rest[0].kind == "arg":
        return [words]
    return [[dataclasses.replace(s, display=s.display.rstrip(","), punct_after="")] + rest
            for s in subjects]


def split_sentences(words):
    sentences, current = [], []
    for word in words:
        current.append(word)
        if word.punct_after.endswith(SENTENCE_END) and word.name not in ABBREVIATIONS:
            sentences.append(current)
            current = []
    if current:
        sentences.append(current)
    return sentences


def _errors(spec, section):
    """Entries start with **ZX_ERR_...**. A paragraph before the first entry that starts with
    plain words ("TODO(...)", "`zx_ticks_get()` does not fail.") is prose, not an entry; one that
    starts with an argument or a constant is an entry whose code is missing (an error)."""
    entries = []
    for block in section.blocks:
        if block.kind != "para":
            continue
        if not entries and block.words and not _is_entry_start(block.words[0]) \
                and block.words[0].kind not in ("arg", "const"):
            continue
        for word in block.words:
            if _is_entry_start(word):
                entries.append(Entry(word.name, word.line, word, []))
            elif not entries:
                raise GenError(spec.page.path, word.line,
                               "ERRORS entry with no code: expected it to start with "
                               f"**ZX_ERR_...**, found '{word.display}'")
            else:
                entries[-1].words.append(word)
    return entries


def _entry_conditions(words):
    """An entry's first sentence states its conditions; a later sentence that starts with an
    argument states more; other later sentences explain ("There is no good way to ...")."""
    while words and words[0].kind == "text" and not re.search(r"\w", words[0].display):
        words = words[1:]  # "**ZX_ERR_X** : *h* ...", "**ZX_ERR_X** — ..."
    sentences = split_sentences(words)
    kept = sentences[:1] + [s for s in sentences[1:] if s[0].kind == "arg"]
    return [w for sentence in kept for w in sentence]


def _is_rights_intro(sentence):
    names = {w.name for w in sentence if w.kind == "text"}
    return "rights" in names and "default" in names


def _rights_handle(spec, sentence):
    named = [w.name for w in sentence if w.kind == "arg"]
    outs = [a.name for a in spec.prototype.args if a.is_out_handle]
    if named:
        return named[0]
    return outs[0] if len(outs) == 1 else ""


def _description(spec, section, add):
    rights_handle = None

    def take_sentence(sentence):
        nonlocal rights_handle
        if not sentence or sentence[0].name in ("n.b", "note"):
            return
        if _is_rights_intro(sentence):
            rights_handle = _rights_handle(spec, sentence)
            spec.rights_intro_line = sentence[0].line
        else:
            add("DESCRIPTION", _strip_end(sentence))

    def take_item(item):
        if item:
            add("RIGHTS", _strip_end(item), right=item[0].name, handle_arg=rights_handle)

    for block in section.blocks:
        if block.kind != "para" or not block.words:
            continue
        if rights_handle is not None and not _is_rights_start(block.words[0]):
            rights_handle = None
        sentence, item = [], None
        for word in block.words:
            if rights_handle is not None and _is_rights_start(word):
                take_sentence(sentence)
                take_item(item)
                sentence, item = [], [word]
            elif item is not None:
                item.append(word)
            else:
                sentence.append(word)
                if word.punct_after.endswith(SENTENCE_END) and word.name not in ABBREVIATIONS:
                    take_sentence(sentence)
                    sentence = []
        take_sentence(sentence)
        take_item(item)


def _is_rights_start(word):
    return word.line_start and word.kind == "const" and word.name.startswith("ZX_RIGHT")


def _sentences_of(section, add, name, skip=()):
    for block in section.blocks:
        if block.kind != "para" or not block.words:
            continue
        if block.words[0].name.split("(")[0] in skip:  # "TODO(...): ...", "None."
            continue
        for sentence in split_sentences(block.words):
            add(name, _strip_end(sentence))


def _see_also(section):
    targets = []
    for block in section.blocks:
        for word in block.words if block.kind == "para" else []:
            if word.kind == "link":
                targets.append((word.name, word.line))
            elif word.kind == "call":
                targets.append((word.name[3:] + ".md", word.line))
    return targets


def load_spec(path, text=None):
    page = parse_page(path, text)
    synopsis = page.section("SYNOPSIS")
    if synopsis is None:
        raise GenError(path, page.title_line, "no SYNOPSIS (or Declaration) section")
    code = [b for b in synopsis.blocks if b.kind == "code"]
    if not code:
        raise GenError(path, synopsis.line, "SYNOPSIS has no C code block")
    prototype = parse_prototype(path, code[0].code, code[0].line)
    spec = Spec(page, prototype, [], [])
    arg_names = tuple(a.name for a in prototype.args)
    _mark_code_arguments(page, arg_names)

    def add(section_name, words, **extra):
        anchors = [w.name for w in words if w.kind == "anchor"]
        words = [w for w in words if w.kind != "anchor"]
        if not words:
            return
        spec.clauses.append(Clause(prototype.name, section_name, path, words[0].line, words,
                                   arg_names, anchor=anchors[0] if anchors else "", **extra))

    for section in page.sections:
        if section.name == "DESCRIPTION":
            _description(spec, section, add)
        elif section.name == "ERRORS":
            entries = _errors(spec, section)
            spec.entries.extend(entries)
            for entry in entries:
                for condition in split_conditions(_entry_conditions(entry.words)):
                    add("ERRORS", condition, status=entry.status)
        elif section.name == "RETURN_VALUE":
            _sentences_of(section, add, "RETURN_VALUE")
        elif section.name == "RIGHTS":
            _sentences_of(section, add, "REQUIRED_RIGHTS", skip=("todo", "none"))
        elif section.name == "SEE_ALSO":
            spec.see_also = _see_also(section)
    spec.optional_pointers = _optional_pointers(spec)
    families = _constant_families(spec)
    structures = _kind_structures(spec)
    for clause in spec.clauses:
        clause.constant_families = families
        clause.kind_structures = structures
    assign_ids(spec)
    return spec


OPTIONAL_RE = re.compile(r"^(?:the )?@(\w+) (?:is|are) (?:an )?optional\b|^(?:the )?@(\w+) "
                         r"(?:may|can) be null\b")


CONSTANT_WINDOW = 4  # "*kind* may be either **ZX_GUEST_TRAP_BELL**": the value follows closely


def _constant_families(spec):
    """(argument, constant family) wherever a constant closely follows an integer argument:
    "*kind* may be either ZX_GUEST_TRAP_BELL" gives ("kind", "ZX_GUEST_TRAP")."""
    pairs = set()
    for clause in spec.clauses:
        words = clause.words
        for i, word in enumerate(words):
            arg = spec.prototype.arg(word.name) if word.kind == "arg" else None
            if arg is None or arg.pointer or arg.is_handle:
                continue
            for later in words[i + 1:i + 1 + CONSTANT_WINDOW]:
                if later.kind == "const" and not later.name.startswith(("ZX_ERR_", "ZX_RIGHT_")):
                    pairs.add((arg.name, later.name.rsplit("_", 1)[0]))
    return frozenset(pairs)


STRUCTURE_RE = re.compile(r"^\w+_t$")


def _kind_structures(spec):
    """(constant, structure type) wherever a DESCRIPTION sentence names exactly one value and one
    C structure: "With ZX_VCPU_IO, *buffer* holds a `zx_vcpu_io_t`" gives ("ZX_VCPU_IO",
    "zx_vcpu_io_t"), the structure that value selects."""
    pairs = set()
    for clause in spec.clauses:
        if clause.section != "DESCRIPTION":
            continue
        constants = {w.name for w in clause.words if w.kind == "const"
                     and not w.name.startswith(("ZX_ERR_", "ZX_RIGHT_", "ZX_OK"))}
        types = {w.name for w in clause.words if w.kind == "code" and STRUCTURE_RE.match(w.name)}
        if len(constants) == 1 and len(types) == 1:
            pairs.add((constants.pop(), types.pop()))
    return frozenset(pairs)


def _optional_pointers(spec):
    """Pointer arguments a prose sentence declares optional (NULL allowed), in any case."""
    found = set()
    for clause in spec.clauses:
        if clause.section in ("DESCRIPTION", "RETURN_VALUE"):
            match = OPTIONAL_RE.match(clause.canon)
            arg = spec.prototype.arg(match.group(1) or match.group(2)) if match else None
            if arg is not None and arg.pointer:
                found.add(arg.name)
    return found


def _mark_code_arguments(page, arg_names):
    """2019+ pages write arguments as `handle` as well as *handle*."""
    for section in page.sections:
        for block in section.blocks:
            for i, word in enumerate(block.words if block.kind == "para" else []):
                if word.kind == "code" and word.name in arg_names:
                    block.words[i] = dataclasses.replace(word, kind="arg")
