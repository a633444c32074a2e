"""Records built from court judgments: every defect a court found is violated, and nothing a
court upheld is (cases/legal/expected/court-findings.yaml). Each was once answered wrongly: a stage proven
only by a later step, "before the decision" read against the decision instead of the first
meeting, a maximum period rolled over a rest day, deposits not added up."""
import datetime as dt
from pathlib import Path

import pytest
import yaml

from compliance.records import load_record

from .conftest import CASES

LEGAL = CASES / "legal"
AS_OF = dt.date(2026, 12, 1)     # after every step of every case, as a court sees it
EXPECTED = yaml.safe_load((LEGAL / "expected" / "court-findings.yaml").read_text(encoding="utf-8"))["files"]


def _ids(entry) -> list[str]:
    return entry["id"] if isinstance(entry["id"], list) else [entry["id"]]


def _violated(report, entry) -> list:
    return [f for f in report.findings if f.result == "violated" and f.rule.id in _ids(entry)
            and (entry.get("household") is None or f.household == entry["household"])]


@pytest.mark.parametrize("name", sorted(EXPECTED), ids=lambda n: Path(n).stem)
def test_court_findings_are_violated_and_upheld_steps_are_not(checker, name):
    report = checker.check_loaded(load_record(LEGAL / name), AS_OF, "zh", None)
    assert report.error is None, report.error
    for entry in EXPECTED[name].get("must_flag", []):
        assert _violated(report, entry), f"{name}: none of {_ids(entry)} violated — {entry['why']}"
    for entry in EXPECTED[name].get("must_not_flag", []):
        assert not _violated(report, entry), f"{name}: {_ids(entry)} violated — {entry['why']}"


def test_every_legal_case_has_expectations():
    assert sorted(p.name for p in LEGAL.glob("*.yaml")) == sorted(EXPECTED)


def test_legal_review_sheet_is_generated_from_the_rules(rulebook):
    from compliance.legal_review import render
    from .conftest import ROOT
    sheet = (ROOT / "docs" / "legal-review.md").read_text(encoding="utf-8")
    assert sheet == render(rulebook), "docs/legal-review.md is stale: run `compliance rules review > docs/legal-review.md`"
    assert "INT-RISK" in sheet and "unknown (applies to every record" in sheet
