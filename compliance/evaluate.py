"""Run the engine over one record and read its answers as one result per rule.

The engine decides every condition (engine/compile.py says what each firing means);
this module only folds the firings together with a fixed, three-valued reading:

- per anchor: satisfied if any `sat`, else violated if `viol` (unless the check leaves a
  wholly missing step to other rules and none exists), else not evaluable if
  `poss`/`due`, else not applicable (a deadline not yet passed);
- per check: the worst anchor (violated > not evaluable > satisfied > not applicable);
- per rule: the worst check, unless `when` says the rule does not apply (not
  applicable) or cannot say (a violation becomes not evaluable).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from .engine.compile import CompiledRuleset
from .engine.durable_adapter import DurableEngine
from .facts import Facts, build_facts
from .models import Record
from .profiles import Profile
from .rule_model import Rule
from .rulebook import Rulebook
from .rulebook_cache import prepared

VIOLATED, NOT_EVALUABLE, SATISFIED, NOT_APPLICABLE, WAIVED = (
    "violated", "not_evaluable", "satisfied", "not_applicable", "waived")
RESULT_RANK = {VIOLATED: 3, NOT_EVALUABLE: 2, SATISFIED: 1, NOT_APPLICABLE: 0}   # worst first when sorted down


@dataclass
class AnchorResult:
    anchor: str                          # fact id of the anchor ('rec' for the record)
    result: str
    witnesses: tuple[str, ...] = ()      # fact ids that (possibly) met the check


@dataclass
class CheckResult:
    index: int | str
    result: str
    anchors: list[AnchorResult] = field(default_factory=list)

    def worst_anchors(self) -> list[AnchorResult]:
        return [a for a in self.anchors if a.result == self.result]


@dataclass
class RuleResult:
    rule: Rule
    result: str
    applicability: str                   # applies | unknown | not_applicable
    checks: list[CheckResult] = field(default_factory=list)
    household: str | None = None         # for checks anchored on a household entry's steps

    def deciding_checks(self) -> list[CheckResult]:
        """The checks that gave the rule its result."""
        target = VIOLATED if self.result == VIOLATED else self.result
        if self.result == NOT_EVALUABLE and self.applicability == "unknown":
            return [c for c in self.checks if c.result in (VIOLATED, NOT_EVALUABLE)]
        return [c for c in self.checks if c.result == target]


def _fold(outcomes: set[str], missing_is_not_applicable: bool) -> str:
    if "sat" in outcomes:
        return SATISFIED
    if "viol" in outcomes:
        if missing_is_not_applicable and "some" not in outcomes:
            return NOT_APPLICABLE
        return VIOLATED
    if outcomes & {"poss", "due"}:
        if "due" in outcomes and missing_is_not_applicable and "some" not in outcomes:
            return NOT_APPLICABLE
        return NOT_EVALUABLE
    return NOT_APPLICABLE


def worst(results) -> str:
    """The worst of several results: violated > not evaluable > satisfied > not applicable."""
    return max(results, key=RESULT_RANK.__getitem__, default=NOT_APPLICABLE)


class Evaluator:
    """Compiled rules for each record type, checked by the engine. Never shared between processes
    (a durable-rules host belongs to the process that built it); the checklist builds a second
    one over the gate's rules only."""

    def __init__(self, rulebook: Rulebook):
        self.rulebook = rulebook
        self._compiled: dict[str, tuple[CompiledRuleset, DurableEngine]] = {}

    def compiled(self, record_type: str) -> tuple[CompiledRuleset, DurableEngine]:
        if record_type not in self._compiled:
            compiled, plans = prepared(self.rulebook, record_type)  # stored across runs when possible
            self._compiled[record_type] = (compiled, DurableEngine(plans=plans))
        return self._compiled[record_type]

    def facts_for(self, record: Record, profile: Profile, as_of: dt.date) -> Facts:
        compiled, _ = self.compiled(record.type)
        return build_facts(record, profile, as_of, compiled.plan)

    def firings(self, record: Record, facts: Facts) -> dict[tuple[str, int | str], dict[str, dict]]:
        """{(rule id, check): {anchor id: {'outcomes': set, 'witnesses': set}}}."""
        compiled, engine = self.compiled(record.type)
        tags = compiled.tags
        table: dict[tuple[str, int | str], dict[str, dict]] = {}
        for name, match in engine.matches(facts.facts):
            tag = tags[name]
            slots = table.get(tag.key)
            if slots is None:
                slots = table[tag.key] = {}
            slot = slots.get(match["a"])
            if slot is None:
                slot = slots[match["a"]] = {"outcomes": set(), "witnesses": set()}
            slot["outcomes"].add(tag.outcome)
            if tag.outcome in ("sat", "poss") and "w" in match:
                slot["witnesses"].add(match["w"])
        for (rule_id, key), shared in compiled.shared.items():  # each rule reads its shared condition
            table[(rule_id, key)] = table.get((shared, "cond"), {})
        return table

    def evaluate(self, record: Record, profile: Profile, as_of: dt.date) -> tuple[list[RuleResult], Facts]:
        facts = self.facts_for(record, profile, as_of)
        table = self.firings(record, facts)
        conditions: dict[int, str] = {}   # rules share conditions: each is folded once per record
        results = [r for rule in self.rulebook.for_type(record.type)
                   for r in fold_rule(rule, table, facts.households, conditions)]
        return results, facts


