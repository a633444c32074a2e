"""Excel ledgers (台账): one row per decision, read as records and written from them.

Layout (version 1; `compliance template` writes it, with an instructions sheet):

- one sheet per record type, named 房屋征收决定 / 房屋征收补偿决定 / 重大事项决策; a sheet
  with any other name is read too when its header row (one of the first five rows) has a
  记录编号 column, and then needs a 决定类型 column;
- record columns: 记录编号, 标题, 决定机关, 决定机关层级, … (RECORD_COLUMNS below), each the
  record field of the same meaning;
- step columns, per step kind of the sheet's type, named after the kind's Chinese label
  without its parenthesised part: `<label>日期` (a period kind has `<label>开始日期` and
  `<label>结束日期` instead), `<label>文号` for kinds whose document number matters, and a
  column for each further field that a bundled rule reads (`社会稳定风险评估结论`, …);
- a column header may also be the field's key (`issuer.level`, `risk_assessment.date`).

Cells: dates as Excel dates or any spelling a record accepts (2025-03-01, 2025年3月1日,
2025-03 when only the month is known); 日期不详 in a date column means the step was done on an
unknown date; enumerations and yes/no as the Chinese labels of the data-validation lists (or
the record's own values); lists separated by 、; several steps of one kind separated by ；
(the kind's other columns then hold as many ；-separated parts, empty parts allowed).

A row becomes a record through compliance.models.validate_record, so a ledger row and the
equivalent YAML record give the same findings; its errors are located as `Sheet!C7`.
"""
from __future__ import annotations

import datetime as dt
import difflib
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterator

from pydantic import ValidationError

from . import vocabulary as voc
from .dates import RecordDate
from .errors import InputError
from .ledger_extra import EXTRA, EXTRA_HEADER, EXTRA_KEY, dumps, loads, merge, plain, step_fits, text_survives
from .models import FORMAT, NestedValidationError, Record, record_field_types, suggest, validate_record
from .records import LoadedRecord

TYPE_SHEETS = dict(voc.RECORD_TYPES)                 # record type -> sheet name
INSTRUCTIONS_SHEET = "填写说明"
ID_HEADER, TYPE_HEADER = "记录编号", "决定类型"
UNKNOWN_DATE = "日期不详"
_UNKNOWN_DATE_WORDS = {UNKNOWN_DATE, "不详", "日期不明", "已办", "已完成", "有", "是", "?", "？"}
STEP_SEPARATOR = "；"
_STEP_SPLIT = re.compile(r"[；;\n]")
_LIST_SPLIT = re.compile(r"[、,，/]")

_LEVELS = voc.VALUE_WORDS["issuer.level"]
VALUE_LABELS = voc.VALUE_WORDS   # Chinese labels of enumerated values (the template's drop-down lists)

# Record columns: (header, field key, type, record types; None = all).
_EXP, _COMP, _MAJOR = "expropriation_decision", "compensation_decision", "major_matter"
# the fields' types come from the record model (models.record_field_types): one source
_TYPES = {**record_field_types(), "id": voc.TEXT, "title": voc.TEXT}


def _column(key: str, types: tuple[str, ...] | None) -> tuple[str, str, Any, tuple[str, ...] | None]:
    """A record column: its Chinese header and its type, both from their one table."""
    return voc.RECORD_FIELD_WORDS[key], key, _TYPES[key], types


RECORD_COLUMNS: list[tuple[str, str, Any, tuple[str, ...] | None]] = [
    (ID_HEADER, "id", voc.TEXT, None),
    (TYPE_HEADER, "type", voc.enum(*voc.RECORD_TYPES), ()),  # only on sheets that mix types
    _column("title", None),
    _column("jurisdiction", None),
    _column("issuer.name", None),
    _column("issuer.level", None),
    _column("issuer.superior", None),
    _column("department.name", (_EXP,)),
    _column("department.designation_doc", (_EXP,)),
    _column("implementing_unit.name", (_EXP,)),
    _column("implementing_unit.entrustment_doc", (_EXP,)),
    _column("implementing_unit.nonprofit", (_EXP,)),
    _column("public_interest", (_EXP,)),
    _column("public_interest_evidence", (_EXP,)),
    _column("dilapidation_evidence", (_EXP,)),
    _column("households", (_EXP,)),
    _column("objecting_households", (_EXP,)),
    _column("unregistered_buildings", (_EXP,)),
    _column("category", (_MAJOR,)),
    _column("amount_cny", (_MAJOR,)),
    _column("is_major_decision", (_EXP, _MAJOR)),
    _column("decision_catalog_doc", (_EXP, _MAJOR)),
    _column("undertaking_unit", (_EXP, _MAJOR)),
    _column("technical_matter", (_EXP, _MAJOR)),
    _column("parent", (_COMP,)),
    _column("household", (_COMP,)),
    _column("expropriation_decision.doc", (_COMP,)),
    _column("expropriation_decision.date", (_COMP,)),
    _column("expropriation_decision.announced", (_COMP,)),
    _column("expropriation_decision.issuer", (_COMP,)),
    _column("expropriation_decision.signing_end", (_COMP,)),
    _column("signing_end", (_COMP,)),
    _column("owner_unclear", (_COMP,)),
    _column("relocation_deadline", (_COMP,)),
    _column("residential", (_COMP,)),
    _column("housing_security_eligible", (_COMP,)),
    _column("business_use", (_COMP,)),
    _column("choice", (_COMP,)),
    _column("onsite_swap_requested", (_COMP,)),
    _column("demolition_permit_date", (_EXP,)),
]
REQUIRED = {"id", "title", "issuer.name", "issuer.level"}
REQUIRED_BY_TYPE = {_EXP: {"department.name", "public_interest", "households"}, _COMP: {"parent", "household"},
                    _MAJOR: {"category"}}


