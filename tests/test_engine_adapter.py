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


HOSTILE = ['x":{"id":"evil"', 'a\\', '\\"', '"}', '":{"', '长"文', '{"id":"y"}', "\u0000"]


def _decoded(message: str) -> list:
    return [(rule, {a: f.get("id") for a, f in match.items() if not a.startswith("__")})
            for rule, match in json.loads(message).items()]


@pytest.mark.parametrize("value", HOSTILE)
def test_fact_ids_are_read_from_a_firing_as_a_full_decode_would(value):
    from compliance.engine.durable_adapter import COMPACT, read_match

    fact = {"id": "f1", "note": value, "tags": [value, "b"], "n": 1}
    shapes = [
        {"R-1|0|sat|0": {"a": fact, "w": {"id": "f2", "note": value}}},         # ids first: read from the text
        {"R-1|0|sat|0": {"a": {"note": value, "id": "f1"}}},                    # not first: decoded whole
        {"R-1|0|sat|0": {"a": fact}, "R-2|0|viol": {"a": {"id": "f3"}}},        # two rules: decoded whole
        {"R-1|0|viol": {"__end": {"id": "__end__", "__end__": 1}, "a": fact}},
    ]
    for shape in shapes:
        for separators in (COMPACT, None):
            message = json.dumps(shape, ensure_ascii=False, separators=separators)
            assert read_match(message) == _decoded(message)


def test_hostile_text_reaches_the_engine_and_the_ids_come_back():
    join = {"r|sat": {"all": [{"a": {"$and": [{"t": "step"}, {"kind": "decision"}]}},
                              {"w": {"$and": [{"t": "step"}, {"kind": "risk"}, {"note": {"a": "note"}}]}}]}}
    engine = DurableEngine([join])
    for i, value in enumerate(HOSTILE):
        facts = [dict(DECISION, id=f"d{i}", note=value), dict(RISK, id=f"r{i}", note=value)]
        assert engine.matches(facts) == [("r|sat", {"a": f"d{i}", "w": f"r{i}"})]
