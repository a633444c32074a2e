"""Year over year: fingerprints, --baseline (new / unchanged / resolved), rectification
entries against --as-of, the 整改台账 round trip, and `report merge`."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from compliance.audit import discover

from .conftest import CASES, ROOT

PROFILE = str(CASES / "profiles" / "example-xinxiang.yaml")
AS_OF = "2026-01-01"
FUNDS_LATE = "{kind: funds_in_place, date: 2025-07-10"      # case 04's one defect
RECT = ("rectifications:\n  - {rule: D590-12-FUNDS-FULL, measure: 补足并专户存储补偿资金, responsible: 张三, "
        "due: 2026-03-31%s}\n")


def cli(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "compliance", *args], capture_output=True, text=True, cwd=cwd)


def audit(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return cli("audit", *args, "--as-of", AS_OF, "--profile", PROFILE, cwd=cwd)


def report(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def states(doc: dict) -> Counter:
    found = Counter(f.get("baseline_state") for r in doc["records"] for f in r["findings"])
    found.update(f["baseline_state"] for r in doc["records"] for f in r.get("resolved") or [])
    return found


@pytest.fixture(scope="module")
def year_over_year(tmp_path_factory):
    """cases/ audited, then three records changed (one defect fixed, one added, one left
    alone) and audited again against the first report."""
    root = tmp_path_factory.mktemp("yoy")
    folder = root / "cases"
    shutil.copytree(CASES, folder, ignore=shutil.ignore_patterns("expected"))
    first = root / "2025.json"
    audit(str(folder), "--format", "json", "-o", str(first))
    fixed = folder / "04-funds-after-decision.yaml"
    fixed.write_text(fixed.read_text(encoding="utf-8").replace(FUNDS_LATE, "{kind: funds_in_place, date: 2025-06-20"),
                     encoding="utf-8")
    broken = folder / "01-compliant-expropriation.yaml"
    broken.write_text(broken.read_text(encoding="utf-8").replace("{kind: funds_in_place, date: 2025-04-22",
                                                                 "{kind: funds_in_place, date: 2025-05-20"),
                      encoding="utf-8")
    left = folder / "02-no-risk-assessment.yaml"
    left.write_text(left.read_text(encoding="utf-8").replace("title: 红旗区", "title: （更正）红旗区"), encoding="utf-8")
    out = {}
    for fmt in ("json", "sarif", "html", "markdown", "csv", "junit", "text"):
        out[fmt] = root / f"2026.{fmt}"
        audit(str(folder), "--baseline", str(first), "--format", fmt, "-o", str(out[fmt]))
    return first, out


def test_fingerprints_are_stable_and_distinct_within_a_record():
    one = audit(str(CASES), "--format", "json")
    doc = json.loads(one.stdout)
    again = json.loads(audit(str(CASES), "--format", "json", "--lang", "en").stdout)   # reworded
    assert [f["fingerprint"] for r in doc["records"] for f in r["findings"]] == \
        [f["fingerprint"] for r in again["records"] for f in r["findings"]]
    for rec in doc["records"]:
        prints = [f["fingerprint"] for f in rec["findings"]]
        assert len(prints) == len(set(prints)), rec["id"]


def test_one_fixed_one_added_the_rest_unchanged(year_over_year):
    first, out = year_over_year
    doc = report(out["json"])
    got = states(doc)
    assert got["resolved"] == 1 and got["new"] == 1
    assert got["unchanged"] == sum(len(r["findings"]) for r in report(first)["records"]) - 1
    summary = doc["summary"]["baseline"]
    assert (summary["new"], summary["resolved"]) == (1, 1) and summary["absent"] == []
    by_id = {r["id"]: r for r in doc["records"]}
    assert [f["rule"] for f in by_id["FQ-2025-ZS-01"]["resolved"]] == ["D590-12-FUNDS-FULL"]
    assert [f["baseline_state"] for f in by_id["WB-2025-ZS-07"]["findings"]] == ["new"]
    assert {f["baseline_state"] for f in by_id["HQ-2025-ZS-04"]["findings"]} == {"unchanged"}


def test_sarif_carries_the_same_baseline_states(year_over_year):
    _, out = year_over_year
    sarif = report(out["sarif"])
    results = sarif["runs"][0]["results"]
    got = Counter(r.get("baselineState") for r in results)
    json_states = states(report(out["json"]))
    assert got["new"] == json_states["new"] and got["unchanged"] == json_states["unchanged"]
    assert got["absent"] == json_states["resolved"] == 1
    assert all(r["partialFingerprints"]["recordRuleAnchor/v1"] for r in results)


def test_every_format_shows_the_rectification_status(year_over_year):
    _, out = year_over_year
    html = out["html"].read_text(encoding="utf-8")
    assert '<section class="tracking"' in html and "整改情况" in html
    assert "新发现 1，仍未整改" in html and "已整改 1" in html
    assert html.index('<section class="tracking"') < html.index('class="records-start"')
    assert "与基线相比：新发现 1" in out["markdown"].read_text(encoding="utf-8")
    assert "与基线相比：新发现 1" in out["text"].read_text(encoding="utf-8")
    rows = out["csv"].read_text(encoding="utf-8-sig").splitlines()
    assert "与基线比较" in rows[0] and any(",已整改," in r and "D590-12-FUNDS-FULL" in r for r in rows)
    assert 'name="baseline_resolved" value="1"' in out["junit"].read_text(encoding="utf-8")


def test_a_record_missing_from_the_new_run_is_absent_not_resolved(year_over_year, tmp_path):
    first, _ = year_over_year
    out = tmp_path / "part.json"
    audit(str(CASES / "02-no-risk-assessment.yaml"), "--baseline", str(first), "--format", "json", "-o", str(out))
    summary = report(out)["summary"]["baseline"]
    assert summary["resolved"] == 0
    assert "WB-2025-ZS-07" in {a["id"] for a in summary["absent"]}


def test_a_baseline_that_is_not_a_report_is_an_input_error(tmp_path):
    bad = tmp_path / "notes.json"
    bad.write_text('{"hello": 1}', encoding="utf-8")
    run = audit(str(CASES / "02-no-risk-assessment.yaml"), "--baseline", str(bad))
    assert run.returncode == 2
    assert len(run.stderr.strip().splitlines()) == 1 and "notes.json" in run.stderr


def test_an_older_baseline_is_read_with_notes(year_over_year, tmp_path):
    first, _ = year_over_year
    doc = report(first)
    doc["tool_version"] = "0.0.9"
    del doc["rule_set"]
    for rec in doc["records"]:
        for f in rec["findings"]:
            del f["fingerprint"]
    old = tmp_path / "old.json"
    old.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    out = tmp_path / "new.json"
    audit(str(CASES / "02-no-risk-assessment.yaml"), "--baseline", str(old), "--format", "json", "-o", str(out),
          "--lang", "en")
    summary = report(out)["summary"]["baseline"]
    notes = " ".join(summary["notes"])
    assert "0.0.9" in notes and "no fingerprints" in notes and "rule set" in notes
    assert summary["unchanged"] == 2 and summary["new"] == 0


def _with_rectification(tmp_path: Path, done: str = "") -> Path:
    path = tmp_path / "04.yaml"
    text = (CASES / "04-funds-after-decision.yaml").read_text(encoding="utf-8")
    path.write_text(text.replace("steps:\n", RECT % done + "steps:\n", 1), encoding="utf-8")
    return path


@pytest.mark.parametrize(("as_of", "state", "words"), [("2026-01-01", "in_progress", "整改中"),
                                                       ("2026-04-01", "overdue", "逾期未整改")])
def test_an_open_rectification_reads_in_progress_then_overdue(tmp_path, as_of, state, words):
    path = _with_rectification(tmp_path)
    run = cli("audit", str(path), "--as-of", as_of, "--profile", PROFILE, "--format", "json")
    doc = json.loads(run.stdout)
    finding = doc["records"][0]["findings"][0]
    assert finding["result"] == "violated" and finding["rectification"]["state"] == state
    assert doc["summary"]["rectifications"][state] == 1
    assert words in cli("audit", str(path), "--as-of", as_of, "--profile", PROFILE).stdout
    checked = json.loads(cli("check", str(path), "--as-of", as_of, "--profile", PROFILE, "--format", "json").stdout)
    assert checked["records"][0]["findings"][0]["rectification"]["state"] == state
    assert checked["records"][0]["rectifications"][0]["measure"] == "补足并专户存储补偿资金"


def test_a_done_rectification_that_did_not_cure_is_reported(tmp_path):
    path = _with_rectification(tmp_path, ", done: 2025-12-01, doc: 凤财〔2025〕90号")
    doc = json.loads(cli("audit", str(path), "--as-of", AS_OF, "--profile", PROFILE, "--format", "json").stdout)
    assert doc["records"][0]["findings"][0]["rectification"]["state"] == "not_cured"


def test_a_rectification_naming_no_rule_is_an_input_error(tmp_path):
    path = tmp_path / "04.yaml"
    text = (CASES / "04-funds-after-decision.yaml").read_text(encoding="utf-8")
    path.write_text(text.replace("steps:\n", "rectifications:\n  - {rule: NO-SUCH-RULE, measure: x}\nsteps:\n", 1),
                    encoding="utf-8")
    run = cli("check", str(path), "--as-of", AS_OF)
    assert run.returncode == 2 and "rectifications[0].rule" in run.stdout + run.stderr


def test_the_register_round_trip(tmp_path):
    from openpyxl import load_workbook
    register = tmp_path / "整改台账.xlsx"
    run = audit(str(CASES / "04-funds-after-decision.yaml"), "--format", "xlsx", "-o", str(register))
    assert register.exists(), run.stderr
    wb = load_workbook(register)
    ws = wb["整改台账"]
    header = [c.value for c in ws[1]]
    assert {"记录编号", "规则编号", "依据", "存在问题", "整改措施", "责任人", "整改期限", "整改状态"} <= set(header)
    row = [c.value for c in ws[2]]
    assert row[header.index("规则编号")] == "D590-12-FUNDS-FULL" and row[header.index("整改状态")] == "待整改"
    ws.cell(2, header.index("整改措施") + 1, "补足补偿资金并专户存储")
    ws.cell(2, header.index("责任人") + 1, "李四")
    ws.cell(2, header.index("整改期限") + 1, "2026-02-28")
    wb.save(register)
    doc = json.loads(audit(str(CASES / "04-funds-after-decision.yaml"), "--rectifications", str(register),
                           "--format", "json").stdout)
    entry = doc["records"][0]["findings"][0]["rectification"]
    assert (entry["measure"], entry["responsible"], entry["due"], entry["state"]) == \
        ("补足补偿资金并专户存储", "李四", "2026-02-28", "in_progress")
    ws.cell(2, header.index("整改期限") + 1, "明年")
    wb.save(register)
    bad = audit(str(CASES / "04-funds-after-decision.yaml"), "--rectifications", str(register))
    assert bad.returncode == 2 and "整改台账!" in bad.stderr


def test_merging_the_halves_gives_the_summary_of_the_whole(tmp_path):
    files = [str(p) for _, p in discover([CASES]).sources]
    whole, one, two, merged = (tmp_path / n for n in ("whole.json", "a.json", "b.json", "merged.json"))
    audit(str(CASES), "--format", "json", "-o", str(whole))
    audit(*files[: len(files) // 2], "--format", "json", "-o", str(one))
    audit(*files[len(files) // 2:], "--format", "json", "-o", str(two))
    run = cli("report", "merge", str(one), str(two), "--format", "json", "-o", str(merged))
    assert report(merged)["summary"] == report(whole)["summary"], run.stderr
    assert run.returncode == audit(str(CASES), "--format", "json").returncode


def test_a_record_in_two_reports_is_counted_once(tmp_path):
    one, merged = tmp_path / "a.json", tmp_path / "m.json"
    audit(str(CASES / "02-no-risk-assessment.yaml"), "--format", "json", "-o", str(one))
    cli("report", "merge", str(one), str(one), "--format", "json", "-o", str(merged), "--lang", "en")
    doc = report(merged)
    assert doc["summary"]["records"] == 1 and len(doc["records"]) == 1
    assert any("counted once" in n for n in doc["summary"]["notes"])


def test_reports_as_of_other_days_are_refused_unless_allowed(tmp_path):
    one, two = tmp_path / "a.json", tmp_path / "b.json"
    audit(str(CASES / "02-no-risk-assessment.yaml"), "--format", "json", "-o", str(one))
    cli("audit", str(CASES / "04-funds-after-decision.yaml"), "--as-of", "2026-06-30", "--profile", PROFILE,
        "--format", "json", "-o", str(two))
    refused = cli("report", "merge", str(one), str(two), "--format", "json")
    assert refused.returncode == 2 and "as-of" in refused.stderr and len(refused.stderr.strip().splitlines()) == 1
    allowed = cli("report", "merge", str(one), str(two), "--format", "json", "--allow-mixed")
    assert json.loads(allowed.stdout)["summary"]["records"] == 2


def test_rectifications_survive_the_ledger(tmp_path):
    record = _with_rectification(tmp_path)
    ledger = tmp_path / "台账.xlsx"
    assert cli("export", str(record), str(ledger)).returncode == 0
    doc = json.loads(cli("audit", str(ledger), "--as-of", "2026-04-01", "--profile", PROFILE, "--format", "json").stdout)
    assert [e["state"] for e in doc["records"][0]["rectifications"]] == ["overdue"]


def test_check_text_shows_the_rectification_entry_and_its_state(tmp_path):
    import yaml as _yaml
    from click.testing import CliRunner

    from compliance.cli import cli
    data = _yaml.safe_load((ROOT / "cases" / "02-no-risk-assessment.yaml").read_text(encoding="utf-8"))
    data["rectifications"] = [{"rule": "D590-12-SSRA", "measure": "补做社会稳定风险评估", "responsible": "中心法规科",
                               "due": "2026-03-31"}]
    path = tmp_path / "r.yaml"
    path.write_text(_yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    early = CliRunner().invoke(cli, ["check", str(path), "--as-of", "2026-01-01"], env={"COLUMNS": "200"}).output
    late = CliRunner().invoke(cli, ["check", str(path), "--as-of", "2026-05-01"], env={"COLUMNS": "200"}).output
    assert "补做社会稳定风险评估" in early and "整改中" in early and "逾期未整改" in late