def required(record_type: str) -> set[str]:
    return REQUIRED | REQUIRED_BY_TYPE.get(record_type, set())

# Kinds recorded as a period: start and end columns (and a date column where rules read one).
PERIOD_KINDS = {"construction_freeze": ("date", "start", "end"), "survey": ("start", "end"),
                "plan_comment": ("start", "end"), "public_opinion": ("start", "end"),
                "valuation_published": ("start", "end")}
DOC_KINDS = {"scope_determined", "annual_plan", "plan_argumentation", "risk_assessment", "legal_consultation",
             "legality_review", "party_group_meeting", "executive_meeting", "decision", "decision_announced",
             "department_report", "decision_served", "review_decided", "judgment", "enforcement_application",
             "court_ruling"}
# Step fields with a column beyond dates and document numbers: every field a bundled rule
# reads (found in the rule files, so the template follows the rules), and these.
ALWAYS_FIELDS = {
    "annual_plan": ("year",), "plan_drafted": ("signing_start", "signing_end"), "risk_assessment": ("conclusion",),
    "legality_review": ("conclusion",), "executive_meeting": ("session", "meeting"),
    "decision_announced": ("review_body", "court", "review_period_days", "suit_period_months"),
    "agency_selected": ("method", "agency", "negotiation_failed", "votes_for", "votes_total"),
    "implementation": ("what",), "court_ruling": ("outcome",), "judgment": ("outcome", "effective"),
    "funds_in_place": ("amount_cny", "estimated_total_cny"),   # read through cumulative_shortfall_cny
}
FIELD_WORDS = voc.FIELD_WORDS   # the one table of the fields' Chinese names


def _field_header(label: str, field: str) -> str:
    return label + FIELD_WORDS[field] if field in FIELD_WORDS else f"{label}（{field}）"


@lru_cache(maxsize=None)
def rule_fields(record_type: str) -> frozenset[tuple[str, str]]:
    """(kind, field) pairs that the bundled rules read for a record type."""
    from .rulebook import load_rulebook
    try:
        book = load_rulebook()
    except InputError:      # a broken rule file must not stop ledgers: keep the fixed columns
        return frozenset()
    out: set[tuple[str, str]] = set()
    for rule in book.for_type(record_type):
        for check in rule.checks:
            if not check.applies_to_type(record_type):
                continue
            out.update((check.each, c.field) for c in check.anchor_filter)
            if check.due:
                out.add((check.each, check.due_ref.field))
            for branch in check.branches:
                for kind in branch.kinds:
                    subject = check.each if kind == "same" else kind
                    for cond in branch.conditions:
                        out.add((subject, cond.field))
                        if cond.ref.kind == "field":
                            out.add((cond.ref.alias, cond.ref.field))
    # Derived fields (computed from others, such as implementation.activity from `what`) are
    # not columns: their sources are.
    derived = {("implementation", "activity"): ("implementation", "what")}
    kinds = voc.KINDS_BY_TYPE[record_type]
    out = {derived.get(p, p) for p in out}
    return frozenset((k, f) for k, f in out if k in kinds and f in kinds[k].all_fields)


@dataclass(frozen=True)
class Column:
    header: str
    key: str              # 'issuer.level' or 'risk_assessment.date'
    ftype: Any
    kind: str | None      # step kind; None for a record field
    field: str

    @property
    def labels(self) -> dict[str, str]:
        return VALUE_LABELS.get(self.key, {})

    @property
    def choices(self) -> list[str]:
        """Values offered in a drop-down (Chinese labels where there are labels)."""
        if self.ftype == voc.BOOL:
            return ["是", "否"]
        if isinstance(self.ftype, tuple) and self.ftype[1]:
            return [self.labels.get(v, v) for v in self.ftype[1]]
        return []


def short_label(kind: voc.StepKind) -> str:
    return re.sub(r"（[^）]*）|\([^)]*\)", "", kind.label).strip()


@lru_cache(maxsize=None)
def layout(record_type: str) -> tuple[Column, ...]:
    """The columns of a record type's sheet, in order."""
    cols = [Column(h, key, ftype, None, key) for h, key, ftype, types in RECORD_COLUMNS
            if types is None or record_type in types]
    # Record fields added to the format after this layout: a column under their key, so that
    # export keeps them (a Chinese header belongs in RECORD_COLUMNS).
    cols += [c for c in header_index(record_type).values() if c.ftype == RAW and c.header == c.key]
    return tuple(cols) + _step_layout(record_type) + (EXTRA_COLUMN,)


