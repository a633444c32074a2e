"""Rule files → engine rules in durable-rules' JSON dialect (plain data; no engine import).

Each check is read three-valued. For each anchor fact (a step of the `each` kind, or the
record), with W ranging over steps of the needed kinds:

    sat   some W surely meets the conditions                 -> satisfied
    poss  some W possibly but not surely meets them (and, with `due`, the due day may
          have passed); a W that surely meets them fires `sat` only
    viol  no W possibly meets them (or there is no W), and any `due` day has passed
    due   as viol, but the `due` day has only possibly passed
    some  some W of the needed kinds exists (for `missing: not_applicable`)

evaluate.py folds them per anchor: sat, else viol (not applicable instead when the check
says a wholly missing step is not its business and there is none), else poss/due -> not
evaluable, else not applicable.

Conditions become a disjunction of conjunctions (alternatives that compare with another
fact cannot sit inside an `$or` in this engine, so they become separate terms). `when`
is compiled the same way, as a check of the record against itself.

Fact properties always exist (facts.py fills unknowns), so joins never hit a missing
property; `<field>_known` says whether a value was given.
"""
from __future__ import annotations

import datetime as dt
import itertools
import json
from dataclasses import dataclass, field
from typing import Any

from .. import vocabulary as voc
from ..facts import FactPlan, period_prop, prop
from ..rule_model import DATE_OPS, NUMBER_OPS, Check, Condition, Ref, Rule

Cond = dict[str, Any]
Term = list[Cond]          # conjunction
DNF = list[Term]           # disjunction of conjunctions

ANCHOR, RECORD, WITNESS, NOW = "a", "r", "w", "n"
_OPS = {**DATE_OPS, **NUMBER_OPS}
_CMP = {"<=": "$lte", "<": "$lt", ">=": "$gte", ">": "$gt"}
_NOT_CMP = {"<=": "$gt", "<": "$gte", ">=": "$lt", ">": "$lte"}


@dataclass(frozen=True)
class Tag:
    """What one engine rule means when it fires."""

    rule: str
    check: int | str          # index into rule.checks, or 'when'
    outcome: str              # sat | poss | viol | due | some
    group: str = ""           # the legal rule whose ruleset holds it (shared conditions: the first user)

    @property
    def key(self) -> tuple[str, int | str]:
        return self.rule, self.check


@dataclass
class CompiledRuleset:
    record_type: str
    engine_rules: dict[str, dict] = field(default_factory=dict)
    tags: dict[str, Tag] = field(default_factory=dict)
    plan: FactPlan = field(default_factory=FactPlan)
    # (rule id, 'when' or 'Nwhen') -> the shared condition that answers it: conditions on the
    # record (mostly "in force on the decision date") are the same for many rules, and each
    # is compiled once
    shared: dict[tuple[str, str], str] = field(default_factory=dict)


def is_join(cond: Cond) -> bool:
    """True when a condition compares with another fact (an alias reference)."""
    (key, value), = cond.items()
    if key in ("$and", "$or"):
        return any(is_join(c) for c in value)
    if key in _CMP.values() or key == "$neq":
        (_, rhs), = value.items()
        return isinstance(rhs, dict)
    if key.startswith("$"):
        return False
    return isinstance(value, dict)


def _any(alternatives: list[Cond]) -> Cond:
    return alternatives[0] if len(alternatives) == 1 else {"$or": alternatives}


