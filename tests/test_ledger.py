"""Excel ledgers: the template, export, and a row giving the same findings as its YAML record."""
from __future__ import annotations

import datetime as dt
import functools
import io
import json
import re

import pytest
import yaml
from click.testing import CliRunner
from openpyxl import Workbook, load_workbook

from compliance import audit, ledger
from compliance.cli import cli
from compliance import vocabulary as voc
from compliance.formats.audit_base import AuditMeta, rule_rows, writer_class
from compliance.records import load_record
from compliance.rulebook import load_rulebook

from .conftest import ROOT

AS_OF = dt.date(2026, 6, 30)
EXAMPLES = ROOT / "rules" / "_examples"
EXP = "expropriation_decision"
SHEET = ledger.TYPE_SHEETS[EXP]


@functools.lru_cache(maxsize=1)
def _book():
    return load_rulebook()


def run_json(paths) -> dict:
    book = _book()
    out = io.StringIO()
    meta = AuditMeta(AS_OF.isoformat(), "zh", "test", rules=rule_rows(book, "zh"))
    audit.run(paths, audit.Options(as_of=AS_OF), writer_class("json")(out, meta), rulebook=book)
    return json.loads(out.getvalue())


def findings(rec: dict) -> list[tuple]:
    return sorted((f["rule"], f["result"], f["severity"], f["message"], f.get("household")) for f in rec["findings"])


def header_letter(record_type: str, header: str) -> str:
    cols = ledger.layout(record_type)
    return ledger._letter(next(i for i, c in enumerate(cols, start=1) if c.header == header))


def test_template_has_headers_validation_and_instructions(tmp_path):
    path = tmp_path / "台账.xlsx"
    result = CliRunner().invoke(cli, ["template", str(path)])
    assert result.exit_code == 0, result.output
    wb = load_workbook(path)
    assert wb.sheetnames == [ledger.INSTRUCTIONS_SHEET, *ledger.TYPE_SHEETS.values()]
    for record_type, name in ledger.TYPE_SHEETS.items():
        ws = wb[name]
        assert [c.value for c in ws[1]] == [c.header for c in ledger.layout(record_type)]
        assert ws.freeze_panes == "B2"
        kinds = {}
        for dv in ws.data_validations.dataValidation:
            for rng in dv.sqref.ranges:
                kinds[rng.coord.split(":")[0].rstrip("0123456789")] = dv
        level = kinds[header_letter(record_type, "决定机关层级")]
        assert level.type == "list" and "市辖区人民政府" in level.formula1
        decision = next(c for c in ledger.layout(record_type) if c.key == "decision.date")
        assert kinds[header_letter(record_type, decision.header)].type == "date"
    text = "\n".join(str(c.value) for row in wb[ledger.INSTRUCTIONS_SHEET].iter_rows() for c in row if c.value)
    assert "日期不详" in text and "；" in text and "作出征收决定日期" in text
    again = CliRunner().invoke(cli, ["template", str(path)])
    assert again.exit_code == 2 and "--force" in again.output      # never overwrites by accident


def test_layout_has_a_column_for_every_step_field_a_rule_reads():
    book = _book()
    for record_type in ledger.TYPE_SHEETS:
        columns = {(c.kind, c.field) for c in ledger.layout(record_type)}
        kinds = voc.KINDS_BY_TYPE[record_type]
        for rule in book.for_type(record_type):
            for check in rule.checks:
                if not check.applies_to_type(record_type):
                    continue
                for branch in check.branches:
                    for kind in branch.kinds:
                        subject = check.each if kind == "same" else kind
                        for cond in branch.conditions:
                            field = "what" if (subject, cond.field) == ("implementation", "activity") else cond.field
                            if subject in kinds and field in kinds[subject].all_fields:   # not derived
                                assert (subject, field) in columns, (rule.id, subject, field)
        headers = [c.header for c in ledger.layout(record_type)]
        assert len(headers) == len(set(headers))


def test_every_column_has_a_chinese_header_and_household_columns_only_where_they_belong():
    for record_type in ledger.TYPE_SHEETS:
        layout = ledger.layout(record_type)
        english = [c.header for c in layout if not re.search(r"[\u4e00-\u9fff]", c.header)]
        assert not english, (record_type, english)
        keys = {c.key for c in layout}
        assert ("residential" in keys) == (record_type == "compensation_decision")
    choice = next(c for c in ledger.layout("compensation_decision") if c.key == "choice")
    assert choice.header == "补偿方式" and "房屋产权调换" in choice.choices


