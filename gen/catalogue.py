"""The one place that knows what spec phrases mean: clause -> meaning -> faults (table rows).

Rules match a clause's canonical form (see parse_page.Word.key): arguments as @name, constants
as $ZX_NAME, calls as %zx_name, other words lower-cased, punctuation dropped. So "*guest* is an
invalid handle." and "*guest* isn't a valid handle" both reach the bad-handle rule, and the rule
then checks the meaning against the prototype (is @guest a handle argument?). `normalise` first
folds wordings that say the same thing ("the *h* handle is invalid" -> "@h is invalid").

A rule has a tag (its meaning, part of the clause id: clause_ids.py), the kind of argument its
subject must be (a rule whose subject does not fit is skipped, so the next rule may match), and
a builder returning Faults or raising NotTestable with a reason. Several subjects ("*a* or *b*
are invalid handles") are split into one condition each before matching (clauses.py).

To extend: add a Rule to ERROR_RULES, or a topic to BEHAVIOUR_TOPICS.
"""
import re
from dataclasses import dataclass

# A rights value no handle has in full (every defined bit but ZX_RIGHT_SAME_RIGHTS).
RIGHTS_NO_HANDLE_HAS = 0x7FFFFFFF


@dataclass(frozen=True)
class Fault:
    fault: str           # zxc_fault name without ZXC_FAULT_
    arg: str = ""        # argument name; "" for none
    rights: str = ""     # C expression (MISSING_RIGHTS, DEFAULT_RIGHTS)
    value: int = 0       # VALUE: the value; OFFSET, KIND_OFFSET: the signed change
    other: str = ""      # KIND_OFFSET: the argument set to one value of a closed set...
    other_value: int = 0
    other_label: str = ""  # ... that constant's name ...
    size_of: str = ""    # ... and the C type whose size, changed by `value`, goes to `arg`

    @property
    def key(self):
        base = (self.fault, self.arg, self.rights, self.value)
        return base + (self.other, self.other_value) if self.other else base


class NotTestable(Exception):
    """The clause is understood (or not) but no table row can test it; the message says why."""


# ---------------------------------------------------------------------------------------------
# Folding wordings before matching.

_FOLDS = [
    (r"^(?:either|the|the handle) (?=@)", ""),            # "the *h* handle is invalid"
    (r"^(@\w+) was ", r"\1 is "), (r"^(@\w+) (is|are) either ", r"\1 \2 "),
    (r"^(@\w+) (is|are) non-null and (?:an )?invalid pointers?$", r"\1 \2 an invalid pointer "
     "other than null"),
    (r"^(@\w+) (?:parameter|argument|handle|address|value) (?=is|are|does|do|has|lacks)", r"\1 "),
    (r"^the (?:buffer |output )?(?:length|size) (?=@)", ""),   # "the buffer length *n* is ..."
    (r"^(@\w+) (?:is|are) a valid handle but (?:is )?not ", r"\1 is not "),
    (r"\bisn't\b", "is not"), (r"\baren't\b", "are not"), (r"\bdoesn't\b", "does not"),
    (r"\bdon't\b", "do not"), (r"\bnon-zero\b", "nonzero"),
]
_COMPILED_FOLDS = [(re.compile(p), r) for p, r in _FOLDS]


def normalise(canon):
    for pattern, replacement in _COMPILED_FOLDS:
        canon = pattern.sub(replacement, canon)
    return canon


# ---------------------------------------------------------------------------------------------
# ERRORS conditions.

def _arg(proto, name):
    arg = proto.arg(name)
    if arg is None:
        raise NotTestable(f"*{name}* names no argument of {proto.name}")
    return arg


def _handle_arg(proto, name):
    arg = _arg(proto, name)
    if not arg.is_handle:
        raise NotTestable(f"*{name}* is not a handle argument ({arg.type})")
    return arg


def _type_max(arg):
    bits, signed = arg.bits()
    return (1 << (bits - 1)) - 1 if signed else (1 << bits) - 1


