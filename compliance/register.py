"""The rectification register (整改台账) as a spreadsheet: one row per open finding of an
audit, in the form offices keep, to be filled in (measure, person responsible, due date,
and when done the date and document) and read back by `compliance audit --rectifications`.

Reading back gives rectification entries by record id; a row whose 整改措施 is empty is
not an entry yet. The column names are matched in Chinese or English.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from .errors import InputError
from .models import Rectification
from .records import LoadedRecord

SHEET = "整改台账"


@dataclass(frozen=True)
class Column:
    key: str
    zh: str
    en: str
    width: int
    filled_by_office: bool = False

    def header(self, lang: str) -> str:
        return self.en if lang == "en" else self.zh


COLUMNS = (
    Column("no", "序号", "No.", 6),
    Column("record", "记录编号", "Record", 18),
    Column("title", "记录名称", "Record title", 28),
    Column("household", "户", "Household", 8),
    Column("rule", "规则编号", "Rule", 20),
    Column("basis", "依据", "Basis", 30),
    Column("problem", "存在问题", "Problem", 50),
    Column("severity", "严重程度", "Severity", 8),
    Column("measure", "整改措施", "Measure", 36, True),
    Column("responsible", "责任人", "Responsible", 12, True),
    Column("due", "整改期限", "Due", 12, True),
    Column("status", "整改状态", "Status", 12),
    Column("done", "完成日期", "Done", 12, True),
    Column("doc", "完成文件", "Document", 20, True),
    Column("place", "位置", "Place", 30),
    Column("fingerprint", "指纹", "Fingerprint", 34),
)
ENTRY_FIELDS = ("rule", "measure", "responsible", "due", "household", "done", "doc")


def open_findings(rec: dict) -> list[dict]:
    """The findings that call for rectification: unwaived violations and missing material."""
    return [f for f in rec["findings"] if f["result"] in ("violated", "not_evaluable")]


def _letter(i: int) -> str:
    from openpyxl.utils import get_column_letter
    return get_column_letter(i + 1)


def _text(value) -> str | None:
    if value is None:
        return None
    if hasattr(value, "date") and callable(value.date):      # a cell Excel typed as a date
        value = value.date()
    text = value.isoformat() if hasattr(value, "isoformat") else str(value)
    return text.strip() or None


def read(path: Path, known_rules: set[str] | dict) -> dict[str, list[Rectification]]:
    """A filled register → record id -> its entries. Input errors name the cell and the fix."""
    from openpyxl import load_workbook
    name = str(path)
    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as e:  # noqa: BLE001 - any damage to the file is one input error
        raise InputError(name, f"not a readable .xlsx 整改台账 ({type(e).__name__}); save it again from Excel") from None
    try:
        ws = wb[SHEET] if SHEET in wb.sheetnames else wb.worksheets[0]
        rows = ws.iter_rows(values_only=True)
        header = [(_text(h) or "") for h in next(rows, ())]
        where = {}
        for col in COLUMNS:
            for i, h in enumerate(header):
                if h in (col.zh, col.en):
                    where[col.key] = i
        missing = [c.zh for c in COLUMNS if c.key in ("record", "rule", "measure") and c.key not in where]
        if missing:
            raise InputError(name, f"no column {'、'.join(missing)} in the header row; start from a register written "
                             "by `compliance audit ... --format xlsx`", f"{ws.title}!1:1")
        out: dict[str, list[Rectification]] = {}
        for n, row in enumerate(rows, start=2):
            cell = {k: _text(row[i]) if i < len(row) else None for k, i in where.items()}
            if not cell.get("measure"):
                continue
            place = f"{ws.title}!{n}:{n}"
            if not cell.get("record"):
                raise InputError(name, "a row with a 整改措施 names no record (记录编号); fill it in", place)
            if cell.get("rule") not in known_rules:
                raise InputError(name, f"rule {cell.get('rule')!r} does not exist; see `compliance rules list`",
                                 f"{ws.title}!{_letter(where['rule'])}{n}")
            data = {k: cell.get(k) for k in ENTRY_FIELDS if cell.get(k)}
            try:
                entry = Rectification.model_validate(data)
            except ValidationError as e:
                err = e.errors()[0]
                key = str(err["loc"][0]) if err["loc"] else "measure"
                col = _letter(where[key]) if key in where else ""
                raise InputError(name, f"{key}: {err['msg']}; write a date such as 2026-03-31",
                                 f"{ws.title}!{col}{n}") from None
            out.setdefault(cell["record"], []).append(entry)
        return out
    finally:
        wb.close()


def with_rectifications(loaded: LoadedRecord, entries: list[Rectification]) -> LoadedRecord:
    """The record with the register's entries: an entry of the register replaces the
    record's own entry for the same rule and household."""
    given = {(e.rule, e.household) for e in entries}
    kept = [e for e in loaded.record.rectifications if (e.rule, e.household) not in given]
    record = loaded.record.model_copy(update={"rectifications": kept + list(entries)})
    return LoadedRecord(loaded.path, record, list(loaded.notes))