def _strip(path, tmp_path):
    """An example without what a ledger cannot hold (waivers, household entries)."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data.pop("waivers", None)
    data.pop("household_entries", None)
    out = tmp_path / path.name
    out.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return out


@pytest.mark.parametrize("example", ["expropriation.yaml", "major_matter.yaml", "d713-major-matter.yaml",
                                     "compensation.yaml", "expropriation-households.yaml"])
def test_export_then_audit_gives_the_same_findings(example, tmp_path):
    assert (EXAMPLES / example).exists(), f"{example} is not among the examples: update this test"
    source = _strip(EXAMPLES / example, tmp_path)
    record = load_record(source).record
    writer = ledger.LedgerWriter()
    lost = writer.add(record)
    assert not [x for x in lost if x.startswith(("waivers", "household_entries"))]
    book = tmp_path / "台账.xlsx"
    writer.save(book)
    from_yaml = run_json([source])["records"][0]
    from_ledger = run_json([book])["records"]
    assert len(from_ledger) == 1 and from_ledger[0]["status"] == from_yaml["status"], from_ledger[0]["error"]
    assert findings(from_ledger[0]) == findings(from_yaml)
    assert from_ledger[0]["location"] == f"{ledger.TYPE_SHEETS[record.type]}!2:2"


HAND_YAML = """format: decision-record/1
id: LG-1
type: expropriation_decision
title: 台账行测试
issuer: {name: 新乡市卫滨区人民政府, level: district_government}
department: {name: 卫滨区城市更新推进中心}
public_interest: old_city_reconstruction
households: 312
steps:
  - {kind: risk_assessment, date: 2025-04-03, doc: 卫稳评〔2025〕3号}
  - {kind: plan_comment, start: 2025-03-01, end: 2025-03-20}
  - {kind: legal_consultation, date: 2025-04-01, stage: decision}
  - {kind: legal_consultation, date: 2025-05-01, stage: implementation}
  - {kind: legality_review}
  - {kind: party_group_meeting, date: 2025-04}
  - {kind: decision, date: 2025-04-25, doc: 卫政〔2025〕12号}