def _values(arg, *values):
    top = _type_max(arg)
    unique = sorted({v for v in values if 0 <= v <= top})
    if not unique:
        raise NotTestable(f"no value of *{arg.name}* ({arg.type}) satisfies the condition")
    return [Fault("VALUE", arg.name, value=v) for v in unique]


def _offsets(arg, *deltas):
    """Rows relative to the baseline's (valid) value: just below and just above it."""
    return [Fault("OFFSET", arg.name, value=d) for d in deltas]


def _constants(text, headers):
    values = []
    for name, number in re.findall(r"\$(ZX_\w+)|\b(0x[0-9a-f]+|\d+)\b", text):
        if name and name not in headers.values:
            raise NotTestable(f"the value of {name} is not known from the headers")
        values.append(headers.values[name] if name else int(number, 0))
    return values


def bad_handle(m, arg, proto, headers):
    return [Fault("BAD_HANDLE", arg.name)]


def wrong_type(m, arg, proto, headers):
    return [Fault("WRONG_TYPE", arg.name)]


# Several rights named in one condition give one row per right, each removing only that right:
# a handle lacking any one of them must be refused.
def missing_rights(m, arg, proto, headers):
    rights = re.findall(r"\$(ZX_RIGHT_\w+)", m["rights"])
    return [Fault("MISSING_RIGHTS", arg.name, rights=r) for r in rights]


def invalid_pointer(m, arg, proto, headers):
    faults = [] if m.get("nonnull") else [Fault("NULL_POINTER", arg.name)]
    faults.append(Fault("UNMAPPED_POINTER", arg.name))
    if arg.is_out_pointer:
        faults.append(Fault("READONLY_POINTER", arg.name))
    return faults


def unmapped_pointer(m, arg, proto, headers):
    return [Fault("UNMAPPED_POINTER", arg.name)]


def null_pointer(m, arg, proto, headers):
    return [Fault("NULL_POINTER", arg.name)]


def nonzero(m, arg, proto, headers):
    return _values(arg, 1, _type_max(arg))


def zero(m, arg, proto, headers):
    return _values(arg, 0)


def at_least(m, arg, proto, headers):
    bound = _constants(m["n"], headers)[0] + (1 if m.get("strict") else 0)
    return _values(arg, bound, _type_max(arg))


def below(m, arg, proto, headers):
    """"less than N": just below N, and 0."""
    bound = _constants(m["n"], headers)[0] if m["n"] not in WORD_NUMBERS else WORD_NUMBERS[m["n"]]
    return _values(arg, bound - 1, 0)


WORD_NUMBERS = {"one": 1, "two": 2, "three": 3, "four": 4, "eight": 8, "sixteen": 16}


def not_one_of(m, arg, proto, headers):
    allowed = _constants(m["set"], headers)
    if not allowed:
        raise NotTestable("names no allowed values")
    # Both sides of the allowed set: just above its largest value, just below its smallest.
    return _values(arg, max(allowed) + 1, _type_max(arg), min(allowed) - 1)


def invalid_value(m, arg, proto, headers):
    """"not a valid address space", "does not name a known state", "has an invalid value",
    "does not exist": the type's maximum is no valid value of any enumeration."""
    return _values(arg, _type_max(arg))


