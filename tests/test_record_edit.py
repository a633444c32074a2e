"""`compliance record`: a step added without hand-editing; comments, key order and layout
kept; the old version backed up; nothing written that would not validate, or half-written."""
import datetime as dt
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from compliance import record_edit
from compliance.errors import InputError
from compliance.record_edit import add_step, backup_path
from compliance.records import load_record

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "rules" / "_examples"


def copy(tmp_path: Path, name: str = "expropriation.yaml") -> Path:
    target = tmp_path / name
    shutil.copy(EXAMPLES / name, target)
    return target


def run(*args):
    return subprocess.run([sys.executable, "-m", "compliance", *args], capture_output=True, text=True,
                          env=dict(os.environ, PYTHONIOENCODING="utf-8"))


def leftovers(directory: Path) -> list[str]:
    return [p.name for p in directory.iterdir() if ".tmp" in p.name]


def test_round_trip_keeps_everything_and_adds_one_step(tmp_path):
    path = copy(tmp_path)
    before = path.read_text(encoding="utf-8")
    n = len(load_record(path).record.steps)
    done = add_step(path, "党组会议集体研究决定", "2025-05-30", doc="党组会议纪要〔2025〕7号", by="中心党组")
    after = path.read_text(encoding="utf-8")
    assert done.kind == "party_group_meeting" and done.reformatted == 0
    # Every original line is still there, in order; exactly one line was added.
    old_lines, new_lines = before.splitlines(), after.splitlines()
    assert len(new_lines) == len(old_lines) + 1
    added = [line for line in new_lines if line not in old_lines]
    assert len(added) == 1 and added[0].lstrip().startswith("- {kind: 党组会议集体研究决定")
    assert [line for line in new_lines if line in old_lines] == old_lines
    assert before.splitlines()[0].startswith("#")                 # the comment header is kept
    record = load_record(path).record
    assert len(record.steps) == n + 1
    new = record.steps[-1]
    assert new.kind == "party_group_meeting" and str(new.get("date")) == "2025-05-30"
    assert new.get("doc") == "党组会议纪要〔2025〕7号" and new.get("by") == "中心党组"
    assert backup_path(path).read_text(encoding="utf-8") == before
    assert done.backup == backup_path(path)
    assert leftovers(tmp_path) == []


def test_block_style_file_keeps_its_layout_and_trailing_comments(tmp_path):
    path = tmp_path / "block.yaml"
    path.write_text(
        "# 重大事项\n"
        "format: decision-record/1\n"
        "id: MM-X\n"
        "type: major_matter\n"
        "title: 测试   # 标题\n"
        "issuer:\n"
        "    name: 卫滨区城市更新推进中心\n"
        "    level: department\n"
        "category: large_expenditure\n"
        "steps:\n"
        "    # 调研在先\n"
        "    -   kind: investigation_research\n"
        "        date: 2025-05-06   # 调研\n"
        "        doc: \"卫城更调研〔2025〕5号\"\n"
        "# 以上为已完成步骤\n"
        "\n"
        "waivers: []\n", encoding="utf-8")
    before = path.read_text(encoding="utf-8")
    add_step(path, "社会稳定风险评估", "2025年6月10日",
             fields=["covers=[risk_points, prevention_measures, contingency_plan]", "conclusion=low"])
    after = path.read_text(encoding="utf-8")
    lines = after.splitlines()
    assert lines[:14] == before.splitlines()[:14]                   # untouched, quotes and comments too
    new_at = lines.index("    -   kind: 社会稳定风险评估")
    assert lines[new_at + 1] == "        date: 2025-06-10"             # the date written as ISO
    assert lines[new_at + 2] == "        covers: [risk_points, prevention_measures, contingency_plan]"
    assert lines.index("# 以上为已完成步骤") > new_at                  # the closing comment stays last
    step = load_record(path).record.steps[-1]
    assert step.kind == "risk_assessment" and step.get("conclusion") == "low"