def _record_level(slots: dict) -> str:
    """The result of a check of the record against itself (`when`): the worst anchor."""
    result, rank = NOT_APPLICABLE, 0
    for slot in slots.values():
        r = _fold(slot["outcomes"], False)
        if RESULT_RANK[r] > rank:
            result, rank = r, RESULT_RANK[r]
    return result


def fold_rule(rule: Rule, table: dict, households: dict[str, str] | None = None,
              conditions_seen: dict[int, str] | None = None) -> list[RuleResult]:
    """One result for the record, plus one per household whose own steps the rule checks.
    `conditions_seen`: results of record-level conditions already folded for this table
    (keyed by the identity of their firings, which rules with the same condition share)."""
    households = households or {}
    seen = {} if conditions_seen is None else conditions_seen

    def condition(key: str) -> str:
        slots = table.get((rule.id, key))
        if not slots:
            return NOT_APPLICABLE
        if id(slots) not in seen:
            seen[id(slots)] = _record_level(slots)
        return seen[id(slots)]

    grouped: dict[int | str, dict[str | None, list[str]]] = {}

    def anchors_of(key: int | str, slots: dict, household: str | None) -> list[str]:
        """The check's anchors of one household, sorted (grouped once: linear in households)."""
        if key not in grouped:
            by_household: dict[str | None, list[str]] = {}
            for a in sorted(slots):
                by_household.setdefault(households.get(a), []).append(a)
            grouped[key] = by_household
        return grouped[key].get(household, [])

    def check_result(key: int | str, household: str | None) -> CheckResult:
        slots = table.get((rule.id, key))
        if not slots:
            return CheckResult(key, NOT_APPLICABLE, [])
        # `when` and a check's own condition compare the record with itself (need: same),
        # so a missing step never makes them not applicable
        record_level = isinstance(key, str)
        missing_na = not record_level and rule.checks[key].missing_is_not_applicable
        anchors = []
        result_so_far, rank = NOT_APPLICABLE, 0
        for a in (sorted(slots) if record_level else anchors_of(key, slots, household)):
            slot = slots[a]
            result = _fold(slot["outcomes"], missing_na)
            anchors.append(AnchorResult(a, result, tuple(sorted(slot["witnesses"]))))
            if RESULT_RANK[result] > rank:
                result_so_far, rank = result, RESULT_RANK[result]
        return CheckResult(key, result_so_far, anchors)

    when = condition("when")
    applicability = {SATISFIED: "applies", NOT_EVALUABLE: "unknown"}.get(when, "not_applicable")
    groups = sorted({households[a] for i in range(len(rule.checks))
                     for a in table.get((rule.id, i), ()) if a in households}) if households else []
    conditions = {i: condition(f"{i}when") for i, c in enumerate(rule.checks) if c.when}

    def gated(i: int, household: str | None) -> CheckResult:
        """A check whose own `when` does not hold is not applicable; unknown softens a violation."""
        result = check_result(i, household)
        cond = conditions.get(i)
        if cond is None:
            return result
        if cond in (VIOLATED, NOT_APPLICABLE):
            return CheckResult(i, NOT_APPLICABLE, result.anchors)
        if cond == NOT_EVALUABLE and result.result == VIOLATED:
            return CheckResult(i, NOT_EVALUABLE, result.anchors)
        return result

    out = []
    for household in [None, *groups]:
        checks = [gated(i, household) for i in range(len(rule.checks))]
        result = worst([c.result for c in checks])
        if applicability == "not_applicable":
            result = NOT_APPLICABLE
        elif result == VIOLATED and applicability == "unknown":
            result = NOT_EVALUABLE
        out.append(RuleResult(rule, result, applicability, checks, household))
    return out