class _Compiler:
    def __init__(self, rule: Rule, scope: str):
        self.rule = rule
        self.scope = scope
        self.periods: set = set()
        self.mirrored: set = set()
        self.params: set[str] = set()
        self.uses_record = False

    # ------------------------------------------------------------ references
    def _ref_bounds(self, ref: Ref, anchor_kind: str) -> tuple[Any, Any]:
        """(lower, upper) of what a condition compares with, as engine operands."""
        if ref.kind == "literal":
            value = ref.value.toordinal() if isinstance(ref.value, dt.date) else ref.value
            return value, value
        if ref.kind == "param":
            self.params.add(ref.field)
            alias = f"p_{ref.field}"
            return {alias: "lo"}, {alias: "hi"}
        alias = ANCHOR if ref.alias == anchor_kind else RECORD
        if alias == RECORD:
            self.uses_record = True
        name = prop(ref.field)
        if ref.period:
            self.periods.add((ref.alias, ref.field, ref.period))
            name = period_prop(ref.field, ref.period)
        lo, hi = {alias: name + "_lo"}, {alias: name + "_hi"}
        if ref.factor is not None:
            lo = {"$mul": {"$l": lo, "$r": ref.factor}}
            hi = {"$mul": {"$l": hi, "$r": ref.factor}}
        return lo, hi

    def _ref_alias_field(self, ref: Ref, anchor_kind: str) -> tuple[str, str]:
        alias = ANCHOR if ref.alias == anchor_kind else RECORD
        if alias == RECORD:
            self.uses_record = True
        return alias, prop(ref.field)

    # ------------------------------------------------------------ one condition
    def atom(self, cond: Condition, anchor_kind: str, witness_kinds: tuple[str, ...]) -> tuple[DNF, DNF, DNF]:
        """(surely, possibly, possibly but not surely) of one condition on the witness, as DNFs.

        The third is `possibly and not surely`, worked out per operator (an unknown value
        is never equal to a given one, facts.UNKNOWN_TEXT): a witness that surely meets a
        check then fires only `sat`, not `poss` as well."""
        f = prop(cond.field)
        if cond.shift:
            for kind in witness_kinds:
                self.periods.add((anchor_kind if kind == "same" else kind, cond.field, cond.shift))
            f = period_prop(cond.field, cond.shift)
        known = {f + "_known": 1}
        unknown = {f + "_known": 0}
        if cond.op in _OPS:
            op = _OPS[cond.op]
            lo, hi = self._ref_bounds(cond.ref, anchor_kind)
            if op in ("<=", "<"):
                sure, poss = {_CMP[op]: {f + "_hi": lo}}, {_CMP[op]: {f + "_lo": hi}}
                not_sure = {_NOT_CMP[op]: {f + "_hi": lo}}
            else:
                sure, poss = {_CMP[op]: {f + "_lo": hi}}, {_CMP[op]: {f + "_hi": lo}}
                not_sure = {_NOT_CMP[op]: {f + "_lo": hi}}
            return [[sure]], [[poss]], [[poss, not_sure]]
        value = cond.ref.value
        if cond.op == "has":
            return ([[known]], [[]], [[unknown]]) if value else ([[unknown]], [[]], [[known]])
        if cond.op in ("is", "in"):
            values = value if cond.op == "in" else [value]
            eqs = [{f: v} for v in values]
            return [[_any(eqs)]], [[_any([unknown] + eqs)]], [[unknown]]
        if cond.op in ("contains", "contains_all"):
            items = value if cond.op == "contains_all" else [value]
            members = [{"$iany": {f: {"$i": v}}} for v in items]
            every = members[0] if len(members) == 1 else {"$and": members}
            return [[known, every]], [[_any([unknown, every])]], [[unknown]]
        if cond.op == "matches":  # the engine's whole-string pattern (Lua-style escapes)
            hit = {"$mt": {f: value}}
            return [[known, hit]], [[_any([unknown, hit])]], [[unknown]]
        if cond.op == "lacks":
            # no item equals it; $iall alone is false on an empty list, hence the count
            absent = [{f + "_count": 0}, {"$iall": {f: {"$neq": {"$i": value}}}}]
            return [[known, _any(absent)]], [[_any([unknown] + absent)]], [[unknown]]
        if cond.op == "same_as":
            alias, other = self._ref_alias_field(cond.ref, anchor_kind)
            equal = {f: {alias: other}}
            other_unknown = {"$gt": {"one": {alias: other + "_known"}}}  # 1 > other_known
            return [[known, equal]], [[unknown], [other_unknown], [known, equal]], [[unknown], [other_unknown]]
        raise ValueError(f"operator {cond.op} not supported")

    def dnf(self, conditions: tuple[Condition, ...], anchor_kind: str,
            witness_kinds: tuple[str, ...]) -> tuple[DNF, DNF, DNF]:
        """(surely, possibly, possibly but not surely) of a conjunction of conditions:
        the last is, for some condition, it possibly-not-surely and the others possibly."""
        atoms = [self.atom(cond, anchor_kind, witness_kinds) for cond in conditions]
        sure: DNF = [[]]
        poss: DNF = [[]]
        for s, p, _ in atoms:
            sure = [a + b for a, b in itertools.product(sure, s)]
            poss = [a + b for a, b in itertools.product(poss, p)]
        unsure: DNF = []
        for i, (_, _, only) in enumerate(atoms):
            terms = only
            for j, (_, p, _) in enumerate(atoms):
                if j != i:
                    terms = [a + b for a, b in itertools.product(terms, p)]
            unsure += terms
        return sure, poss, unsure

    # ------------------------------------------------------------ patterns
    def anchor_pattern(self, check: Check) -> Cond:
        if check.each == "record":
            return {"t": "rec"}
        conds: Term = [{"t": "step"}, {"kind": check.each}]
        for cond in check.anchor_filter:
            s, _, _ = self.atom(cond, check.each, (check.each,))
            conds += s[0]
        return {"$and": conds}

    def witness_pattern(self, kinds: tuple[str, ...], anchor_kind: str, term: Term) -> Cond:
        if kinds == ("same",):
            self.mirrored.add(anchor_kind)
            base: Term = [{"t": "self"}, {"kind": anchor_kind}, {"of": {ANCHOR: "id"}}]
        else:
            base = [{"t": "step"}, _any([{"kind": k} for k in kinds])]
            if anchor_kind in voc.HOUSEHOLD_KIND_NAMES and set(kinds) <= voc.HOUSEHOLD_KIND_NAMES:
                base.append({"household": {ANCHOR: "household"}})  # the same household's steps
        conds = base + term
        return conds[0] if len(conds) == 1 else {"$and": conds}

    def check_rules(self, key: int | str, check: Check) -> list[tuple[str, list[dict], Tag]]:
        """Engine rules for one check: (name, patterns, tag)."""
        self.uses_record, self.params = False, set()
        sure_terms: list[tuple[tuple[str, ...], Term]] = []
        poss_terms: list[tuple[tuple[str, ...], Term]] = []
        unsure_terms: list[tuple[tuple[str, ...], Term]] = []
        for branch in check.branches:
            s, p, u = self.dnf(branch.conditions, check.each, branch.kinds)
            sure_terms += [(branch.kinds, t) for t in s]
            poss_terms += [(branch.kinds, t) for t in p]
            unsure_terms += [(branch.kinds, t) for t in u]
        witness = lambda kinds, term: self.witness_pattern(kinds, check.each, term)  # noqa: E731
        anchor = {ANCHOR: self.anchor_pattern(check)}
        due_sure = due_poss = None
        if check.due:
            ref = check.due_ref
            self.periods.add((ref.alias, ref.field, ref.period))
            name = period_prop(ref.field, ref.period)
            # passed surely: today > latest possible due day; possibly: today > earliest
            due_sure = {NOW: {"$and": [{"t": "now"}, {"$gt": {"day_lo": {ANCHOR: name + "_hi"}}}]}}
            due_poss = {NOW: {"$and": [{"t": "now"}, {"$gt": {"day_hi": {ANCHOR: name + "_lo"}}}]}}
            due_only_poss = {NOW: {"$and": [{"t": "now"}, {"$gt": {"day_hi": {ANCHOR: name + "_lo"}}},
                                            {"$lte": {"day_lo": {ANCHOR: name + "_hi"}}}]}}
        context = self._context_patterns()
        prefix = f"{self.rule.id}|{key}"
        if check.forbidden:  # each such step is itself the violation
            return [(f"{prefix}|viol", [anchor], Tag(self.rule.id, key, "viol"))]
        # No positive witness pattern may precede a negated one in the same rule: the engine
        # never lets one fact match two patterns of a rule, so the negation would skip the
        # very fact the positive pattern holds. Hence `poss` has no negation (the fold gives
        # `sat` precedence) and whether any needed step exists at all is its own rule.
        out = []
        for i, (kinds, term) in enumerate(sure_terms):
            out.append((f"{prefix}|sat|{i}", [anchor, *context(), {WITNESS: witness(kinds, term)}],
                        Tag(self.rule.id, key, "sat")))
        # `poss` fires for witnesses that possibly but not surely meet a term (one that
        # surely does already fired `sat`); "none possibly" below needs the whole of `poss`
        for j, (kinds, term) in enumerate(unsure_terms):
            pats = [anchor, *context()] + ([due_poss] if due_poss else []) + [{WITNESS: witness(kinds, term)}]
            out.append((f"{prefix}|poss|{j}", pats, Tag(self.rule.id, key, "poss")))
        no_possible = [{f"x{j}$not": witness(kinds, term)} for j, (kinds, term) in enumerate(poss_terms)]
        viol = [anchor, *context()] + ([due_sure] if due_sure else []) + no_possible
        out.append((f"{prefix}|viol", viol, Tag(self.rule.id, key, "viol")))
        if check.due:
            out.append((f"{prefix}|due", [anchor, *context(), due_only_poss] + no_possible,
                        Tag(self.rule.id, key, "due")))
        if check.missing_is_not_applicable:
            out.append((f"{prefix}|some", [anchor, {WITNESS: witness(check.need_kinds, [])}],
                        Tag(self.rule.id, key, "some")))
        return out

    def _context_patterns(self):
        """Record and parameter patterns the check's terms refer to."""
        def patterns() -> list[dict]:
            pats = []
            if self.uses_record:
                pats.append({RECORD: {"t": "rec"}})
            for name in sorted(self.params):
                pats.append({f"p_{name}": {"$and": [{"t": "param"}, {"name": name}]}})
            return pats
        return patterns


