"""The example cases give exactly their expected findings, whatever the order of their steps."""
import random
from pathlib import Path

import pytest
import yaml

from compliance.formats.json_report import record_dict
from compliance.records import load_record

from .conftest import CASES

RECORDS = sorted(p for p in CASES.glob("*.yaml"))


def expected_for(path: Path) -> dict:
    return yaml.safe_load((CASES / "expected" / path.name).read_text(encoding="utf-8"))


def run_case(checker, path: Path, loaded=None, lang="zh"):
    exp = expected_for(path)
    profile = str(CASES / exp["profile"]) if exp.get("profile") else None
    loaded = loaded or load_record(path)
    return checker.check_loaded(loaded, exp["as_of"], lang, profile), exp


def test_there_are_enough_cases():
    assert len(RECORDS) >= 10
    for path in RECORDS:
        assert (CASES / "expected" / path.name).exists(), f"{path.name} has no expected findings"


@pytest.mark.parametrize("path", RECORDS, ids=[p.stem for p in RECORDS])
def test_case_gives_expected_findings(checker, path):
    report, exp = run_case(checker, path)
    assert report.error is None, report.error
    got = {f.rule.id: f.result for f in report.findings}
    assert got == (exp.get("findings") or {})
    assert report.status == exp["status"]


@pytest.mark.parametrize("path", RECORDS, ids=[p.stem for p in RECORDS])
def test_case_report_is_identical_under_100_step_shuffles(checker, path):
    loaded = load_record(path)
    baseline = record_dict(run_case(checker, path, loaded)[0], "zh")
    rng = random.Random(path.name)
    for _ in range(100):
        steps = list(loaded.record.steps)
        rng.shuffle(steps)
        shuffled = type(loaded)(loaded.path, loaded.record.model_copy(update={"steps": steps}), loaded.notes)
        assert record_dict(run_case(checker, path, shuffled)[0], "zh") == baseline