@lru_cache(maxsize=None)
def _step_layout(record_type: str) -> tuple[Column, ...]:
    cols = []
    read = rule_fields(record_type)
    for kind in voc.KINDS_BY_TYPE[record_type].values():
        fields = kind.all_fields
        names = list(PERIOD_KINDS.get(kind.name, ("date",)))
        if kind.name in DOC_KINDS:
            names.append("doc")
        extra = set(ALWAYS_FIELDS.get(kind.name, ())) | {f for k, f in read if k == kind.name}
        names += [f for f in fields if f in extra and f not in names and f not in ("by", "note")]
        label = short_label(kind)
        cols += [Column(_field_header(label, f), f"{kind.name}.{f}", fields[f], kind.name, f) for f in names]
    return tuple(cols)


RAW = "raw"   # a record field without a layout column: the cell's value goes to validation as it is
EXTRA_COLUMN = Column(EXTRA_HEADER, EXTRA_KEY, EXTRA, None, EXTRA_KEY)

_NOT_COLUMNS = {"format", "type", "steps", "household_entries", "waivers", "rectifications"}


def _record_keys() -> set[str]:
    return {key for _h, key, _f, _t in RECORD_COLUMNS}


@lru_cache(maxsize=None)
def header_index(record_type: str) -> dict[str, Column]:
    """Header or key -> column, for reading. Wider than the template: every record column on
    every sheet, every other top-level record field by its key, and every field of the type's
    step kinds (by its key or Chinese header)."""
    index: dict[str, Column] = {}
    covered = {k.split(".")[0] for k in _record_keys()}
    for name in Record.model_fields:
        if name not in covered and name not in _NOT_COLUMNS:
            index[name] = Column(name, name, RAW, None, name)
    for h, key, ftype, _types in RECORD_COLUMNS:
        col = Column(h, key, ftype, None, key)
        index[h] = index[key] = col
    index[EXTRA_HEADER] = index[EXTRA_KEY] = EXTRA_COLUMN
    for kind in voc.KINDS_BY_TYPE[record_type].values():
        label = short_label(kind)
        for f, ftype in kind.all_fields.items():
            col = Column(_field_header(label, f), f"{kind.name}.{f}", ftype, kind.name, f)
            index[col.header] = index[col.key] = col
    return index


# ----------------------------------------------------------------- reading
@dataclass(frozen=True)
class LedgerRow:
    """One non-empty data row, as read: small and picklable, so workers can check it."""

    path: str
    sheet: str
    row: int
    sheet_type: str | None                            # from the sheet name, if it names a type
    cells: tuple[tuple[str, str, Any], ...]           # (header, column letter, value)
    problems: tuple[tuple[str, str], ...] = ()        # (cell, why): cells read as empty that are not

    @property
    def location(self) -> str:
        return f"{self.sheet}!{self.row}:{self.row}"


def _letter(n: int) -> str:
    out = ""
    while n:
        n, r = divmod(n - 1, 26)
        out = chr(65 + r) + out
    return out


def _open(path: Path):
    from .workbook import open_workbook
    return open_workbook(path)


def _header_row(rows: list[tuple]) -> int | None:
    for i, row in enumerate(rows):
        if any(isinstance(v, str) and v.strip() in (ID_HEADER, "id") for v in row):
            return i
    return None


@dataclass(frozen=True)
class SheetIssue:
    """A sheet (or part of one) that was not read, and why: an error (a failed input) or a note."""

    path: str
    sheet: str
    message: str
    error: bool = True
    location: str | None = None


DEFAULT_MAX_ROWS = 200_000     # rows scanned per workbook, empty ones included


def max_rows() -> int:
    from .loader import env_limit
    return env_limit("COMPLIANCE_MAX_LEDGER_ROWS", DEFAULT_MAX_ROWS, "a count such as 200000")


def read_ledger(path: Path) -> Iterator[LedgerRow]:
    """The data rows of every ledger sheet, streamed (sheet problems left out: see read_items)."""
    for item in read_items(path):
        if isinstance(item, LedgerRow):
            yield item


def read_items(path: Path) -> Iterator[LedgerRow | SheetIssue]:
    """Every sheet's data rows, or the reason a sheet was not read, streamed. Raises
    InputError when the file cannot be read, holds no ledger sheet or no data row (there
    is then nothing to check in it), or has more rows than the limit."""
    wb = _open(path)
    name = str(path)
    parts = _parts(path)
    found = issued = False
    rows_seen, limit = 0, max_rows()
    data_rows = 0
    try:
        for ws in wb.worksheets:
            if ws.title.strip() == INSTRUCTIONS_SHEET:
                continue
            rows = ws.iter_rows(values_only=True)
            head = []
            for row in rows:
                head.append(row)
                if len(head) == 5 or _header_row(head[-1:]) is not None:
                    break
            at = _header_row(head)
            if at is None:
                issue = _no_header(name, ws.title, head)
                issued = issued or issue.error
                yield issue
                continue
            found = True
            headers = [str(v).strip() if v is not None else "" for v in head[at]]
            sheet_type = next((t for t, title in TYPE_SHEETS.items() if ws.title.strip() in (title, t)), None)
            ignored = _foreign_columns(headers, sheet_type)
            if ignored:
                cols = "、".join(f"{headers[i]} ({_letter(i + 1)})" for i in sorted(ignored))
                yield SheetIssue(name, ws.title, f"sheet {ws.title}: column(s) {cols} are not ledger columns; "
                                 "their values were kept out of the check", error=False)
            number = at + 1
            facts = _facts(path, ws.title, parts)
            merged = _Merged(facts.merges, number)
            uncached: dict[int, list[int]] = {}
            for r, c in facts.uncached:
                uncached.setdefault(r, []).append(c)
            for row in _chain(head[at + 1:], rows):
                number += 1
                rows_seen += 1
                if rows_seen > limit:
                    raise InputError(name, f"the workbook has more than {limit:,} rows; split the ledger, or set "
                                     "COMPLIANCE_MAX_LEDGER_ROWS to raise the limit", f"{ws.title}!{number}:{number}")
                row = merged.fill(number, row)
                cells = tuple((headers[i] if i < len(headers) else "", _letter(i + 1), _bounded(v))
                              for i, v in enumerate(row)
                              if i not in ignored and v is not None and not (isinstance(v, str) and not v.strip()))
                problems = tuple((f"{_letter(c)}{number}", "the cell holds a formula with no saved value (the "
                                  "file was not saved by Excel, or calculation is off); open it in Excel and save "
                                  "it, or type the value") for c in sorted(uncached.get(number, ())) if c - 1 not in ignored)
                if cells or problems:
                    data_rows += 1
                    yield LedgerRow(name, ws.title, number, sheet_type, cells, problems)
    finally:
        wb.close()
    if not found and not issued:
        raise InputError(name, f"no ledger sheet: no header row with a {ID_HEADER} column in the first five rows; "
                         "see `compliance template`")
    if found and not data_rows:
        raise InputError(name, "the ledger holds no records (no data rows under the header); fill in a row per "
                         "decision, or leave the file out")


