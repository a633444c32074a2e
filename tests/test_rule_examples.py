"""Every rule's own examples pass, and every rule has one that violates and one that satisfies it."""
from pathlib import Path

import pytest

from compliance.rulebook import load_rulebook
from compliance.ruletests import run_one
from compliance.rulebook import bundled_rules_dir

BOOK = load_rulebook()
EXAMPLES = bundled_rules_dir() / "_examples"
CASES = [(rule, test) for rule in BOOK.rules for test in rule.tests]


@pytest.mark.parametrize("rule,test", CASES, ids=[f"{r.id}:{t.name}" for r, t in CASES])
def test_rule_example(rule, test, evaluator):
    outcome = run_one(rule, test, evaluator, EXAMPLES, {})
    assert outcome.actual == test.expect


CHECKED = [r for r in BOOK.rules if r.checks]


@pytest.mark.parametrize("rule", CHECKED, ids=[r.id for r in CHECKED])
def test_rule_has_triggering_and_passing_example(rule):
    expects = {t.expect for t in rule.tests}
    assert "satisfied" in expects, f"{rule.id} has no example that satisfies it"
    # A rule that only asks for a fact to be recorded cannot be violated: an absent field
    # is unknown (decision-record.md), so such a rule is triggered as not evaluable.
    def can_be_violated(chk):
        missing_counts = chk.missing == "violated" and chk.need_kinds != ("same",)
        return missing_counts or any(c.op != "has" for b in chk.branches for c in b.conditions)
    only_presence = not any(can_be_violated(chk) for chk in rule.checks)
    trigger = {"not_evaluable"} if only_presence else {"violated"}
    assert expects & trigger, f"{rule.id} has no example that triggers it ({trigger})"


def test_bundled_rules_are_exactly_the_catalog_ids():
    """A snapshot of the catalog's ids: no rule lost or invented, even without shared/ beside."""
    listed = Path(__file__).with_name("catalog_ids.txt").read_text(encoding="utf-8").split("\n")
    ids = {line for line in listed if line and not line.startswith("#")}
    assert len(ids) == 134
    assert {r.id for r in BOOK.rules} == ids