"""
HAND_ROW = {
    "记录编号": "LG-1", "标题": "台账行测试", "决定机关": "新乡市卫滨区人民政府", "决定机关层级": "市辖区人民政府",
    "房屋征收部门": "卫滨区城市更新推进中心", "公共利益类型": "旧城区改建", "被征收户数": 312,
    "社会稳定风险评估日期": dt.datetime(2025, 4, 3), "社会稳定风险评估文号": "卫稳评〔2025〕3号",
    "补偿方案公布征求意见开始日期": "2025年3月1日", "补偿方案公布征求意见结束日期": "2025/3/20",
    "法律顾问意见日期": "2025-04-01；2025-05-01", "法律顾问意见阶段": "决策阶段；实施阶段",
    "合法性审查日期": "日期不详", "党组会议集体研究决定日期": "2025-04",
    "作出征收决定日期": dt.datetime(2025, 4, 25), "作出征收决定文号": "卫政〔2025〕12号",
}


def write_sheet(path, rows: list[dict], sheet: str = SHEET, extra_headers=()):
    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    headers = list(dict.fromkeys([h for row in rows for h in row] + list(extra_headers)))
    ws.append(headers)
    for row in rows:
        ws.append([row.get(h) for h in headers])
    wb.save(path)
    return headers


def test_a_hand_written_row_and_its_yaml_record_give_identical_findings(tmp_path):
    (tmp_path / "r.yaml").write_text(HAND_YAML, encoding="utf-8")
    write_sheet(tmp_path / "l.xlsx", [HAND_ROW])
    from_yaml = run_json([tmp_path / "r.yaml"])["records"][0]
    from_ledger = run_json([tmp_path / "l.xlsx"])["records"][0]
    assert from_ledger["error"] is None, from_ledger["error"]
    assert findings(from_ledger) == findings(from_yaml) and findings(from_yaml)
    steps = ledger.row_data(next(ledger.read_ledger(tmp_path / "l.xlsx")))[0]["steps"]
    assert {"kind": "legality_review"} in steps
    assert [s["stage"] for s in steps if s["kind"] == "legal_consultation"] == ["decision", "implementation"]


def test_row_errors_name_the_cell_and_the_rest_is_checked(tmp_path):
    good = dict(HAND_ROW)
    rows = [
        good,
        {**good, "记录编号": "LG-2", "作出征收决定日期": "2025-02-30"},
        {**good, "记录编号": "LG-3", "决定机关层级": "省政府"},
        {**good, "记录编号": "LG-4", "标题": None},
        {**good, "记录编号": "LG-5", "备注X": "会丢失的内容"},
        {**good, "记录编号": "LG-6", "法律顾问意见阶段": "决策阶段；实施阶段；诉讼阶段"},
        {**good, "记录编号": "LG-7", "被征收户数": "很多"},
    ]
    headers = write_sheet(tmp_path / "l.xlsx", rows)
    col = {h: ledger._letter(i) for i, h in enumerate(headers, start=1)}
    recs = {r["location"]: r for r in run_json([tmp_path / "l.xlsx"])["records"]}
    assert len(recs) == 7 and recs[f"{SHEET}!2:2"]["status"] != "error"
    err = {int(loc.split("!")[1].split(":")[0]): r["error"] for loc, r in recs.items() if r["error"]}
    assert err[3]["location"] == f"{SHEET}!{col['作出征收决定日期']}3" and "not a real date" in err[3]["message"]
    assert err[4]["location"] == f"{SHEET}!{col['决定机关层级']}4" and "市辖区人民政府" in err[4]["message"]
    assert err[5]["location"] == f"{SHEET}!5:5" and "标题" in err[5]["message"]
    assert 6 not in err                       # the user's own column is noted, not an error (issue 12)
    assert err[7]["location"] == f"{SHEET}!{col['法律顾问意见阶段']}7"
    assert err[8]["location"] == f"{SHEET}!{col['被征收户数']}8" and "number" in err[8]["message"]
    assert str(tmp_path / "l.xlsx") + ":" + f"{SHEET}!{col['决定机关层级']}4" in \
        f"{recs[f'{SHEET}!4:4']['file']}:{err[4]['location']}"


def test_a_sheet_with_a_type_column_and_an_instructions_sheet(tmp_path):
    wb = Workbook()
    wb.active.title = "说明"
    wb.active.append(["这里是说明，没有列名行"])
    ws = wb.create_sheet("2025年台账")
    ws.append(["台账标题行"])
    ws.append(list(HAND_ROW) + ["决定类型"])
    ws.append(list(HAND_ROW.values()) + ["房屋征收决定"])
    ws.append([None] * (len(HAND_ROW) + 1))                      # empty rows are not records
    ws.append(["LG-9", "没有类型"] + [None] * len(HAND_ROW))
    wb.save(tmp_path / "mixed.xlsx")
    recs = run_json([tmp_path / "mixed.xlsx"])["records"]
    assert [r["location"] for r in recs] == ["2025年台账!3:3", "2025年台账!5:5"]
    assert recs[0]["error"] is None and recs[1]["status"] == "error"


def test_unreadable_workbooks_are_errors_and_the_batch_goes_on(tmp_path):
    (tmp_path / "bad.xlsx").write_bytes(b"PK\x03\x04 not really a zip")
    (tmp_path / "old.xls").write_bytes(b"\xd0\xcf\x11\xe0")
    (tmp_path / "r.yaml").write_text(HAND_YAML, encoding="utf-8")
    wb = Workbook()
    wb.active.append(["no header here"])
    wb.save(tmp_path / "noheader.xlsx")
    doc = run_json([tmp_path / "bad.xlsx", tmp_path / "old.xls", tmp_path / "noheader.xlsx", tmp_path / "r.yaml"])
    status = [(r["file"].rsplit("/", 1)[-1], r["status"]) for r in doc["records"]]
    assert status[:3] == [("bad.xlsx", "error"), ("old.xls", "error"), ("noheader.xlsx", "error")]
    assert status[3][1] != "error"
    assert ".xlsx" in doc["records"][1]["error"]["message"]


def test_duplicate_id_between_a_ledger_and_a_file_is_reported(tmp_path):
    (tmp_path / "r.yaml").write_text(HAND_YAML, encoding="utf-8")
    write_sheet(tmp_path / "l.xlsx", [HAND_ROW])
    doc = run_json([tmp_path / "r.yaml", tmp_path / "l.xlsx"])
    assert doc["summary"]["duplicate_ids"] == [{"id": "LG-1", "places": [str(tmp_path / "r.yaml"),
                                                                         f"{tmp_path / 'l.xlsx'}:{SHEET}!2:2"]}]


def test_export_command_carries_waivers_and_notes_and_reports_broken_files(tmp_path):
    (tmp_path / "recs").mkdir()
    text = HAND_YAML + "waivers:\n  - {rule: D590-12-SSRA, reason: 测试}\n"
    (tmp_path / "recs" / "r.yaml").write_text(text.replace("{kind: decision, date: 2025-04-25,",
                                                           "{kind: decision, date: 2025-04-25, note: 备注,"),
                                              encoding="utf-8")
    (tmp_path / "recs" / "broken.yaml").write_text("id: [", encoding="utf-8")
    out = tmp_path / "out.xlsx"
    result = CliRunner().invoke(cli, ["export", str(tmp_path / "recs"), str(out)])
    assert result.exit_code == 2                      # the broken file was not exported
    assert "broken.yaml" in result.output and "not in the ledger" not in result.output
    rows = list(ledger.read_ledger(out))
    record = ledger.load_row(rows[0]).record
    assert len(rows) == 1 and record.id == "LG-1"
    assert len(record.waivers) == 1 and [s.get("note") for s in record.steps if s.kind == "decision"] == ["备注"]


def test_every_record_field_has_a_ledger_column_of_its_type():
    """The ledger's record columns follow the record model (one source): a field added to the
    model without a column, or with another type, fails here."""
    from compliance.models import record_field_types
    columns = {key: ftype for _, key, ftype, _ in ledger.RECORD_COLUMNS}
    for key, ftype in record_field_types().items():
        assert columns.get(key) == ftype, key
