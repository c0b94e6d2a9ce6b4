"""Clause ids that do not move, and clause meanings that stale-cover detection compares.

An id depends only on the clause itself (never on its position in the page), so inserting,
deleting, rewording or reordering other sentences changes no id:
  ERRORS          <call>.ERRORS.<CODE>.<subject>-<meaning>
                  zx_vcpu_create.ERRORS.BAD_HANDLE.guest-invalid-handle
                  (a condition the catalogue does not understand: <CODE>.<slug>)
  RIGHTS          <call>.RIGHTS.<right>               zx_vcpu_create.RIGHTS.execute
  REQUIRED_RIGHTS <call>.REQUIRED_RIGHTS.<argument>   zx_vcpu_resume.REQUIRED_RIGHTS.handle
  DESCRIPTION, RETURN_VALUE: <call>.<SECTION>.<slug>
                  zx_vcpu_resume.DESCRIPTION.starts-resumes-execution-vcpu
The slug is the sentence's first four content words. A page author may pin an id by writing
`<!-- clause: name -->` before the sentence or condition: <call>.<SECTION>[.<CODE>].<name>.
Two clauses of one page with the same id (the same sentence twice) get -2, -3 in page order.

A clause's signature is its meaning, independent of wording details and of argument names:
the catalogue's meaning (tag, subject's position, constants) when it understands the clause,
else the set of its stemmed content words with arguments by position. A cover is stale when
the signature it was written against differs from the clause's signature now (coverage.py).
A test of a specific condition also covers a clause that states it generically (is_instance):
"the calling thread is not the thread that created *vcpu*" is an instance of "*vcpu* is in a
bad state", for the same call, status and argument.
"""
import re

import catalogue
from catalogue import NotTestable

STOPWORDS = set("""a an the is are was were be been being of to in on at by for with and or but
it its this that these those which who as from into than then there their they them so such if
when while can could may might must will would shall should do does did has have had also
any all each every one other own same very just given using via""".split())
SLUG_WORDS = 4


def stem(word):
    """A crude stem, enough to see "waiting"/"waited"/"waits" and "handle"/"handles" as one."""
    word = word.removesuffix("'s")
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        word = word[:-1]
    for suffix in ("ing", "ed"):
        if len(word) > len(suffix) + 2 and word.endswith(suffix):
            word = word[:-len(suffix)]
            break
    return word[:-1] if len(word) > 3 and word.endswith("e") else word


def _tokens(clause):
    """(slug token, signature token) per content word; arguments by name / by position."""
    proto_args = clause.arg_names
    out = []
    for word in clause.words:
        if word.kind == "arg":
            position = proto_args.index(word.name) if word.name in proto_args else word.name
            out.append((word.name, f"@{position}"))
        elif word.kind == "const":
            out.append((word.name.removeprefix("ZX_").lower(), "$" + word.name))
        elif word.kind == "call":
            if word.name == clause.call:
                out.append(("", "%self"))
            else:
                out.append((word.name.removeprefix("zx_"), "%" + word.name))
        elif word.kind in ("text", "code"):
            for part in re.findall(r"[a-z0-9]+", word.name.lower()):
                if part not in STOPWORDS:
                    out.append((part, stem(part)))
    return out


def slug(clause):
    words = []
    for token, _ in _tokens(clause):
        if token and (not words or words[-1] != token):
            words.append(token)
    return "-".join(words[:SLUG_WORDS]) or "empty"


def _word_signature(clause):
    stems = sorted({s for _, s in _tokens(clause)})
    return f"{clause.section}|{clause.status}|" + " ".join(stems)


def _position(clause, name):
    return str(clause.arg_names.index(name)) if name in clause.arg_names else name


def _meaning_key(clause, proto):
    """-> (id key, signature) from the catalogue's understanding, or None."""
    if clause.section == "ERRORS":
        meaning = catalogue.understand(clause, proto)
        if meaning is None or not meaning.tag:
            return None
        constants = sorted(set(re.findall(r"\$ZX_\w+|\b\d+\b|\b0x[0-9a-f]+\b", clause.canon)))
        tag = meaning.tag
        if tag == "lacks":  # the rights are part of what it means: guest-lacks-write
            tag += "".join("-" + r.removeprefix("ZX_RIGHT_").lower()
                           for r in re.findall(r"\$(ZX_RIGHT_\w+)", meaning.match["rights"]))
        key = f"{meaning.subject}-{tag}" if meaning.subject else tag
        return key, (f"ERRORS|{clause.status}|{meaning.tag}|@{_position(clause, meaning.subject)}|"
                     + " ".join(constants))
    if clause.section == "RIGHTS":
        return (clause.right.removeprefix("ZX_RIGHT_").lower(),
                f"RIGHTS|{clause.right}|@{_position(clause, clause.handle_arg)}")
    if clause.section == "REQUIRED_RIGHTS":
        try:
            arg, types, rights, kinds = catalogue.required_rights_meaning(clause, proto)
        except NotTestable:
            return None
        return arg.name, (f"REQUIRED_RIGHTS|@{_position(clause, arg.name)}|{' '.join(types)}|"
                          f"{' '.join(sorted(rights))}" + "".join("|" + k for k in kinds))
    return None


def _understood_error(signature):
    """"ERRORS|status|tag|@position|constants" -> (status, tag, position), or None for a
    condition the catalogue did not understand (its signature is its words)."""
    parts = signature.split("|")
    return tuple(parts[1:4]) if parts[0] == "ERRORS" and len(parts) == 5 else None


def is_instance(specific, generic):
    """Does the condition with signature `specific` make the one with signature `generic` hold?
    Only when the catalogue says the first is an instance of the second (catalogue.INSTANCE_OF),
    for the same status and the same subject argument."""
    a, b = _understood_error(specific), _understood_error(generic)
    return (a is not None and b is not None and a[0] == b[0] and a[2] == b[2]
            and catalogue.INSTANCE_OF.get(a[1]) == b[1])


def assign_ids(spec):
    """Sets id and signature of every clause of spec."""
    seen = {}
    for clause in spec.clauses:
        understood = _meaning_key(clause, spec.prototype)
        clause.signature = understood[1] if understood else _word_signature(clause)
        key = clause.anchor or (understood[0] if understood else slug(clause))
        if clause.section == "ERRORS":
            key = f"{clause.status.removeprefix('ZX_ERR_')}.{key}"
        base = f"{spec.call}.{clause.section}.{key}"
        seen[base] = seen.get(base, 0) + 1
        clause.id = base if seen[base] == 1 else f"{base}-{seen[base]}"