def _parts(path: Path) -> dict[str, str]:
    from .workbook import sheet_parts
    try:
        return sheet_parts(path)
    except Exception:  # noqa: BLE001 - openpyxl read the workbook; without the map only the extra checks go
        return {}


def _facts(path: Path, title: str, parts: dict[str, str]):
    from .workbook import SheetFacts, sheet_facts
    if title not in parts:
        return SheetFacts()
    try:
        return sheet_facts(path, parts[title])
    except InputError:
        raise
    except Exception:  # noqa: BLE001 - a damaged sheet is reported by the row reader itself
        return SheetFacts()


class _Merged:
    """Merged ranges below the header: a covered cell reads as its range's top-left value
    (Excel shows that value across the range; openpyxl gives None)."""

    def __init__(self, merges: list[tuple[int, int, int, int]], header_row: int):
        self.pending = [m for m in merges if m[2] > header_row]       # sorted by first row
        self.active: list[tuple[int, int, int, int]] = []
        self.values: dict[tuple, Any] = {}

    def fill(self, number: int, row: tuple) -> tuple:
        while self.pending and self.pending[0][0] <= number:
            self.active.append(self.pending.pop(0))
        self.active = [m for m in self.active if m[2] >= number]
        if not self.active:
            return row
        values = list(row)
        for m in self.active:
            r1, c1, _r2, c2 = m
            if number == r1:
                self.values[m] = values[c1 - 1] if c1 - 1 < len(values) else None
            top_left = self.values.get(m)
            if top_left is None:
                continue
            values += [None] * (c2 - len(values))
            for c in range(c1, c2 + 1):
                if (number, c) != (r1, c1) and values[c - 1] is None:
                    values[c - 1] = top_left
        return tuple(values)


def _no_header(path: str, sheet: str, head: list[tuple]) -> SheetIssue:
    values = [str(v).strip() for row in head for v in row if v is not None and str(v).strip()]
    if not values:
        return SheetIssue(path, sheet, f"sheet {sheet} is empty; nothing was read from it", error=False)
    known = set().union(*(header_index(t) for t in TYPE_SHEETS))
    if sheet.strip() not in TYPE_SHEETS.values() and not known & set(values):
        # no ledger column at all: the user's own sheet (notes, a cover page), said but not an error
        return SheetIssue(path, sheet, f"sheet {sheet} has no ledger columns; it was not read", error=False)
    near = difflib.get_close_matches(ID_HEADER, [v for v in values if len(v) <= 20], n=1, cutoff=0.6)
    fix = (f"rename the column {near[0]!r} to {ID_HEADER}" if near
           else f"give the record-id column the header {ID_HEADER}")
    return SheetIssue(path, sheet, f"sheet {sheet} has no {ID_HEADER} column in its first five rows, so its rows "
                      f"were not read; {fix}", location=f"{sheet}!1:5")


def _foreign_columns(headers: list[str], sheet_type: str | None) -> set[int]:
    """Columns that are no ledger column and not a near miss of one (a typo stays an error
    on each row, since its values would be lost): the user's own columns, e.g. 备注."""
    types = [sheet_type] if sheet_type else list(TYPE_SHEETS)
    known = set().union(*(header_index(t) for t in types))
    names = [c.header for t in types for c in layout(t)]
    return {i for i, h in enumerate(headers) if h and h not in known and not suggest(h, names)}


class _TooLong(str):
    """A text value over the limit, cut to a prefix so that the row can say where it is."""


EXCEL_MAX_CHARS = 32_767       # a cell holds no more; a longer text was cut on the way


def _bounded(value: Any) -> Any:
    if isinstance(value, str) and len(value) >= EXCEL_MAX_CHARS:
        return _TooLong(value[:64])
    return value


def _chain(first, rest):
    yield from first
    yield from rest