def when_check(rule: Rule) -> Check:
    """Applicability as a check of the record against itself: `when`, and being in force
    on the reference date (the decision date, or --as-of before there is one)."""
    in_force: dict[str, Any] = {}
    if rule.effective.start_known:
        in_force["not_before"] = rule.effective.from_
    elif rule.effective.set_by:      # facts.py: an unknown adoption date lets the rule apply
        in_force["not_before"] = f"param.{rule.effective.set_by}"
    if rule.effective.to:
        in_force["not_after"] = rule.effective.to
    return Check(each="record", need="same", where={**rule.when, **({"reference_date": in_force} if in_force else {})})


def check_condition_check(check: Check) -> Check:
    """A check's own `when`, as a check of the record against itself."""
    return Check(each="record", need="same", where=check.when)


def compile_rules(rules: list[Rule], record_type: str) -> CompiledRuleset:
    out = CompiledRuleset(record_type)
    periods, mirrored = set(), set()
    conditions: dict[str, str] = {}   # canonical record condition -> shared id
    for rule in rules:
        if record_type not in rule.applies_to or not rule.checks:
            continue
        comp = _Compiler(rule, record_type)
        checks: list[tuple[int | str, Check]] = []
        record_conditions = [("when", when_check(rule))]
        for i, c in enumerate(rule.checks):
            if c.applies_to_type(record_type):
                checks.append((i, c))
                if c.when:
                    record_conditions.append((f"{i}when", check_condition_check(c)))
        for key, check in record_conditions:
            canon = json.dumps(check.model_dump(mode="json"), sort_keys=True)
            if canon not in conditions:
                conditions[canon] = shared = f"~{len(conditions)}"
                for name, patterns, tag in comp.check_rules("cond", check):
                    name = name.replace(f"{rule.id}|cond", shared, 1)
                    out.engine_rules[name] = {"all": patterns}
                    out.tags[name] = Tag(shared, "cond", tag.outcome, rule.id)
            out.shared[(rule.id, key)] = conditions[canon]
        for key, check in checks:
            for name, patterns, tag in comp.check_rules(key, check):
                out.engine_rules[name] = {"all": patterns}
                out.tags[name] = Tag(tag.rule, tag.check, tag.outcome, rule.id)
        periods |= comp.periods
        mirrored |= comp.mirrored
    out.plan = FactPlan(frozenset(periods), frozenset(mirrored))
    return out
