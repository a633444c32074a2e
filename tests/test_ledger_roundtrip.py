"""YAML → ledger → findings: a ledger written by `export` carries everything the record
holds (waivers, household entries, notes, values with separators or newlines), so every
case gives the same findings from its YAML file and from its exported ledger (issue 12)."""
from __future__ import annotations

import datetime as dt
import io
import json
import os
import subprocess
import sys

import pytest
import yaml
from click.testing import CliRunner

from compliance import audit, ledger
from compliance.cli import cli
from compliance.formats.audit_base import AuditMeta, rule_rows, writer_class
from compliance.records import load_record

from .conftest import CASES
from .test_ledger import HAND_YAML, _book

RECORDS = sorted(CASES.glob("*.yaml"))


def findings(rec: dict) -> list[tuple]:
    return sorted((f["rule"], f["result"], f.get("household"), bool(f.get("waiver"))) for f in rec["findings"])


def audited(paths, as_of: dt.date, profile: str | None) -> list[dict]:
    out = io.StringIO()
    meta = AuditMeta(as_of.isoformat(), "zh", "test", rules=rule_rows(_book(), "zh"))
    audit.run(paths, audit.Options(as_of=as_of, profile=profile), writer_class("json")(out, meta), rulebook=_book())
    return json.loads(out.getvalue())["records"]


@pytest.mark.parametrize("case", RECORDS, ids=[p.name for p in RECORDS])
def test_every_case_gives_the_same_findings_from_yaml_and_from_its_exported_ledger(case, tmp_path):
    exp = yaml.safe_load((CASES / "expected" / case.name).read_text(encoding="utf-8"))
    profile = str(CASES / exp["profile"]) if exp.get("profile") else None
    as_of = exp["as_of"] if isinstance(exp["as_of"], dt.date) else dt.date.fromisoformat(str(exp["as_of"]))
    book = tmp_path / "l.xlsx"
    result = CliRunner().invoke(cli, ["export", str(case), str(book)])
    assert result.exit_code == 0, result.output
    assert "not in the ledger" not in result.output
    from_yaml = audited([case], as_of, profile)
    from_ledger = audited([book], as_of, profile)
    assert len(from_ledger) == 1 and from_ledger[0]["error"] is None, from_ledger[0]["error"]
    assert from_ledger[0]["status"] == from_yaml[0]["status"]
    assert findings(from_ledger[0]) == findings(from_yaml[0])


def test_waivers_household_entries_and_newlines_survive_the_ledger(tmp_path):
    text = HAND_YAML.replace("  - {kind: decision, date: 2025-04-25, doc: 卫政〔2025〕12号}\n",
                             '  - {kind: decision, date: 2025-04-25, doc: "卫政〔2025〕12号；补", note: "第一行\\n第二行", by: 区政府}\n')
    text += ("waivers:\n  - {rule: D590-12-SSRA, reason: \"两行\\n理由\", approved_by: 区政府}\n"
             "household_entries:\n  - id: H-1\n    residential: true\n    steps:\n"
             "      - {kind: reminder_served, date: 2025-05-01, note: 留置送达}\n")
    src = tmp_path / "r.yaml"
    src.write_text(text, encoding="utf-8")
    original = load_record(src).record
    book = tmp_path / "l.xlsx"
    result = CliRunner().invoke(cli, ["export", str(src), str(book)])
    assert result.exit_code == 0, result.output
    row = next(ledger.read_ledger(book))
    back = ledger.load_row(row).record
    assert back.waivers == original.waivers
    assert back.household_entries == original.household_entries
    key = lambda s: (s.kind, json.dumps(s.fields, default=str, sort_keys=True, ensure_ascii=False))
    assert sorted(map(key, back.steps)) == sorted(map(key, original.steps))


def test_what_a_ledger_cannot_hold_is_refused_with_record_and_field(tmp_path):
    text = HAND_YAML.replace("title: 台账行测试", "title: " + "长" * 33_000)
    src = tmp_path / "r.yaml"
    src.write_text(text, encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "compliance", "export", str(src), str(tmp_path / "l.xlsx")],
                            capture_output=True, text=True, env=dict(os.environ, PYTHONIOENCODING="utf-8"))
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "record LG-1" in result.stderr and "title (33,000 characters)" in result.stderr
    assert not (tmp_path / "l.xlsx").exists()