def count_rows(path: Path) -> int:
    """Rows in the workbook's sheets (an upper bound, for the progress bar)."""
    try:
        wb = _open(path)
    except InputError:
        return 1
    try:
        return sum(max((ws.max_row or 1) - 1, 1) for ws in wb.worksheets)
    except Exception:  # noqa: BLE001 - a damaged sheet is reported when it is read
        return 1
    finally:
        wb.close()


class _CellError(Exception):
    def __init__(self, cell: str, message: str):
        super().__init__(message)
        self.cell, self.message = cell, message


def _text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, (dt.datetime, dt.date)):
        return _date_text(value)
    return str(value).strip()


def _date_text(value: Any) -> str:
    if isinstance(value, dt.datetime):
        value = value.date()
    return value.isoformat()


def _convert(col: Column, value: Any) -> Any:
    """One cell part → the record's value (None = absent). Raises ValueError with the fix."""
    ftype = col.ftype
    if isinstance(value, str):
        value = value.strip()
        if not value:
            return None
    if ftype == RAW:
        return _date_text(value) if isinstance(value, (dt.datetime, dt.date)) else value
    if ftype == voc.DATE:
        if isinstance(value, (dt.datetime, dt.date)):
            return _date_text(value)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            raise ValueError(f"{value!r} is a number, not a date: format the cell as a date or write 2025-03-01")
        return None if str(value) in _UNKNOWN_DATE_WORDS else str(value)
    if ftype in (voc.INT, voc.NUMBER):
        if isinstance(value, str):
            try:
                value = float(value.replace(",", "").replace("，", ""))
            except ValueError:
                raise ValueError(f"{value!r} is not a number") from None
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ValueError(f"{value!r} is not a number")
        if ftype == voc.INT:
            if float(value) != int(value):
                raise ValueError(f"{value!r} is not a whole number")
            return int(value)
        return int(value) if float(value).is_integer() else value
    if ftype == voc.BOOL:
        if isinstance(value, bool):
            return value
        word = _text(value).lower()
        if word not in voc.BOOL_WORDS:
            raise ValueError(f"{value!r}: write 是 or 否")
        return voc.BOOL_WORDS[word]
    if isinstance(ftype, tuple):
        by_label = {label: v for v, label in col.labels.items()}
        allowed = ftype[1]

        def one(item: str) -> str:
            item = item.strip()
            name = by_label.get(item, item)
            if allowed and name not in allowed:
                offered = col.choices or list(allowed)
                raise ValueError(f"{item!r} is not one of: {'、'.join(offered)}{suggest(item, offered)}")
            return name
        if ftype[0] == "enum":
            return one(_text(value))
        return [one(p) for p in _LIST_SPLIT.split(_text(value)) if p.strip()]
    return _text(value)


def _set(data: dict, key: str, value: Any) -> None:
    parts = key.split(".")
    for part in parts[:-1]:
        data = data.setdefault(part, {})
    data[parts[-1]] = value


def row_data(row: LedgerRow) -> tuple[dict, dict[str, str]]:
    """A row → (record data, {field path: cell}). Raises _CellError."""
    index_any = header_index(_EXP)
    type_cell = next(((letter, v) for h, letter, v in row.cells if h in (TYPE_HEADER, "type")), None)
    record_type = row.sheet_type
    if type_cell is not None:
        record_type = _convert(index_any[TYPE_HEADER], type_cell[1]) if record_type is None else record_type
    if record_type is None:
        raise _CellError(f"A{row.row}", f"no record type: add a {TYPE_HEADER} column, or name the sheet "
                         + " / ".join(TYPE_SHEETS.values()))
    if row.problems:
        raise _CellError(*row.problems[0])
    index = header_index(record_type)
    data: dict[str, Any] = {"format": FORMAT, "type": record_type}
    cells: dict[str, str] = {}
    extra_cell: tuple[str, dict] | None = None
    by_kind: dict[str, list[tuple[Column, str, Any]]] = {}
    for header, letter, value in row.cells:
        cell = f"{letter}{row.row}"
        if isinstance(value, _TooLong):
            raise _CellError(cell, f"the text fills Excel's limit of {EXCEL_MAX_CHARS:,} characters, so it may "
                             "have been cut; shorten it or keep the record as a YAML file")
        col = index.get(header)
        if col is None:
            hint = suggest(header, [c.header for c in layout(record_type)])
            raise _CellError(cell, f"unknown column {header!r} for a {record_type} ledger{hint}; "
                             "the value would be lost")
        if col.key == "type":
            continue
        if col.ftype == EXTRA:
            try:
                extra_cell = (cell, loads(value))
            except ValueError as e:
                raise _CellError(cell, str(e)) from None
            continue
        if col.kind is not None:
            by_kind.setdefault(col.kind, []).append((col, cell, value))
            continue
        try:
            converted = _convert(col, value)
        except ValueError as e:
            raise _CellError(cell, str(e)) from None
        if converted is not None:
            _set(data, col.key, converted)
            cells[col.key] = cell
    steps: list[dict] = []
    for kind, entries in by_kind.items():
        steps += _steps(kind, entries, cells, len(steps))
    data["steps"] = steps
    if extra_cell is not None:
        cell, extra = extra_cell
        try:
            merge(data, extra)
        except ValueError as e:
            raise _CellError(cell, str(e)) from None
        for key in extra:
            cells.setdefault(key, cell)
        for i in range(len(steps), len(data["steps"])):
            cells[f"steps[{i}]"] = cell
    return data, cells