def test_key_order_of_a_json_record_is_kept(tmp_path):
    data = yaml.safe_load((EXAMPLES / "major_matter.yaml").read_text(encoding="utf-8"))
    path = tmp_path / "mm.json"
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n", encoding="utf-8")
    add_step(path, "party_committee_report", "2025-06-20", doc="卫政党组〔2025〕11号")
    written = json.loads(path.read_text(encoding="utf-8"))
    assert list(written) == list(data)
    assert written["steps"][-1] == {"kind": "party_committee_report", "date": "2025-06-20",
                                    "doc": "卫政党组〔2025〕11号"}
    assert path.read_text(encoding="utf-8").startswith('{\n  "format"')
    assert load_record(path).record.steps[-1].kind == "party_committee_report"


@pytest.mark.parametrize("kind, date, fields, why", [
    ("legality_review", "2025-05-01", ["conclusion=maybe"], "conclusion"),
    ("plan_comment", None, ["start=2025-05-01", "end=2025-04-01"], "ends"),
    ("executive_meeting", "2025-05-01", ["sesion=第13次"], "unknown field"),
    ("executive_meeting", "2025-02-30", [], "not a real date"),
    ("no_such_step", "2025-05-01", [], "unknown step kind"),
])
def test_a_step_that_would_not_validate_is_refused_and_the_file_untouched(tmp_path, kind, date, fields, why):
    path = copy(tmp_path)
    before = path.read_bytes()
    with pytest.raises(InputError) as info:
        add_step(path, kind, date, fields=fields)
    assert why in "\n".join(info.value.lines("en"))
    assert path.read_bytes() == before
    assert not backup_path(path).exists() and leftovers(tmp_path) == []


def test_an_interrupted_write_leaves_the_original_intact(tmp_path, monkeypatch):
    path = copy(tmp_path)
    before = path.read_bytes()
    real_replace = os.replace

    def failing_replace(src, dst):
        if Path(dst) == path:
            raise OSError(28, "No space left on device")
        return real_replace(src, dst)

    monkeypatch.setattr(record_edit.os, "replace", failing_replace)
    with pytest.raises(InputError, match="left unchanged"):
        add_step(path, "party_group_meeting", "2025-05-30")
    assert path.read_bytes() == before
    assert leftovers(tmp_path) == []
    load_record(path)                                               # still a valid record

    def killed(src, dst):
        raise KeyboardInterrupt

    monkeypatch.setattr(record_edit.os, "replace", killed)
    with pytest.raises(KeyboardInterrupt):
        add_step(path, "party_group_meeting", "2025-05-30")
    assert path.read_bytes() == before and leftovers(tmp_path) == []


