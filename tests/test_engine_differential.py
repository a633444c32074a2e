"""The engine's answers equal a plain Python evaluation of the same rule files.

This is what catches durable-rules' wrong answers (order-dependent negation, skipped
join tests, out-of-bounds reads): hundreds of messy records, every rule compared.
"""
import random

import pytest
from pydantic import ValidationError

from compliance.evaluate import fold_rule
from compliance.profiles import Profile
from compliance.vocabulary import HOUSEHOLD_KIND_NAMES

from .generate import generate, load_bases
from .reference import cond_value, k_and, rule_result

N_RECORDS = 300


def _cases():
    rng = random.Random(20251215)
    bases = load_bases()
    from compliance.models import validate_record
    out = []
    while len(out) < N_RECORDS:
        data, prof, as_of = generate(rng, bases)
        try:
            record = validate_record(data)
        except ValidationError:
            continue
        out.append((record, Profile(name="gen", **{k: v for k, v in prof.items()}), as_of, rng.random()))
    return out


@pytest.fixture(scope="module")
def generated():
    return _cases()


def test_engine_equals_reference(evaluator, rulebook, generated):
    mismatches = []
    seen_results = set()
    for record, profile, as_of, _ in generated:
        facts = evaluator.facts_for(record, profile, as_of)
        table = evaluator.firings(record, facts)
        for rule in rulebook.for_type(record.type):
            for result in fold_rule(rule, table, facts.households):
                expected = rule_result(rule, facts.facts, facts.households, result.household, profile.period_counting)
                seen_results.add((rule.id, expected))
                if result.result != expected:
                    mismatches.append((record.id, rule.id, result.household, result.result, expected))
    assert not mismatches, mismatches[:10]
    # the generator must actually exercise the rules, not only their happy path
    assert len({r for r, res in seen_results if res == "violated"}) >= len(rulebook.rules) * 0.6


def test_outcomes_are_exclusive_per_anchor(evaluator, generated):
    """An anchor never gets both a satisfied and a violated firing: the compiled terms are consistent."""
    for record, profile, as_of, _ in generated[:100]:
        facts = evaluator.facts_for(record, profile, as_of)
        for (rule, check), anchors in evaluator.firings(record, facts).items():
            for anchor, slot in anchors.items():
                assert not ({"sat", "viol"} <= slot["outcomes"]), (record.id, rule, check, slot)
                assert not ({"poss", "viol"} <= slot["outcomes"]), (record.id, rule, check, slot)


def test_step_order_does_not_change_results(evaluator, rulebook, generated):
    rng = random.Random(7)
    for record, profile, as_of, _ in generated[:40]:
        baseline, _ = evaluator.evaluate(record, profile, as_of)
        expected = [(r.rule.id, r.result) for r in baseline]
        for _ in range(10):
            steps = list(record.steps)
            rng.shuffle(steps)
            shuffled = record.model_copy(update={"steps": steps})
            results, _ = evaluator.evaluate(shuffled, profile, as_of)
            assert [(r.rule.id, r.result) for r in results] == expected, record.id


def test_each_witness_fires_sat_if_surely_and_poss_if_only_possibly(evaluator, rulebook, generated):
    """Per (anchor, witness), against the plain evaluation: surely -> `sat` only, possibly but
    not surely -> `poss` only, surely not -> neither (one-branch checks without `due`)."""
    checked = {True: 0, None: 0, False: 0}
    for record, profile, as_of, _ in generated[:60]:
        compiled, engine = evaluator.compiled(record.type)
        facts = evaluator.facts_for(record, profile, as_of)
        fired: dict = {}
        for name, match in engine.matches(facts.facts):
            tag = compiled.tags[name]
            if "w" in match:
                fired.setdefault((tag.key, match["a"], match["w"]), set()).add(tag.outcome)
        rec = next(f for f in facts.facts if f["t"] == "rec")
        steps = [f for f in facts.facts if f["t"] == "step"]
        params = {f["name"]: f for f in facts.facts if f["t"] == "param"}
        for rule in rulebook.for_type(record.type):
            for i, check in enumerate(rule.checks):
                if (check.due or check.forbidden or len(check.branches) != 1 or not check.applies_to_type(record.type)
                        or check.branches[0].kinds == ("same",)):
                    continue
                branch = check.branches[0]
                anchors = [rec] if check.each == "record" else [
                    s for s in steps if s["kind"] == check.each
                    and all(cond_value(c, s, s, rec, params, profile.period_counting) is True
                            for c in check.anchor_filter)]
                for a in anchors:
                    for w in steps:
                        if w["kind"] not in branch.kinds or (
                                check.each in HOUSEHOLD_KIND_NAMES and set(branch.kinds) <= HOUSEHOLD_KIND_NAMES
                                and w["household"] != a["household"]):
                            continue
                        value = k_and(cond_value(c, w, a, rec, params, profile.period_counting)
                                      for c in branch.conditions)
                        got = fired.get(((rule.id, i), a["id"], w["id"]), set()) & {"sat", "poss"}
                        want = {True: {"sat"}, None: {"poss"}, False: set()}[value]
                        assert got == want, (record.id, rule.id, i, a["id"], w["id"], got, want)
                        checked[value] += 1
    assert min(checked.values()) > 100, checked


def test_the_references_holiday_table_is_the_official_calendar():
    """The literal table (written from the State Council notices) agrees with chinesecalendar
    day by day: the two period calculations start from the same facts about rest days."""
    import datetime as dt

    import chinese_calendar

    from .reference import HOLIDAYS, workday
    for year in HOLIDAYS:
        day = dt.date(year, 1, 1)
        while day.year == year:
            assert workday(day) == chinese_calendar.is_workday(day), day
            day += dt.timedelta(days=1)