def _steps(kind: str, entries: list[tuple[Column, str, Any]], cells: dict[str, str], first: int) -> list[dict]:
    """A kind's cells → its steps (several when the cells hold ；-separated parts)."""
    split = [(col, cell, _STEP_SPLIT.split(value) if isinstance(value, str) else [value]) for col, cell, value in entries]
    # The dates say how many times the step was done; the kind's other columns must agree.
    dated = [parts for col, _, parts in split if col.field in ("date", "start")]
    n = len(dated[0]) if dated else max(len(parts) for _, _, parts in split)
    for col, cell, parts in split:
        if len(parts) not in (1, n) or (n == 1 and len(parts) > 1):
            raise _CellError(cell, f"{len(parts)} ；-separated values for {n} step(s) of this kind (see its date "
                             "column): give one part per step")
    steps: list[dict] = []
    for i in range(n):
        step: dict[str, Any] = {"kind": kind}
        present = False
        for col, cell, parts in split:
            part = parts[i] if len(parts) == n else (parts[0] if i == 0 else None)
            if part is None or (isinstance(part, str) and not part.strip()):
                continue
            present = True
            try:
                converted = _convert(col, part)
            except ValueError as e:
                raise _CellError(cell, str(e)) from None
            if converted is not None:
                step[col.field] = converted
            cells[f"steps[{first + len(steps)}].{col.field}"] = cell
            cells.setdefault(f"steps[{first + len(steps)}]", cell)
        if present:
            steps.append(step)
    return steps


def row_identity(row: LedgerRow) -> tuple[str | None, str | None]:
    """The record id and type a row states, even when the row is not a valid record: an
    error row must still say which record it is."""
    rid = next((_text(v) for h, _l, v in row.cells if h in (ID_HEADER, "id") and not isinstance(v, _TooLong)), None)
    rtype = row.sheet_type
    if rtype is None:
        written = next((_text(v) for h, _l, v in row.cells if h in (TYPE_HEADER, "type")), None)
        labels = {label: t for t, label in TYPE_SHEETS.items()}
        rtype = written if written in TYPE_SHEETS else labels.get(written)
    return rid or None, rtype


def load_row(row: LedgerRow) -> LoadedRecord:
    """Validate a row as a record; errors name the cell (`ledger.xlsx:Sheet!C7`)."""
    try:
        data, cells = row_data(row)
    except _CellError as e:
        raise InputError(row.path, e.message, f"{row.sheet}!{e.cell}") from None
    try:
        record = validate_record(data)
    except NestedValidationError as e:
        raise _row_error(row, cells, e.error, e.prefix) from None
    except ValidationError as e:
        raise _row_error(row, cells, e) from None
    return LoadedRecord(Path(row.path), record, [])


def _row_error(row: LedgerRow, cells: dict[str, str], error: ValidationError, prefix: tuple = ()) -> InputError:
    err = error.errors()[0]
    keys = list(prefix) + [k for k in err["loc"] if not (isinstance(k, str) and k.startswith("function-"))]
    ctx = err.get("ctx") or {}
    if "field" in ctx:
        keys.append(ctx["field"])
    message = ctx.get("msg") or err["msg"]
    if err["type"] == "missing":
        message = "required column is empty"
    path = ""
    for key in keys:
        path += f"[{key}]" if isinstance(key, int) else (f".{key}" if path else str(key))
    cell = _cell_for(path, cells)
    header = _header_for(path)
    if header and not cell:
        message += f" (column {header})"
    more = error.error_count() - 1
    if more > 0:
        message += f" (and {more} more problem{'s' if more > 1 else ''})"
    return InputError(row.path, message, f"{row.sheet}!{cell}" if cell else row.location)


def _cell_for(path: str, cells: dict[str, str]) -> str | None:
    """The cell of a field path, or of its nearest recorded parent or child."""
    while path:
        if path in cells:
            return cells[path]
        children = [c for k, c in cells.items() if k.startswith(path + ".")]
        if children:
            return children[0]
        path = re.sub(r"(\.[^.\[\]]+|\[\d+\])$", "", path) if re.search(r"[.\[]", path) else ""
    return None


def _header_for(path: str) -> str | None:
    for h, key, _ftype, _types in RECORD_COLUMNS:
        if key == path or key.startswith(path + "."):
            return h
    return None


# ----------------------------------------------------------------- writing
DATE_FORMAT = "yyyy-mm-dd"


def _cell_value(col: Column, value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, RecordDate):
        return value.first if value.is_day else str(value)
    if col.ftype == RAW:     # validated as written: keep Excel's own booleans and numbers
        return value if isinstance(value, (bool, int, float, str)) else str(value)
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, (list, tuple)):
        return "、".join(col.labels.get(v, str(v)) for v in value)
    if isinstance(value, str):
        return col.labels.get(value, value)
    return value


