"""Boundaries a one-day slip would break, with literal dates: a deadline's own last day, a
rule's first day in force."""
import datetime as dt

import pytest
import yaml

from compliance.models import validate_record
from compliance.profiles import load_profile

from .conftest import ROOT

EXAMPLE = yaml.safe_load((ROOT / "rules" / "_examples" / "expropriation.yaml").read_text(encoding="utf-8"))


def _result(evaluator, rule_id: str, data: dict, as_of: dt.date) -> str:
    results, _ = evaluator.evaluate(validate_record(data), load_profile("national"), as_of)
    return next(r.result for r in results if r.rule.id == rule_id and r.household is None)


def _without(*kinds: str) -> dict:
    data = {k: v for k, v in EXAMPLE.items() if k != "waivers"}
    data["steps"] = [s for s in EXAMPLE["steps"] if s["kind"] not in kinds]
    return data


@pytest.mark.parametrize("as_of,expected", [
    # decision Fri 2025-04-25 + 20 working days (04-27 is a 调休 working day; 05-01..05-05 off) = 2025-05-27
    (dt.date(2025, 5, 27), "not_applicable"),    # the due day itself: not yet late
    (dt.date(2025, 5, 28), "violated"),
])
def test_announcement_due_day_is_not_yet_late(evaluator, as_of, expected):
    data = _without("decision_announced", "agency_selected", "valuation_published", "implementation",
                    "inspection_agreements", "inspection_funds")
    assert _result(evaluator, "D590-13-ANNOUNCE", data, as_of) == expected


@pytest.mark.parametrize("decided,expected", [
    ("2011-01-20", "not_applicable"),   # the day before Decree 590 took effect
    ("2011-01-21", "violated"),         # its first day
])
def test_effective_from_boundary(evaluator, decided, expected):
    data = _without("risk_assessment")
    data["steps"] = [{**s, "date": decided} if s["kind"] == "decision" else s for s in data["steps"]]
    assert _result(evaluator, "D590-12-SSRA", data, dt.date(2026, 1, 1)) == expected
