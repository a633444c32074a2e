"""The rules' own examples (`tests:` in each rule file), run through the real check path."""
from __future__ import annotations

import copy
import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import waivers
from .evaluate import Evaluator, worst
from .loader import load_data
from .models import validate_record
from .profiles import load_profile
from .rule_model import Rule, RuleTest
from .rulebook import Rulebook

DEFAULT_AS_OF = dt.date(2026, 1, 1)


@dataclass
class RuleTestOutcome:
    rule: str
    test: str
    expected: str
    actual: str

    @property
    def passed(self) -> bool:
        return self.expected == self.actual


def apply_test(base: dict[str, Any], test: RuleTest) -> dict[str, Any]:
    """The base record with the test's changes: remove, change, add steps; set fields."""
    data = copy.deepcopy(base)
    steps = [s for s in data["steps"] if s.get("kind") not in set(test.remove)]
    for entry in data.get("household_entries") or []:   # `remove` reaches household steps too
        entry["steps"] = [s for s in entry.get("steps", []) if s.get("kind") not in set(test.remove)]
    for change in test.change:
        hits = [s for s in steps if s.get("kind") == change["kind"]]
        if not hits:
            raise ValueError(f"test {test.name!r}: no {change['kind']} step to change")
        for step in hits:
            step.update(change.get("set", {}))
            for key in change.get("unset", []):
                step.pop(key, None)
    data["steps"] = steps + [dict(s) for s in test.add]
    for key, value in test.set.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    return data


def run_rule_tests(rulebook: Rulebook, evaluator: Evaluator | None = None,
                   only: list[str] | None = None) -> list[RuleTestOutcome]:
    evaluator = evaluator or Evaluator(rulebook)
    examples = Path(rulebook.source) / "_examples"
    bases: dict[str, Any] = {}
    outcomes = []
    for rule in rulebook.rules:
        if only and rule.id not in only:
            continue
        for test in rule.tests:
            outcomes.append(run_one(rule, test, evaluator, examples, bases))
    return outcomes


def run_one(rule: Rule, test: RuleTest, evaluator: Evaluator, examples: Path, bases: dict) -> RuleTestOutcome:
    if test.case not in bases:
        bases[test.case], _ = load_data(examples / test.case)
    record = validate_record(apply_test(bases[test.case], test))
    profile_name = test.profile or "national"
    profile_path = examples / profile_name
    profile = load_profile(str(profile_path) if profile_path.exists() else profile_name)
    results, _ = evaluator.evaluate(record, profile, test.as_of or DEFAULT_AS_OF)
    # the record as a whole: the worst of its own result and its households' results
    mine = [r.result for r in results if r.rule.id == rule.id]
    result = worst(mine)
    waived = set(waivers.active(record, test.as_of or DEFAULT_AS_OF))
    if result in ("violated", "not_evaluable") and rule.id in waived:
        result = "waived"
    return RuleTestOutcome(rule.id, test.name, test.expect, result)