def record_row(record: Record) -> tuple[list[Any], list[str]]:
    """A record → its row in its type's sheet, and what the ledger cannot hold (field
    paths; empty when the row holds the whole record). What the columns cannot hold goes
    to the JSON cell (ledger_extra)."""
    cols = layout(record.type)
    columns_of = {(c.kind, c.field) for c in cols if c.kind is not None}
    keys = {c.key for c in cols if c.kind is None}
    extra: dict[str, Any] = {}
    steps_by_kind: dict[str, list] = {}
    for step in record.steps:
        if step_fits(step, columns_of):
            steps_by_kind.setdefault(step.kind, []).append(step)
        else:
            extra.setdefault("steps", []).append(plain(step))
    row: list[Any] = []
    for col in cols:
        if col.ftype == EXTRA:
            row.append(None)           # filled in below
            continue
        if col.kind is None:
            value = _record_date(record, col.key)
            if not text_survives(value, in_step=False):
                _set(extra, col.key, plain(value))
                value = None
            row.append(_cell_value(col, value))
            continue
        steps = steps_by_kind.get(col.kind, [])
        parts = [_cell_value(col, s.get(col.field)) for s in steps]
        if col.field in ("date", "start") and col == _main_date_column(cols, col.kind):
            parts = [p if p is not None else UNKNOWN_DATE for p in parts]
        row.append(_join(parts))
    for name, value in plain(record).items():
        if name in ("format", "type", "steps"):
            continue
        if name in ("household_entries", "waivers", "rectifications") or (not isinstance(value, dict) and name not in keys):
            extra[name] = value
        elif isinstance(value, dict):
            missing = {k: v for k, v in value.items() if f"{name}.{k}" not in keys}
            if missing:
                extra.setdefault(name, {}).update(missing)
    row[-1] = dumps(extra)
    lost = [f"{_field_of(cols[i])} ({len(str(v)):,} characters)" for i, v in enumerate(row)
            if isinstance(v, str) and len(v) >= EXCEL_MAX_CHARS]
    return row, lost


def _field_of(col: Column) -> str:
    if col.ftype == EXTRA:
        return f"{EXTRA_HEADER}: the record's waivers, household entries, notes and other fields together"
    return col.key


def _record_date(record: Record, key: str) -> RecordDate | None:
    obj: Any = record
    for part in key.split("."):
        obj = getattr(obj, part, None)
    return obj


def _main_date_column(cols: tuple[Column, ...], kind: str) -> Column | None:
    return next((c for c in cols if c.kind == kind and c.field in ("date", "start")), None)


def _join(parts: list[Any]) -> Any:
    if not parts or all(p is None for p in parts):
        return None
    if len(parts) == 1:
        return parts[0]
    return STEP_SEPARATOR.join("" if p is None else (p.isoformat() if isinstance(p, dt.date) else str(p))
                               for p in parts)


class LedgerWriter:
    """A workbook in the ledger layout: instructions sheet, then one sheet per record type.
    Write-only mode: rows stream to disk, so exporting many records stays flat in memory."""

    VALIDATION_ROWS = 5000

    def __init__(self, types: tuple[str, ...] = tuple(TYPE_SHEETS)):
        from openpyxl import Workbook
        self.wb = Workbook(write_only=True)
        self.extent: dict[str, tuple[int, int]] = {}       # sheet title -> (rows, columns) written
        self._instructions(self.wb.create_sheet(INSTRUCTIONS_SHEET))
        self.sheets = {t: self._sheet(t) for t in types}

    def _sheet(self, record_type: str):
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.comments import Comment
        from openpyxl.styles import Alignment, Font, PatternFill
        from openpyxl.worksheet.datavalidation import DataValidation
        ws = self.wb.create_sheet(TYPE_SHEETS[record_type])
        head_fill, need_fill = PatternFill("solid", fgColor="DDEBF7"), PatternFill("solid", fgColor="FCE4D6")
        last = self.VALIDATION_ROWS + 1
        needed = required(record_type)
        header = []
        for i, col in enumerate(layout(record_type), start=1):
            letter = _letter(i)
            ws.column_dimensions[letter].width = min(max(len(col.header) * 2 + 2, 12), 40)
            dv = _validation(col, DataValidation)
            if dv is not None:
                dv.add(f"{letter}2:{letter}{last}")
                ws.data_validations.append(dv)
            cell = WriteOnlyCell(ws, value=col.header)
            cell.font = Font(bold=True)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            cell.fill = need_fill if col.key in needed else head_fill
            if col.key in needed:
                cell.comment = Comment("必填", "compliance")
            elif col.ftype == voc.DATE:
                cell.comment = Comment("日期，如 2025-03-01；仅知月份填 2025-03；已完成但日期不详填“日期不详”", "compliance")
            header.append(cell)
        ws.row_dimensions[1].height = 45
        ws.freeze_panes = "B2"
        self._append(ws, header)
        return ws

    def _instructions(self, ws) -> None:
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.styles import Font
        for letter, width in zip("ABCDE", (16, 34, 36, 14, 60)):
            ws.column_dimensions[letter].width = width
        title = WriteOnlyCell(ws, value="征收决定及重大事项台账 · 填写说明（台账格式第 1 版）")
        title.font = Font(bold=True, size=14)
        self._append(ws, [title])
        for line in INSTRUCTIONS:
            self._append(ws, [line])
        self._append(ws, [])
        heads = []
        for head in ("工作表", "列名", "字段", "类型", "可选值"):
            cell = WriteOnlyCell(ws, value=head)
            cell.font = Font(bold=True)
            heads.append(cell)
        self._append(ws, heads)
        for record_type, sheet in TYPE_SHEETS.items():
            for col in layout(record_type):
                self._append(ws, [sheet, col.header, col.key, _type_words(col.ftype), "、".join(col.choices)])

    def add(self, record: Record) -> list[str]:
        """Append a record, or return what the ledger cannot hold (then nothing is appended)."""
        from openpyxl.cell import WriteOnlyCell
        values, lost = record_row(record)
        if lost:
            return lost
        ws = self.sheets[record.type]
        row = []
        for value in values:
            if isinstance(value, dt.date):
                cell = WriteOnlyCell(ws, value=value)
                cell.number_format = DATE_FORMAT
                row.append(cell)
            else:
                row.append(value)
        self._append(ws, row)
        return lost

    def _append(self, ws, row: list) -> None:
        """Append a row and keep the sheet's extent: write-only mode writes no <dimension>,
        which readers need to size the sheet (added on save)."""
        ws.append(row)
        rows, cols = self.extent.get(ws.title, (0, 0))
        self.extent[ws.title] = (rows + 1, max(cols, len(row)))

    def discard(self) -> None:
        """Drop an unsaved workbook quietly (its sheets' writers would complain at exit)."""
        for ws in self.wb.worksheets:
            ws.close()

    def save(self, path: Path) -> None:
        import tempfile
        from .atomic import atomic_writer
        from .workbook import with_dimensions
        dims = {title: f"A1:{_letter(max(cols, 1))}{max(rows, 1)}" for title, (rows, cols) in self.extent.items()}
        with tempfile.TemporaryFile() as raw, atomic_writer(path, binary=True) as f:
            self.wb.save(raw)
            raw.seek(0)
            with_dimensions(raw, f, dims)


