"""The one place that knows what spec phrases mean: clause -> faults (table rows) or a reason.

Rules match a clause's canonical form (see parse_page.Word.key): arguments as @name, constants
as $ZX_NAME, calls as %zx_name, other words lower-cased, punctuation dropped. So "*guest* is an
invalid handle." and "*guest* isn't a valid handle" both reach the BAD_HANDLE rule, and the rule
then checks the meaning against the prototype (is @guest a handle argument?).

To extend: add a rule to ERROR_RULES (pattern + builder returning Fault specs, or raising
NotTestable with a reason), or a topic to BEHAVIOUR_TOPICS.
"""
import re
from dataclasses import dataclass

# Several rights named in one condition give one row per right, each removing only that right:
# a handle lacking any one of them must be refused.
ANY_RIGHT_MISSING_GIVES_ONE_ROW_PER_RIGHT = True
# A rights value no handle has in full (every defined bit but ZX_RIGHT_SAME_RIGHTS).
RIGHTS_NO_HANDLE_HAS = 0x7FFFFFFF


@dataclass(frozen=True)
class Fault:
    fault: str           # zxc_fault name without ZXC_FAULT_
    arg: str = ""        # argument name; "" for none
    rights: str = ""     # C expression (MISSING_RIGHTS, DEFAULT_RIGHTS)
    value: int = 0       # VALUE

    @property
    def key(self):
        return (self.fault, self.arg, self.rights, self.value)


class NotTestable(Exception):
    """The clause is understood (or not) but no table row can test it; the message says why."""


# ---------------------------------------------------------------------------------------------
# ERRORS conditions.

ARG = r"@(?P<arg>\w+)"


def _handle_arg(proto, name):
    arg = _arg(proto, name)
    if not arg.is_handle:
        raise NotTestable(f"*{name}* is not a handle argument ({arg.type})")
    return arg


def _arg(proto, name):
    arg = proto.arg(name)
    if arg is None:
        raise NotTestable(f"*{name}* names no argument of {proto.name}")
    return arg


def _int_arg(proto, name):
    arg = _arg(proto, name)
    if arg.pointer:
        raise NotTestable(f"*{name}* is a pointer, not an integer argument")
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


def bad_handle(m, proto, headers):
    return [Fault("BAD_HANDLE", _handle_arg(proto, m["arg"]).name)]


def wrong_type(m, proto, headers):
    return [Fault("WRONG_TYPE", _handle_arg(proto, m["arg"]).name)]


def missing_rights(m, proto, headers):
    arg = _handle_arg(proto, m["arg"])
    rights = re.findall(r"\$(ZX_RIGHT_\w+)", m["rights"])
    if not rights:
        raise NotTestable("names no ZX_RIGHT_* right")
    return [Fault("MISSING_RIGHTS", arg.name, rights=r) for r in rights]


def invalid_pointer(m, proto, headers):
    arg = _arg(proto, m["arg"])
    if not arg.pointer:
        raise NotTestable(f"*{arg.name}* is not a pointer argument")
    faults = [] if m.get("nonnull") else [Fault("NULL_POINTER", arg.name)]
    faults.append(Fault("UNMAPPED_POINTER", arg.name))
    if arg.is_out_pointer:
        faults.append(Fault("READONLY_POINTER", arg.name))
    return faults


def nonzero(m, proto, headers):
    arg = _int_arg(proto, m["arg"])
    return _values(arg, 1, _type_max(arg))


def zero(m, proto, headers):
    return _values(_int_arg(proto, m["arg"]), 0)


def at_least(m, proto, headers):
    arg = _int_arg(proto, m["arg"])
    bound = int(m["n"], 0) + (1 if m.get("strict") else 0)
    return _values(arg, bound, _type_max(arg))


def not_one_of(m, proto, headers):
    arg = _int_arg(proto, m["arg"])
    allowed = []
    for token in re.findall(r"\$(ZX_\w+)|\b(0x[0-9a-f]+|\d+)\b", m["set"]):
        name, number = token
        if name and name not in headers.values:
            raise NotTestable(f"the value of {name} is not known from the headers")
        allowed.append(headers.values[name] if name else int(number, 0))
    if not allowed:
        raise NotTestable("names no allowed values")
    return _values(arg, max(allowed) + 1, _type_max(arg))


def beyond_end(m, proto, headers):
    arg = _int_arg(proto, m["arg"])
    _arg(proto, m["other"])
    return _values(arg, _type_max(arg))


def too_small(m, proto, headers):
    return _values(_int_arg(proto, m["arg"]), 0)


def wrong_size(m, proto, headers):
    return _values(_int_arg(proto, m["arg"]), 1)


def not_subset(m, proto, headers):
    arg = _int_arg(proto, m["arg"])
    _handle_arg(proto, m["other"])
    return _values(arg, RIGHTS_NO_HANDLE_HAS)


def no_memory(m, proto, headers):
    return [Fault("NO_MEMORY")]


def untestable(reason):
    def rule(m, proto, headers):
        raise NotTestable(reason)
    return rule


