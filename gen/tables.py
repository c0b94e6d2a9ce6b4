"""Specs -> conformance rows (one per distinct fault) and, per clause, how it is covered."""
from dataclasses import dataclass, field

import catalogue
from catalogue import Fault, NotTestable


@dataclass
class Row:
    test_name: str
    clause: object         # the first clause that asked for this fault
    spec: object
    fault: Fault
    expected: list         # status names; the first is the one the clause names
    clauses: list = field(default_factory=list)

    @property
    def arg_index(self):
        return self.spec.prototype.index(self.fault.arg) if self.fault.arg else -1

    @property
    def other_index(self):
        return self.spec.prototype.index(self.fault.other) if self.fault.other else -1


@dataclass
class Outcome:
    clause: object
    rows: list = field(default_factory=list)   # test names
    reason: str = ""                           # why no row tests it
    topic: str = ""


def _test_name(call, fault):
    name = f"{call}__{fault.arg or 'call'}__{fault.fault.lower()}"
    if fault.rights:
        name += "_" + fault.rights.replace("ZX_RIGHT_", "").lower()
    if fault.fault == "VALUE":
        name += f"_{fault.value:#x}"
    if fault.fault == "OFFSET":
        name += f"_{'minus' if fault.value < 0 else 'plus'}{abs(fault.value)}"
    if fault.fault == "WRAP":
        name = f"{call}__{fault.arg}__wraps_with_{fault.other}"
    if fault.fault == "KIND_OFFSET":
        name = (f"{call}__{fault.arg}__{fault.other_label.lower()}_size_"
                f"{'minus' if fault.value < 0 else 'plus'}{abs(fault.value)}")
    return name


def _clause_faults(clause, spec, headers):
    """-> [(Fault, status)]; raises NotTestable."""
    proto = spec.prototype
    if clause.section == "ERRORS":
        faults = [f for f in catalogue.error_faults(clause, proto, headers)
                  if not (f.fault == "NULL_POINTER" and f.arg in spec.optional_pointers)]
        return [(f, clause.status) for f in faults]
    if clause.section == "RIGHTS":
        arg = proto.arg(clause.handle_arg) if clause.handle_arg else None
        if arg is None or not arg.is_out_handle:
            raise NotTestable("the default-rights lead-in names no handle output argument")
        return [(Fault("DEFAULT_RIGHTS", arg.name, rights=clause.right), "ZX_OK")]
    if clause.section == "REQUIRED_RIGHTS":
        faults = catalogue.required_rights_faults(clause, proto, headers)
        return [(f, catalogue.REQUIRED_RIGHTS_STATUS[f.fault]) for f in faults]
    return []


def build_rows(specs, headers):
    """-> (rows, outcomes by clause id). Rows are ordered by call, then baseline, then clause."""
    rows, outcomes = [], {}
    for spec in sorted(specs, key=lambda s: s.call):
        by_key = {}
        implied = set()  # keys of rows whose status only a "Rights" requirement implies
        baseline = Row(f"{spec.call}__call__none", None, spec, Fault("NONE"), ["ZX_OK"])
        spec_rows = [baseline]
        behaviour = []
        for clause in spec.clauses:
            outcome = outcomes[clause.id] = Outcome(clause)
            try:
                faults = _clause_faults(clause, spec, headers)
            except NotTestable as why:
                outcome.reason = str(why)
                continue
            if not faults:
                behaviour.append(outcome)
            for fault, status in faults:
                row = by_key.get(fault.key)
                if row is None:
                    row = by_key[fault.key] = Row(_test_name(spec.call, fault), clause, spec,
                                                  fault, [])
                    spec_rows.append(row)
                if clause.section == "REQUIRED_RIGHTS":
                    if not row.expected:  # an implied status, until an ERRORS clause states one
                        row.expected.append(status)
                        implied.add(fault.key)
                else:
                    if fault.key in implied:
                        row.expected.clear()
                        implied.discard(fault.key)
                    if status not in row.expected:
                        row.expected.append(status)
                row.clauses.append(clause)
                outcome.rows.append(row.test_name)
        error_rows = [r.test_name for r in spec_rows if r.expected[0] != "ZX_OK"]
        for outcome in behaviour:
            _cover_behaviour(outcome, baseline, error_rows)
        candidates = ([c for c in baseline.clauses if c.section == "RETURN_VALUE"]
                      + baseline.clauses
                      + [c for c in spec.clauses if c.section == "RETURN_VALUE"] + spec.clauses)
        if not candidates:
            continue  # a page without clauses: lint reports its missing sections
        baseline.clause = candidates[0]
        rows.extend(spec_rows)
    return rows, outcomes


def _cover_behaviour(outcome, baseline, error_rows):
    topic = catalogue.topic_of(outcome.clause)
    outcome.topic = topic.name if topic else ""
    if topic and topic.coverage == "baseline":
        outcome.rows.append(baseline.test_name)
        baseline.clauses.append(outcome.clause)
    elif topic and topic.coverage == "errors" and error_rows:
        outcome.rows.extend(error_rows)
    elif topic:
        outcome.reason = f"behaviour ({topic.name}): needs a guest test (ZXC_COVERS)"
    else:
        outcome.reason = "behaviour sentence: needs a hand-written test (ZXC_COVERS)"