def test_an_invalid_file_is_not_edited(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("format: decision-record/1\nid: X\n", encoding="utf-8")
    with pytest.raises(InputError):
        add_step(path, "decision", "2025-05-30")
    assert path.read_text(encoding="utf-8") == "format: decision-record/1\nid: X\n"


def test_record_then_rerun_the_checklist(tmp_path):
    data = yaml.safe_load((EXAMPLES / "expropriation.yaml").read_text(encoding="utf-8"))
    data["steps"] = [s for s in data["steps"] if (s.get("date") or s.get("start")) <= dt.date(2025, 4, 12)
                     and s["kind"] != "legal_consultation"]
    path = tmp_path / "rec.yaml"
    path.write_text("# 卫滨区健康路片区\n" + yaml.safe_dump(data, allow_unicode=True, sort_keys=False),
                    encoding="utf-8")
    args = ["checklist", str(path), "--before", "党组会议", "--as-of", "2025-04-12", "--format", "json"]
    out = run(*args)
    assert out.returncode == 1
    assert {i["rule"]: i["status"] for i in json.loads(out.stdout)["items"]}["INT-LEGAL-CONSULT"] == "missing"
    out = run("record", str(path), "法律顾问意见", "--date", "2025-04-11", "--by", "河南某律师事务所")
    assert out.returncode == 0, out.stderr
    assert "rec.yaml.bak" in out.stdout
    assert path.read_text(encoding="utf-8").startswith("# 卫滨区健康路片区\n")
    out = run(*args)
    assert out.returncode == 0, out.stdout
    assert {i["rule"]: i["status"] for i in json.loads(out.stdout)["items"]}["INT-LEGAL-CONSULT"] == "done"


def test_refusal_exits_2_with_one_line(tmp_path):
    path = copy(tmp_path)
    before = path.read_bytes()
    out = run("record", str(path), "legality_review", "--date", "2025-05-01", "--field", "conclusion=maybe")
    assert out.returncode == 2 and out.stderr.count("\n") == 1 and "Traceback" not in out.stderr
    assert path.read_bytes() == before


# ----------------------------------------------------------------- issue 12: text kept as written
@pytest.mark.parametrize("doc", ["10:30", "yes", "on", "1e3", "2025-04-25", "0x1F", "~", "null"])
def test_text_that_yaml_would_reinterpret_is_quoted(tmp_path, doc):
    path = copy(tmp_path)
    add_step(path, "party_group_meeting", "2025-05-30", doc=doc, by=doc)
    new = load_record(path).record.steps[-1]
    assert new.get("by") == doc and isinstance(new.get("by"), str)
    assert new.get("doc") is not None and str(new.get("doc")) == doc


def _example_json(**dump) -> str:
    data = yaml.safe_load((EXAMPLES / "expropriation.yaml").read_text(encoding="utf-8"))
    return json.dumps(data, default=str, **dump)


@pytest.mark.parametrize("name,content", [
    ("cr.yaml", (EXAMPLES / "expropriation.yaml").read_text(encoding="utf-8").replace("\n", "\r")),
    ("compact.json", _example_json(separators=(",", ":"), ensure_ascii=False)),
    ("escaped.json", _example_json(indent=2)),
    ("default.json", _example_json()),
])
def test_files_are_kept_as_written_apart_from_the_new_step(tmp_path, name, content):
    path = tmp_path / name
    path.write_bytes(content.encode("utf-8"))
    done = add_step(path, "party_group_meeting", "2025-05-30")
    after = path.read_bytes().decode("utf-8")
    assert done.reformatted == 0
    assert record_edit.only_inserted(content.encode(), after.encode())       # nothing else touched


@pytest.mark.parametrize("name,content,changed", [
    ("mixed.yaml", "\r\n".join((EXAMPLES / "expropriation.yaml").read_text(encoding="utf-8").split("\n", 5)), 
     sum(1 for _ in (EXAMPLES / "expropriation.yaml").read_text(encoding="utf-8").splitlines()) - 5),
    ("tab.yaml", (EXAMPLES / "expropriation.yaml").read_text(encoding="utf-8").replace("households: 312", "households: 312\t"), 1),
])
def test_a_rewrite_that_changes_other_lines_says_so(tmp_path, name, content, changed):
    path = tmp_path / name
    path.write_bytes(content.encode("utf-8"))
    proc = run("record", str(path), "party_group_meeting", "--date", "2025-05-30", "--lang", "en")
    assert proc.returncode == 0, proc.stderr
    assert f"the layout of {changed} other line(s) was normalised" in proc.stdout
    assert len(load_record(path).record.steps) == len(load_record(backup_path(path)).record.steps) + 1


def test_rectify_adds_an_entry_that_check_then_reports(tmp_path):
    """`compliance rectify` appends to the record's rectification register (created when absent),
    keeps the comments and FILE.bak; the finding then reads 整改中."""
    from click.testing import CliRunner

    from compliance.cli import cli
    path = tmp_path / "r.yaml"
    path.write_text("# 测试记录\n" + (ROOT / "cases" / "02-no-risk-assessment.yaml").read_text(encoding="utf-8"),
                    encoding="utf-8")
    runner = CliRunner()
    result = runner.invoke(cli, ["rectify", str(path), "D590-12-SSRA", "--measure", "补做社会稳定风险评估",
                                 "--responsible", "中心法规科", "--due", "2026年3月31日"])
    assert result.exit_code == 0, result.output
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# 测试记录") and "rectifications:" in text and backup_path(path).exists()
    again = runner.invoke(cli, ["rectify", str(path), "INT-RISK", "--measure", "补做重大事项风险评估"])
    assert again.exit_code == 0 and len(load_record(path).record.rectifications) == 2
    checked = runner.invoke(cli, ["check", str(path), "--as-of", "2026-01-01"], env={"COLUMNS": "200"})
    assert "整改中" in checked.output
    unknown = runner.invoke(cli, ["rectify", str(path), "D590-12-SSRX", "--measure", "x"])
    assert isinstance(unknown.exception, InputError) and len(load_record(path).record.rectifications) == 2