INSTRUCTIONS = [
    "1. 每个工作表对应一类决定（房屋征收决定 / 房屋征收补偿决定 / 重大事项决策），每行一项决定；第 1 行为列名，请勿修改。",
    "2. 橙色列名为必填项：记录编号（同一批次内唯一）、标题、决定机关、决定机关层级；房屋征收决定还须填房屋征收部门、公共利益类型、被征收户数，"
    "补偿决定须填所属征收决定编号、被征收户编号，重大事项须填事项类别。",
    "3. 程序步骤按列填写日期：已完成的步骤填日期；未进行的步骤留空；已完成但日期不详的填“日期不详”。",
    "4. 日期可填 Excel 日期或 2025-03-01、2025年3月1日、2025/3/1；仅知月份的填 2025-03（依赖具体日期的规则将报告“无法判断”）。",
    "5. 期间类步骤（如补偿方案公布征求意见）填开始日期和结束日期。",
    "6. 同一步骤进行了多次的，各次之间用“；”分隔，该步骤的其他列按相同顺序用“；”分隔（某次没有的留空）。",
    "7. 下拉列表列请选择列表中的值；多选列（如公告内容、上会材料）各值之间用“、”分隔；是/否列填“是”或“否”。",
    "8. 各列容纳不下的内容（豁免、分户步骤、经办人、备注及其他字段）由 compliance export 写入最后的“其他内容（JSON）”列，请勿手工修改；"
    "手工填写台账时可留空，这些内容请使用 YAML 决定记录（格式见 compliance schema）。",
    "9. 审查：compliance audit 台账.xlsx --year 2025；由决定记录生成台账：compliance export 记录目录 台账.xlsx。",
    "10. 下表列出各工作表的全部列：列名、对应的记录字段、类型和可选值。",
]


def _type_words(ftype: Any) -> str:
    if isinstance(ftype, tuple):
        return "单选" if ftype[0] == "enum" else "多选（、分隔）"
    return {voc.DATE: "日期", voc.TEXT: "文本", voc.INT: "整数", voc.NUMBER: "数值", voc.BOOL: "是/否",
            RAW: "按记录格式", EXTRA: "JSON"}.get(ftype, str(ftype))


def _validation(col: Column, DataValidation):
    """The drop-down or range check of a column; warnings only for dates (2025-03 and 日期不详 are allowed)."""
    if col.choices and (col.ftype == voc.BOOL or col.ftype[0] == "enum"):
        listed = ",".join(col.choices)
        if len(listed) > 250:   # Excel's limit for an inline list
            return None
        return DataValidation(type="list", formula1=f'"{listed}"', allow_blank=True, showErrorMessage=True,
                              errorTitle="请从列表中选择", error="请选择下拉列表中的值")
    if col.ftype == voc.DATE:
        return DataValidation(type="date", operator="between", formula1="DATE(1990,1,1)", formula2="DATE(2100,12,31)",
                              allow_blank=True, showErrorMessage=True, errorStyle="warning",
                              errorTitle="日期", error="请填写日期，如 2025-03-01；仅知月份填 2025-03；日期不详填“日期不详”。",
                              showInputMessage=True, promptTitle="日期", prompt="如 2025-03-01；多次用“；”分隔")
    if col.ftype in (voc.INT, voc.NUMBER):
        return DataValidation(type="whole" if col.ftype == voc.INT else "decimal", operator="greaterThanOrEqual",
                              formula1="0", allow_blank=True, showErrorMessage=True, errorTitle="数值",
                              error="请填写 0 或正数")
    return None
