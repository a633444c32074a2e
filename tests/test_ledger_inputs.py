"""Every ledger sheet is read or reported; the user's own columns are notes; error rows keep
their id; empty and oversized ledgers are input errors (issue 12)."""
from __future__ import annotations

from openpyxl import Workbook

from compliance import ledger

from .test_ledger import HAND_ROW, SHEET, run_json, write_sheet


def test_a_sheet_whose_id_header_was_renamed_is_a_failed_input(tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    ws.append(list(HAND_ROW))
    ws.append(list(HAND_ROW.values()))
    renamed = wb.create_sheet("2024年")
    renamed.append(["记录编码"] + list(HAND_ROW)[1:])
    renamed.append(["LG-2"] + list(HAND_ROW.values())[1:])
    deleted = wb.create_sheet("2023年")
    deleted.append(list(HAND_ROW)[1:])
    deleted.append(list(HAND_ROW.values())[1:])
    wb.create_sheet("空白")
    wb.save(tmp_path / "l.xlsx")
    doc = run_json([tmp_path / "l.xlsx"])
    recs = doc["records"]
    assert [r["status"] == "error" for r in recs] == [False, True, True]
    assert "2024年" in recs[1]["error"]["message"] and "rename the column '记录编码' to 记录编号" in recs[1]["error"]["message"]
    assert "2023年" in recs[2]["error"]["message"] and "记录编号" in recs[2]["error"]["message"]
    assert any("空白" in n for n in doc["summary"]["notes"])


def test_the_users_own_column_is_a_note_once_per_sheet(tmp_path):
    rows = [{**HAND_ROW, "记录编号": f"LG-{i}", "备注": f"第{i}行的备注"} for i in range(3)]
    write_sheet(tmp_path / "l.xlsx", rows)
    doc = run_json([tmp_path / "l.xlsx"])
    assert [r["error"] for r in doc["records"]] == [None, None, None]
    notes = [n for n in doc["summary"]["notes"] if "备注" in n]
    assert len(notes) == 1 and "not ledger columns" in notes[0]


def test_an_error_row_keeps_its_id_and_type(tmp_path):
    write_sheet(tmp_path / "l.xlsx", [{**HAND_ROW, "作出征收决定日期": "2025-02-30"}])
    rec = run_json([tmp_path / "l.xlsx"])["records"][0]
    assert rec["status"] == "error" and rec["id"] == "LG-1" and rec["type"] == "expropriation_decision"


def test_an_empty_ledger_is_an_error(tmp_path):
    write_sheet(tmp_path / "l.xlsx", [])
    ledger.LedgerWriter().save(tmp_path / "template.xlsx")
    for name in ("l.xlsx", "template.xlsx"):
        wb = Workbook()
        ws = wb.active
        ws.title = SHEET
        ws.append(list(HAND_ROW))
        wb.save(tmp_path / "l.xlsx")
        recs = run_json([tmp_path / name])["records"]
        assert len(recs) == 1 and recs[0]["status"] == "error" and "no records" in recs[0]["error"]["message"]


def test_row_and_value_limits(tmp_path, monkeypatch):
    rows = [{**HAND_ROW, "记录编号": f"LG-{i}"} for i in range(5)]
    rows[1]["标题"] = "长" * 70_000
    write_sheet(tmp_path / "l.xlsx", rows)
    recs = run_json([tmp_path / "l.xlsx"])["records"]
    assert recs[1]["status"] == "error" and "limit of 32,767 characters" in recs[1]["error"]["message"]
    assert recs[1]["id"] == "LG-1"
    monkeypatch.setenv("COMPLIANCE_MAX_LEDGER_ROWS", "3")
    recs = run_json([tmp_path / "l.xlsx"])["records"]
    assert len(recs) == 4 and recs[-1]["status"] == "error" and "more than 3 rows" in recs[-1]["error"]["message"]


def test_a_formula_without_a_saved_value_is_reported_not_read_as_empty(tmp_path):
    headers = write_sheet(tmp_path / "l.xlsx", [{**HAND_ROW, "被征收户数": "=300+12"}])
    letter = ledger._letter(headers.index("被征收户数") + 1)
    rec = run_json([tmp_path / "l.xlsx"])["records"][0]
    assert rec["status"] == "error" and rec["id"] == "LG-1"
    assert rec["error"]["location"] == f"{SHEET}!{letter}2" and "formula with no saved value" in rec["error"]["message"]


def test_cells_covered_by_a_merge_read_the_merged_value(tmp_path):
    from openpyxl import load_workbook
    rows = [{**HAND_ROW, "记录编号": f"LG-{i}"} for i in range(3)]
    headers = write_sheet(tmp_path / "l.xlsx", rows)
    col = headers.index("决定机关") + 1
    wb = load_workbook(tmp_path / "l.xlsx")
    ws = wb.active
    for r in (3, 4):
        ws.cell(row=r, column=col).value = None
    ws.merge_cells(start_row=2, start_column=col, end_row=4, end_column=col)
    wb.save(tmp_path / "l.xlsx")
    recs = run_json([tmp_path / "l.xlsx"])["records"]
    assert [r["error"] for r in recs] == [None, None, None]
    assert all(ledger.load_row(r).record.issuer.name == HAND_ROW["决定机关"] for r in ledger.read_ledger(tmp_path / "l.xlsx"))


def test_written_ledgers_have_correct_dimensions(tmp_path):
    from openpyxl import load_workbook
    from compliance.records import load_record
    from .test_ledger import EXAMPLES
    writer = ledger.LedgerWriter()
    for name in ("expropriation.yaml", "expropriation.yaml"):
        writer.add(load_record(EXAMPLES / name).record)
    writer.save(tmp_path / "l.xlsx")
    wb = load_workbook(tmp_path / "l.xlsx", read_only=True)
    ws = wb[SHEET]
    assert ws.calculate_dimension() == f"A1:{ledger._letter(len(ledger.layout('expropriation_decision')))}3"
    assert ws.max_row == 3 and wb[ledger.INSTRUCTIONS_SHEET].max_row > 10
    wb.close()
    assert ledger.count_rows(tmp_path / "l.xlsx") >= 2
