"""The adapter's guards against durable-rules' known defects, each forced."""
import json
import math

import pytest

from compliance.engine.durable_adapter import DurableEngine, DurableRuleset, check_fact_limits, harden_rule
from compliance.errors import EngineError

# "a risk assessment must exist": a negation, the pattern that is order-dependent raw
MISSING = {"r|viol": {"all": [{"a": {"$and": [{"t": "step"}, {"kind": "decision"}]}},
                              {"x$not": {"$and": [{"t": "step"}, {"kind": "risk"}]}}]}}
DECISION = {"t": "step", "kind": "decision", "id": "d"}
RISK = {"t": "step", "kind": "risk", "id": "r"}


def test_negation_waits_for_the_whole_record_in_any_order():
    engine = DurableEngine([MISSING])
    assert engine.matches([DECISION, RISK]) == []
    assert engine.matches([RISK, DECISION]) == []
    assert [n for n, _ in engine.matches([DECISION])] == ["r|viol"]


def test_hardening_gates_negations_and_orders_joins():
    rule = harden_rule({"all": [{"a": {"t": "rec"}},
                                {"w": {"$and": [{"$or": [{"k": 1}, {"k": 2}]}, {"$lte": {"d": {"a": "d"}}}, {"t": "x"}]}},
                                {"x$not": {"t": "y"}}]})
    assert rule["all"][0] == {"__end": {"__end__": 1}}
    seq = rule["all"][2]["w"]["$and"]
    assert seq[0] == {"t": "x"}                                   # plain test first
    assert seq[1] == seq[2] == {"$lte": {"d": {"a": "d"}}}        # the join, repeated
    assert "$or" in seq[3] and seq[-1] == {"$ex": {"d": 1}}       # group, then guard


def test_batch_cut_short_is_an_error_not_a_partial_result():
    ruleset = DurableRuleset(MISSING)
    too_wide = dict(DECISION, id="d2", **{f"p{i}": i for i in range(300)})
    batch = [dict(f, sid="s1") for f in (too_wide, RISK)] + [{"__end__": 1, "sid": "s1", "id": "__end__"}]
    with pytest.raises(EngineError, match="cut the record short|rejected"):
        ruleset.matches(json.dumps(batch), "s1")
    # the session was deleted: the same ruleset still checks the next record
    good = [dict(f, sid="s2") for f in (DECISION,)] + [{"__end__": 1, "sid": "s2", "id": "__end__"}]
    assert [n for n, _ in ruleset.matches(json.dumps(good), "s2")] == ["r|viol"]


@pytest.mark.parametrize("fact,words", [
    ({"id": "x", **{f"p{i}": i for i in range(260)}}, "properties"),
    ({"id": "x", "note": "长" * (1 << 20)}, "longer"),
    ({"id": "x", "amount": math.nan}, "finite"),
])
def test_fact_limits_are_checked_before_the_engine(fact, words):
    with pytest.raises(EngineError, match=words):
        check_fact_limits([fact])


def test_many_records_do_not_exhaust_sessions():
    engine = DurableEngine([MISSING])
    for _ in range(1500):  # more than the engine's 1,024 live sessions: each one is deleted
        engine.matches([DECISION, RISK])


def test_no_fact_property_is_named_like_a_pattern_alias(evaluator):
    """The adapter sends each ruleset only the properties its rules read, and reads
    `{alias: "property"}` as a join target: a field named like an alias would be lost."""
    import datetime as dt

    from compliance.profiles import Profile
    from compliance.records import load_record

    from .conftest import ROOT

    names: set[str] = set()
    for path in sorted((ROOT / "rules" / "_examples").glob("*.yaml")):
        try:
            record = load_record(path).record
        except Exception:       # profile files live there too
            continue
        facts = evaluator.facts_for(record, Profile(name="t"), dt.date(2026, 1, 1))
        names |= {k for f in facts.facts for k in f}
    aliases = {a.removesuffix("$not") for t in ("expropriation_decision", "compensation_decision", "major_matter")
               for rule in evaluator.compiled(t)[0].engine_rules.values() for pattern in rule["all"] for a in pattern}
    assert len(names) > 200 and {"a", "w", "r"} <= aliases
    assert not names & aliases, sorted(names & aliases)
