"""Every rule's own examples pass, and every rule has one that violates and one that satisfies it."""
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


@pytest.mark.parametrize("rule", BOOK.rules, ids=[r.id for r in BOOK.rules])
def test_rule_has_triggering_and_passing_example(rule):
    expects = {t.expect for t in rule.tests}
    assert "violated" in expects, f"{rule.id} has no example that violates it"
    assert "satisfied" in expects, f"{rule.id} has no example that satisfies it"