def beyond_end(m, arg, proto, headers):
    other = _arg(proto, m["other"])
    top = _type_max(arg)
    if m["how"] in ("overflows", "wraps around"):
        # The sum made exactly 2^64: *arg* keeps every alignment *other* has, so that only this
        # condition holds (the type's maximum would also be misaligned, which a page may check
        # first with another status).
        return [Fault("WRAP", arg.name, other=other.name)]
    # Past the end without wrapping around too: half the range fits no object and no sum.
    return _values(arg, top, (top + 1) // 2)


def too_small(m, arg, proto, headers):
    return _offsets(arg, -1) + _values(arg, 0)


def too_large(m, arg, proto, headers):
    return _values(arg, _type_max(arg))


def wrong_size(m, arg, proto, headers):
    """Must equal a size: both sides of it, and the extremes (0 and the type's maximum); for a
    size another argument selects, both sides of it for each value that argument can take."""
    return _offsets(arg, -1, 1) + _values(arg, 0, _type_max(arg)) + _sizes_per_value(m, arg,
                                                                                  proto, headers)


def _sizes_per_value(m, arg, proto, headers):
    """"*len* is not the size of the structure that *kind* selects": for each value of *kind*
    that the page pairs with a structure ("With ZX_VCPU_IO, *buffer* holds a `zx_vcpu_io_t`"),
    *kind* set to it and *len* one below and one above that structure's size. The baseline's
    own value is tried too: the rule holds for every value, and a row per value says so."""
    named = re.search(r"@(\w+)", m.get("tail", ""))
    selector = proto.arg(named.group(1)) if named else None
    if selector is None or selector.pointer or selector.is_handle or selector is arg:
        return []
    families = {family for owner, family in m["clause"].constant_families
                if owner == selector.name}
    pairs = sorted((const, ctype) for const, ctype in m["clause"].kind_structures
                   if const.rsplit("_", 1)[0] in families and const in headers.values)
    return [Fault("KIND_OFFSET", arg.name, value=delta, other=selector.name,
                  other_value=headers.values[const], other_label=const, size_of=ctype)
            for const, ctype in pairs for delta in (-1, 1)]


def misaligned(m, arg, proto, headers):
    """"not page aligned", "do not meet the requirements of *kind*" (alignment, for the
    baseline's kind): one below and one above the baseline's aligned value."""
    return _offsets(arg, -1, 1)


def not_subset(m, arg, proto, headers):
    _handle_arg(proto, m["other"])
    return _values(arg, RIGHTS_NO_HANDLE_HAS)


def value_with_handle(m, arg, proto, headers):
    """"*kind* is MEM or IO and *port* is not ZX_HANDLE_INVALID", "MEM was specified with a
    *port*": the baseline's *port* is a valid handle already, so setting *kind* to each value
    named makes the condition hold."""
    _handle_arg(proto, m["other"])
    return _values(arg, *_constants(m["set"], headers))


def _resource_arg(proto):
    """The one handle argument a subjectless "not of kind" condition can be about."""
    named = [a for a in proto.args if a.is_handle and re.search(r"resource|rsrc", a.name)]
    if len(named) != 1:
        raise NotTestable("names no resource argument, and the prototype has not exactly one")
    return named[0]


def resource_kind(m, arg, proto, headers):
    """"*resource* is not of kind ZX_RSRC_KIND_X": a resource of every other kind (from the
    implementation's optional zxconf_resource) in place of the valid one."""
    kinds = re.findall(r"[$@](ZX_RSRC_KIND_\w+)", m["kind"], re.IGNORECASE)
    if not kinds:
        raise NotTestable("names no ZX_RSRC_KIND_* constant: which kind is wrong is unknown")
    if kinds[0] not in headers.values:
        raise NotTestable(f"the value of {kinds[0]} is not known from the headers")
    arg = arg or _resource_arg(proto)
    return [Fault("RESOURCE_KIND", arg.name, value=headers.values[kinds[0]])]


def no_memory(m, arg, proto, headers):
    return [Fault("NO_MEMORY")]


def untestable(reason):
    def rule(m, arg, proto, headers):
        raise NotTestable(reason)
    return rule


@dataclass(frozen=True)
class Rule:
    tag: str         # the meaning, in ids: "invalid-handle"; "" for a rule that only explains
    subject: str     # the @arg's kind: handle, pointer, integer, or "" (no subject)
    pattern: str
    build: object


NEEDS_STATE = ("depends on object state or on running a guest: needs a hand-written test "
               "(ZXC_COVERS)")
GENERIC_STATE = ("depends on the object's state: needs a hand-written test; a test that gets this "
                 "status from a specific bad state of the same handle covers it")
NEEDS_CANCEL = ("needs a VCPU whose execution is canceled (by zx_vcpu_kick, or by killing its "
                "thread), which the API under test cannot do: needs a hand-written test")
INTERNAL = "an implementation's internal failure: no input provokes it by design"
A = r"^@(?P<arg>\w+) "
N = r"(?P<n>0x[0-9a-f]+|\d+|\$ZX_\w+)"  # a number or a constant from include/
IS = r"(?:is|are)"
RIGHTS_LIST = r"(?P<rights>(?:\$ZX_RIGHT_\w+ ?(?:and |or )?)+)"
ERROR_RULES = [
    Rule("invalid-handle", "handle",
         A + IS + r" (?:an invalid|not an? valid|a bad|invalid|not valid) handles?"
         r"(?: other than \$ZX_HANDLE_INVALID)?$", bad_handle),
    Rule("invalid-handle", "handle", A + IS + r" (?:invalid|not valid)$", bad_handle),
    Rule("lacks", "handle",
         A + r"(?:does not have|do not have|lacks|lack)(?: the)?(?: rights?)? " + RIGHTS_LIST +
         r"(?:rights?)?(?: and (?:may|can|cannot|could)\b.*)?$", missing_rights),
    Rule("not-of-kind", "handle",
         A + r"(?:is|are|was|were) not (?:a resource )?(?:of\b|resource kind\b)(?P<kind>.*)$",
         resource_kind),
    Rule("wrong-type", "handle",
         A + IS + r" not (?:a handle to )?(?:an? )?(?!valid\b|in (?:an?|the) )[\w ]+?"
         r"(?: handles?| objects?)?$",
         wrong_type),
    Rule("invalid-pointer", "pointer",
         A + IS + r" (?:an invalid|not an? valid|a bad|invalid|not valid) pointers?"
         r"(?: or null)?(?P<nonnull> other than null)?$", invalid_pointer),
    Rule("unmapped-pointer", "pointer", A + r"(?:does not map|is not mapped)\b.*$",
         unmapped_pointer),
    Rule("null-pointer", "pointer", A + r"is null$", null_pointer),
    Rule("nonzero", "integer", A + r"(?:is|has) (?:nonzero|not zero|not 0|any value other "
         r"than 0)$", nonzero),
    Rule("zero", "integer", A + r"is (?:zero|0)$", zero),
    Rule("at-least", "integer", A + r"is " + N + r" or (?:greater|more|larger)$", at_least),
    Rule("at-least", "integer", A + r"is (?:greater than or equal to|at least) " + N + "$",
         at_least),
    Rule("at-least", "integer", A + IS + r" (?P<strict>greater|larger|more) than " + N + "$",
         at_least),
    Rule("below", "integer", A + IS + r" (?:less|smaller|fewer) than (?P<n>0x[0-9a-f]+|\d+|"
         r"\$ZX_\w+|one|two|three|four|eight|sixteen)$", below),
    Rule("not-one-of", "integer", A + r"is (?:not|neither|not one of) (?P<set>(?:(?:\$ZX_\w+|"
         r"0x[0-9a-f]+|\d+)(?: or| nor| and)? ?)+)$", not_one_of),
    Rule("invalid-value", "integer",
         A + r"(?!.*\b(?:handles?|pointers?)$)"
         r"(?:is not an? (?:valid|known|supported)|is an? (?:invalid|unknown)|has an invalid"
         r"|does not name an? (?:known|valid)|names no|does not exist)\b[\w ]*$", invalid_value),
    Rule("invalid-bits", "integer",
         A + r"(?:(?:has|have|contains?) (?:an? )?(?:unsupported|undefined|invalid|unknown|"
         r"reserved) (?:option )?(?:bits?|flags?)\b[\w ]*|contains? bits that are not allowed)$",
         invalid_value),
    Rule("invalid-value", "integer", A + r"(?:have|has) invalid values?$", invalid_value),
    Rule("invalid-value", "integer", A + IS + r" not (?:valid|supported|known)$", invalid_value),
    Rule("invalid-value", "integer", A + r"is (?:outside|out) (?:of )?the (?:valid )?range\b"
         r"[\w ]*$", invalid_value),
    Rule("beyond-end", "integer", A + r"(?:plus|\+) @(?P<other>\w+) (?P<how>overflows|wraps "
         r"around|is greater than the size of|is beyond the end of|exceeds the size of|is out of "
         r"the bounds of)\b.*$", beyond_end),
    Rule("too-small", "integer", A + IS + r" (?:too small|smaller than|not (?:large|big) "
         r"enough)\b.*$", too_small),
    # "the provided buffer is not large enough": the size argument that goes with *buffer*.
    Rule("too-small", "integer", r"^(?:.* )?(?:the )?(?:provided |given |output )?"
         r"(?P<buf>buffer) (?:is|was) (?:too small|not (?:large|big) enough)\b.*$", too_small),
    Rule("too-large", "integer", A + r"is too (?:large|big)\b[\w ]*$", too_large),
    Rule("size-mismatch", "integer",
         A + r"(?:is not|does not match|is not equal to|does not equal) (?:the )?(?:expected )?"
         r"(?:\w+ )?size (?:of|that)\b(?P<tail>.*)$", wrong_size),
    Rule("misaligned", "integer", A + IS + r" not (?:page[- ]aligned|aligned)$", misaligned),
    Rule("misaligned", "pointer", A + IS + r" not (?:properly )?aligned$",
         lambda m, arg, proto, headers: _offsets(arg, 1)),
    Rule("misaligned", "integer",
         A + r"(?:does not|do not) (?:meet|satisfy) the (?:alignment )?requirements of @\w+$",
         misaligned),
    Rule("not-subset", "integer",
         r"^(?:the )?@(?P<arg>\w+) (?:requested )?(?:is|are) not a subset of (?:the rights of )?"
         r"@(?P<other>\w+)(?: rights)?(?: or .*)?$", not_subset),
    Rule("not-subset", "integer", A + r"contains rights not in the rights of @(?P<other>\w+)$",
         not_subset),
    Rule("too-large", "integer", r"^(?:the )?requested @?(?P<arg>\w+) is too (?:large|big)$",
         too_large),
    Rule("lack-of-memory", "", r"^(?:temporary )?(?:failure (?:due to (?:a )?lack of memory|to "
         r"allocate (?:system )?memory\b.*)|failed to allocate memory\b.*|out of memory)$",
         no_memory),
    Rule("not-of-kind", "", r"^.*\bnot of (?P<kind>(?:kind )?\$ZX_RSRC_KIND_\w+).*$",
         resource_kind),
    # Understood, but only a guest can show them: tagged, so that a hand-written test of one
    # wording still covers another wording of the same condition.
    Rule("unsupported-guest-operation", "",
         r"^(?=.*\b(?:unsupported|not supported)\b)(?=.*\b(?:instruction|operation|access)\b)"
         r"(?=.*\b(?:executed|executing|execution|guest)\b).*$",
         untestable("needs a guest that does what is not supported: a hand-written test")),
    Rule("passed", "integer", A + r"(?:passed|expired|elapsed)\b.*$",
         untestable("needs an empty port and a clock: a hand-written test")),
    Rule("outside-address-space", "",
         r"^.*\b(?:range|region)\b.*\b(?:outside|out of)\b.*\baddress space\b.*$",
         untestable("depends on the size of the address space of *kind*: needs a hand-written "
                    "test")),
    # Conditions on an object's state: only a hand-written test can put the object in that
    # state. A specific state is an instance of the generic one (INSTANCE_OF).
    Rule("bad-state", "handle", A + IS + r" (?:in (?:an?|the) (?:bad|invalid|wrong) state|"
         r"not in (?:an?|the) (?:(?:valid|suitable|usable|proper) state|state (?:where|that|"
         r"which|to|in which)))\b.*$",
         untestable(GENERIC_STATE)),
    Rule("wrong-thread", "handle",
         r"^(?=.*\bthreads?\b)(?=.*\b(?:not|another|other|different)\b)(?=.*\bcreat\w*\b)"
         r".*?@(?P<arg>\w+)\b.*$", untestable(NEEDS_STATE)),
    Rule("not-paused", "handle",
         r"^(?:the )?(?:execution of )?@(?P<arg>\w+) (?:is (?:currently |still )?(?:running|"
         r"executing|not paused|not stopped)|has not (?:been )?paused)\b.*$",
         untestable(NEEDS_STATE)),
    Rule("canceled", "handle", r"^(?:the )?execution of @(?P<arg>\w+) (?:was|is|has been) "
         r"canceled\b.*$", untestable(NEEDS_CANCEL)),
    Rule("canceled", "handle", A + r"(?:execution )?(?:was|is|has been) canceled\b.*$",
         untestable(NEEDS_CANCEL)),
    Rule("internal-error", "handle", r"^there (?:was|is) an? (?:internal )?error (?:while )?"
         r"(?:executing|running) @(?P<arg>\w+)$", untestable(INTERNAL)),
    Rule("internal-error", "", r"^(?:an? )?internal error\b.*$", untestable(INTERNAL)),
    Rule("already-exists-same", "", r"^an? \w+ with the same @\w+(?:,? (?:and )?@\w+)* "
         r"already exists$", untestable(NEEDS_STATE)),
    Rule("already-exists-overlapping", "", r"^an? \w+ (?:for @\w+ )?already exists (?:that|"
         r"which) (?:intersects|overlaps)\b.*$", untestable(NEEDS_STATE)),
    Rule("", "", r"^.*\b(?:hardware|host|device|platform)\b.*$",
         untestable("depends on the host platform (hardware virtualization support)")),
    Rule("", "", r"^.*\b(?:already|thread|paused|deadline|pending|canceled|executing|executed|"
         r"state|queue|unsupported|supported|internal)\b.*$", untestable(NEEDS_STATE)),
    Rule("", "", r"^.*\b(?:outside|bounds of) (?:of )?the (?:valid )?(?:bounds of the )?address "
         r"space\b.*$",
         untestable("depends on the size of the address space of *kind*: needs a hand-written "
                    "test")),
    Rule("with-handle", "integer",
         A + r"is (?P<set>\$ZX_\w+(?: or \$ZX_\w+)*) and @(?P<other>\w+) is not "
         r"\$ZX_HANDLE_INVALID$", value_with_handle),
    Rule("with-handle", "integer",
         r"^(?P<set>\$ZX_\w+(?: or \$ZX_\w+)*) (?:is|was) (?:specified|given|used) with an? "
         r"@(?P<other>\w+)(?: handle)?$", value_with_handle),
    Rule("", "", r"^.*@\w+.*\band\b.*@\w+.*$",
         untestable("a compound condition on several arguments: needs a hand-written test")),
    Rule("", "", r"^.*\b(?:when|if|for|with) (?:an? )?\$ZX_\w+.*$",
         untestable("holds only for some values of another argument: needs a hand-written test")),
    Rule("", "", r"^.*\$ZX_\w+ (?:is|was) (?:specified|given|used) with\b.*$",
         untestable("holds only for some values of another argument: needs a hand-written test")),
]
_COMPILED = [(re.compile(rule.pattern), rule) for rule in ERROR_RULES]

# A specific condition -> the generic condition it is an instance of. A hand-written test of the
# specific one (for the same call, status and subject argument) also covers a page that states
# only the generic one: a test that gets ZX_ERR_BAD_STATE from zx_vcpu_resume on a thread that
# did not create the VCPU shows that "*handle* is in a bad state" gives ZX_ERR_BAD_STATE.
INSTANCE_OF = {
    "wrong-thread": "bad-state",
    "not-paused": "bad-state",
    "already-exists-same": "already-exists-overlapping",
}


def _subject_fits(rule, arg):
    if not rule.subject:
        return True
    if arg is None:
        return False
    return {"handle": arg.is_handle, "pointer": arg.pointer,
            "integer": not arg.pointer and not arg.is_handle}[rule.subject]


def _owner_of_constants(clause, text):
    """The argument whose values the constants are: the one integer argument that other
    clauses of the page name together with constants of the same family (ZX_GUEST_TRAP_*)."""
    families = {name.rsplit("_", 1)[0] for name in re.findall(r"\$(ZX_\w+)", text)}
    owners = {arg for arg, family in clause.constant_families if family in families}
    return owners.pop() if len(owners) == 1 else ""


def _size_of(proto, pointer):
    """The integer argument giving the size of the pointer argument named `pointer`: the one
    right after it, when its name says it is a size (buffer, buffer_size / len / num_bytes)."""
    names = [a.name for a in proto.args]
    if pointer not in names or names.index(pointer) + 1 == len(names):
        return ""
    after = proto.args[names.index(pointer) + 1]
    sized = re.search(r"(?:^|_)(?:size|len|length|count|num_bytes)$", after.name)
    return after.name if sized and not after.pointer and not after.is_handle else ""


@dataclass(frozen=True)
class Meaning:
    tag: str
    subject: str      # the argument the condition is about ("" for none)
    rule: Rule
    match: dict


def understand(clause, proto, misfits=None):
    """The first rule whose words match and whose subject fits the prototype -> Meaning, or
    None. Needs no headers: a clause's meaning (and so its id) depends on the page alone.
    misfits, if given, receives why matching rules did not fit."""
    canon = normalise(clause.canon)
    for pattern, rule in _COMPILED:
        match = pattern.match(canon)
        if not match:
            continue
        groups = match.groupdict(default="")
        groups["clause"] = clause
        if not groups.get("arg") and groups.get("buf"):
            groups["arg"] = _size_of(proto, groups["buf"])
        if not groups.get("arg") and groups.get("set"):
            groups["arg"] = _owner_of_constants(clause, groups["set"])
        arg = proto.arg(groups["arg"]) if groups.get("arg") else None
        if groups.get("arg") and arg is None:
            if misfits is not None:
                misfits.append(f"*{groups['arg']}* names no argument of {proto.name}")
            continue
        if _subject_fits(rule, arg):
            return Meaning(rule.tag, groups.get("arg", ""), rule, groups)
        if arg is None:
            if misfits is not None:
                misfits.append("its constants are the values of no single argument")
            continue
        if misfits is not None:
            misfits.append(f"*{arg.name}* is not a {rule.subject} argument ({arg.type})")
    return None


def error_faults(clause, proto, headers):
    """ERRORS clause -> [Fault]; raises NotTestable with the reason when there are none."""
    misfits = []
    meaning = understand(clause, proto, misfits)
    if meaning is None:
        raise NotTestable(misfits[0] if misfits else "no catalogue rule matches this condition")
    arg = proto.arg(meaning.subject) if meaning.subject else None
    return meaning.rule.build(meaning.match, arg, proto, headers)


# ---------------------------------------------------------------------------------------------
# Later-dialect "Rights" sections: "*h* must be of type T [or U] and have R1 [and have R2]".

REQUIRED_RIGHTS_RE = re.compile(
    r"^@(?P<arg>\w+) must (?:be of type (?P<types>\$ZX_OBJ_TYPE_\w+(?: or \$ZX_OBJ_TYPE_\w+)*))?"
    r"(?: and )?(?:have (?P<rights>\$ZX_RIGHT_\w+(?:,? (?:and )?(?:have )?\$ZX_RIGHT_\w+)*))?$")


def required_rights_meaning(clause, proto):
    """-> (arg, types, rights, resource kinds) or raises NotTestable."""
    canon = clause.canon
    kind = re.match(r"^@(?P<arg>\w+) must (?:have|be of) (?:the )?(?:resource )?kind "
                    r"\$(?P<kind>ZX_RSRC_KIND_\w+)$", canon)
    if kind:
        return _handle_arg(proto, kind["arg"]), [], [], [kind["kind"]]
    if re.match(r"^(?:the )?caller(?:s)? job policy must allow\b", canon):
        raise NotTestable("needs a job whose policy forbids it, and the API under test has no "
                          "jobs")
    if re.match(r"^(?:if|when)\b", canon):
        raise NotTestable("holds only for some values of another argument: needs a hand-written "
                          "test")
    match = REQUIRED_RIGHTS_RE.match(canon)
    if not match or not (match["types"] or match["rights"]):
        raise NotTestable("no catalogue rule matches this rights requirement")
    arg = _handle_arg(proto, match["arg"])
    types = re.findall(r"\$(ZX_OBJ_TYPE_\w+)", match["types"] or "")
    rights = re.findall(r"\$(ZX_RIGHT_\w+)", match["rights"] or "")
    return arg, types, rights, []


def required_rights_faults(clause, proto, headers):
    """A wrong-type row (when a type is required), one missing-rights row per right, and a
    wrong-kind row for a required resource kind."""
    arg, types, rights, kinds = required_rights_meaning(clause, proto)
    faults = [Fault("WRONG_TYPE", arg.name)] if types else []
    for kind in kinds:
        if kind not in headers.values:
            raise NotTestable(f"the value of {kind} is not known from the headers")
        faults.append(Fault("RESOURCE_KIND", arg.name, value=headers.values[kind]))
    return faults + [Fault("MISSING_RIGHTS", arg.name, rights=r) for r in rights]


# Status a later-dialect "Rights" requirement implies, per fault. An ERRORS clause that states a
# status for the same fault replaces it (gen/tables.py).
REQUIRED_RIGHTS_STATUS = {"WRONG_TYPE": "ZX_ERR_WRONG_TYPE", "MISSING_RIGHTS": "ZX_ERR_ACCESS_DENIED",
                          "RESOURCE_KIND": "ZX_ERR_ACCESS_DENIED"}


# ---------------------------------------------------------------------------------------------
# Behaviour sentences (DESCRIPTION, RETURN VALUE): a topic, which is also the sentence's meaning
# when two pages are compared. coverage "baseline": the ZX_OK baseline row tests it;
# "errors": the ERRORS rows test it; "guest": only a hand-written test can.

@dataclass(frozen=True)
class Topic:
    name: str
    all_of: tuple      # each item: a set of keys of which one must appear
    coverage: str


BEHAVIOUR_TOPICS = [
    Topic("returns-ok-on-success", ({"$ZX_OK"}, {"success", "successful", "succeeds"}), "baseline"),
    Topic("returns-error-on-failure", ({"failure", "fails"}, {"error", "negative"}), "errors"),
    Topic("creates-object", ({"%self"}, {"creates", "create", "creating"}), "baseline"),
    Topic("several-vcpus-per-guest", ({"more", "several", "multiple", "many"},
                                       {"vcpu", "vcpus"}, {"guest"}), "guest"),
    Topic("entry-is-initial-instruction-pointer", ({"@entry"}, {"instruction", "execution"}),
          "guest"),
    Topic("callable-from-any-thread", ({"any"}, {"thread"}), "guest"),
    Topic("vcpu-bound-to-creating-thread", ({"thread"}, {"bound", "same", "created"}), "guest"),
]


def topic_of(clause):
    keys = set(clause.canon.replace("%" + clause.call, "%self").split())
    for topic in BEHAVIOUR_TOPICS:
        if all(keys & set(group) for group in topic.all_of):
            return topic
    return None