NEEDS_STATE = ("depends on object state or on running a guest: needs a hand-written test "
               "(ZXC_COVERS)")
ERROR_RULES = [
    (rf"^{ARG} (?:is an invalid|is not a valid|isn't a valid|is not a) handle"
     r"(?: other than \$ZX_HANDLE_INVALID)?$", bad_handle),
    (rf"^{ARG} (?:is not|isn't) (?:a handle to )?an? [\w ]+?(?: handle| object)?$", wrong_type),
    (rf"^{ARG} (?:does not have|doesn't have|lacks) (?:the )?(?P<rights>(?:\$ZX_RIGHT_\w+"
     r"(?: and| or)? ?)+) rights?$", missing_rights),
    (rf"^{ARG} is (?:an invalid|not a valid|a bad) pointer(?: or null)?"
     r"(?P<nonnull> other than null)?$", invalid_pointer),
    (rf"^{ARG} is null$", lambda m, p, h: [Fault("NULL_POINTER", _arg(p, m["arg"]).name)]),
    (rf"^{ARG} is (?:nonzero|non-zero|not zero|not 0|any value other than 0)$", nonzero),
    (rf"^{ARG} is (?:zero|0)$", zero),
    (rf"^{ARG} is (?P<n>0x[0-9a-f]+|\d+) or (?:greater|more|larger)$", at_least),
    (rf"^{ARG} is (?:greater than or equal to|at least) (?P<n>0x[0-9a-f]+|\d+)$", at_least),
    (rf"^{ARG} is (?P<strict>greater|larger) than (?P<n>0x[0-9a-f]+|\d+)$", at_least),
    (rf"^{ARG} is (?:not|neither|not one of) (?P<set>(?:(?:\$ZX_\w+|0x[0-9a-f]+|\d+)"
     r"(?: or| nor| and)? ?)+)$", not_one_of),
    (rf"^{ARG} plus @(?P<other>\w+) (?:overflows|wraps around|is greater than the size of"
     r"|is beyond the end of|exceeds the size of)\b.*$", beyond_end),
    (rf"^{ARG} is too small\b.*$", too_small),
    (rf"^{ARG} (?:is not|does not match) the size of\b.*$", wrong_size),
    (rf"^{ARG} (?:is not a subset of|contains rights not in) the rights of @(?P<other>\w+)$",
     not_subset),
    (r"^(?:temporary )?failure due to (?:a )?lack of memory$", no_memory),
    (r"^.*\bnot of kind \$ZX_RSRC_KIND_\w+$",
     untestable("needs a resource of another kind, which no call of the API creates")),
    (r"^.*\b(?:hardware|host)\b.*$",
     untestable("depends on the host platform (hardware virtualization support)")),
    (r"^.*\b(?:already|thread|paused|deadline|pending|canceled|executing|executed|state|"
     r"queue|unsupported|supported)\b.*$", untestable(NEEDS_STATE)),
    (r"^.*\boutside the address space\b.*$",
     untestable("depends on the size of the address space of *kind*: needs a hand-written "
                "test")),
    (r"^.*@\w+.*\band\b.*@\w+.*$",
     untestable("a compound condition on several arguments: needs a hand-written test")),
    (r"^.*\b(?:when|if|for) (?:an? )?\$ZX_\w+.*$",
     untestable("holds only for some values of another argument: needs a hand-written test")),
]
_COMPILED = [(re.compile(pattern), build) for pattern, build in ERROR_RULES]


def error_faults(clause, proto, headers):
    """ERRORS clause -> [Fault]; raises NotTestable with the reason when there are none."""
    reasons = []
    for pattern, build in _COMPILED:
        match = pattern.match(clause.canon)
        if match:
            try:
                return build(match.groupdict(default=""), proto, headers)
            except NotTestable as why:  # the words fit but the meaning does not: try the next
                reasons.append(str(why))
    raise NotTestable(reasons[0] if reasons else "no catalogue rule matches this condition")


def required_rights_faults(clause, proto, headers):
    """A later-dialect "Rights" sentence: "*h* must be of type T and have R" -> faults."""
    match = re.match(r"^@(\w+) must (?:be of type \$ZX_OBJ_TYPE_\w+)?(?: and )?"
                     r"(?:have (.*))?$", clause.canon)
    if not match:
        raise NotTestable("no catalogue rule matches this rights requirement")
    arg = _handle_arg(proto, match.group(1))
    faults = [Fault("WRONG_TYPE", arg.name)] if "$ZX_OBJ_TYPE_" in clause.canon else []
    faults += [Fault("MISSING_RIGHTS", arg.name, rights=r)
               for r in re.findall(r"\$(ZX_RIGHT_\w+)", match.group(2) or "")]
    return faults


# Status a later-dialect "Rights" requirement implies, per fault.
REQUIRED_RIGHTS_STATUS = {"WRONG_TYPE": "ZX_ERR_WRONG_TYPE", "MISSING_RIGHTS": "ZX_ERR_ACCESS_DENIED"}


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
