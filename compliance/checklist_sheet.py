"""The pre-meeting review sheet (会前审核表) as plain data, from a built checklist.

Nothing is evaluated here: statuses, bases, the verdict and the earliest date are the
checklist's (checklist.build_checklist); the date and document-number columns come from the
record's steps of the item's kinds. formats/checklist_docx.py lays it out.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from . import __version__, i18n
from .checklist_headline import headline
from .checklist import DONE, PENDING, WAIVED, Checklist, Item
from .dates import RecordDate
from .formats.checklist_text import status_name
from .models import Record, Step

_TEXT = {
    "title": ("「{gate}」会前审核表", "Pre-meeting review sheet: {gate}"),
    "draft": ("本表由 compliance {version} 依据记录 {file} 生成，截至 {as_of}，参数配置 {profile}；"
              "经办人、审核人、法律顾问核对原件后签字。",
              "Produced by compliance {version} from the record {file} as of {as_of}, profile {profile}; "
              "the handler, reviewer and legal advisor sign after checking the originals."),
    "matter": ("事项", "Matter"),
    "record": ("记录编号", "Record"),
    "as_of": ("审核日期", "Reviewed as of"),
    "col_item": ("审核事项", "Item"),
    "col_basis": ("依据", "Basis"),
    "col_status": ("状态", "Status"),
    "col_date": ("日期", "Date"),
    "col_doc": ("文号", "Document no."),
    "unverified": ("＊ 依据原文未经核实，请法律顾问确认。", "* Source text not verified; the legal advisor should confirm."),
    "handler": ("经办人：", "Handler:"),
    "reviewer": ("审核人：", "Reviewer:"),
    "advisor": ("法律顾问：", "Legal advisor:"),
    "date": ("日期：", "Date:"),
    "no_items": ("没有适用的事项。", "No applicable items."),
}


def text(key: str, lang: str) -> str:
    return i18n.pick(_TEXT[key], lang)


@dataclass
class Row:
    rule: str
    item: str
    basis: str
    status: str                # done, missing, pending, not_evaluable, waived, not_applicable
    status_text: str           # the status, and for anything not done what is wrong or awaited
    severity: str
    date: str
    doc: str
    verified: bool


@dataclass
class Signature:
    role: str
    date: str


@dataclass
class Sheet:
    lang: str
    title: str
    gate: str
    gate_label: str
    record_id: str
    record_title: str
    file: str
    as_of: dt.date
    ready: bool
    verdict: str
    earliest: str
    earliest_date: dt.date | None
    gate_line: str
    counts: str
    draft_notice: str
    info: list[tuple[str, str]]
    rows: list[Row]
    notes: list[str]
    signatures: list[Signature] = field(default_factory=list)


def _when(step: Step, lang: str) -> str:
    start, end, date = step.get("start"), step.get("end"), step.get("date")
    if isinstance(start, RecordDate) and isinstance(end, RecordDate):
        return i18n.text("cl_period", lang).format(start=start, end=end)
    value = date if isinstance(date, RecordDate) else start if isinstance(start, RecordDate) else None
    return str(value) if value is not None else ""


def _first_day(step: Step) -> dt.date:
    for name in ("date", "start", "end"):
        value = step.get(name)
        if isinstance(value, RecordDate):
            return value.first
    return dt.date.max


def _done_steps(item: Item, record: Record, gate: str, as_of: dt.date) -> list[Step]:
    """The recorded steps of the item's kinds that took place by the as-of day (not the gate)."""
    kinds = [k for k in item.steps if k != gate]
    steps = [s for s in record.steps if s.kind in kinds and _first_day(s) <= as_of]
    return sorted(steps, key=_first_day)[:3]


def _row(item: Item, cl: Checklist, record: Record) -> Row:
    lang = cl.lang
    name = item.name(lang) + ("" if item.rule.verified else " ＊")
    status = status_name(item.status, lang)
    date, doc = "", ""
    if item.status == DONE:
        steps = _done_steps(item, record, cl.gate, cl.as_of)
        date = "\n".join(w for w in (_when(s, lang) for s in steps) if w)
        doc = "\n".join(str(s.get("doc")) for s in steps if s.get("doc"))
        if not date and not doc and item.detail:
            status += "\n" + item.detail  # a check of the record's own fields: what it found
    else:
        if item.status == PENDING and item.due:
            date = i18n.text("cl_due", lang).format(date=item.due.isoformat())
        if item.status == WAIVED and item.waiver:
            doc = str(item.waiver.get("doc") or "")
        if item.detail:
            status += "\n" + item.detail
    return Row(rule=item.rule.id, item=f"{name}\n{item.rule.id}", basis=item.rule.basis(lang), status=item.status,
               status_text=status, severity=item.severity, date=date or "—", doc=doc or "—",
               verified=item.rule.verified)


def build_sheet(cl: Checklist, record: Record) -> Sheet:
    lang, gate = cl.lang, cl.gate_label()
    h = headline(cl)
    verdict, earliest, gate_line, counts = h.verdict, h.earliest, h.gate, h.counts
    notes = []
    if any(not i.rule.verified for i in cl.items):
        notes.append(text("unverified", lang))
    if not cl.items:
        notes.append(text("no_items", lang))
    notes += cl.notes
    return Sheet(
        lang=lang, title=text("title", lang).format(gate=gate), gate=cl.gate, gate_label=gate,
        record_id=cl.record_id, record_title=cl.title, file=cl.file, as_of=cl.as_of, ready=cl.ready,
        verdict=verdict, earliest=earliest, earliest_date=cl.earliest_date, gate_line=gate_line, counts=counts,
        draft_notice=text("draft", lang).format(version=__version__, file=cl.file, as_of=cl.as_of.isoformat(),
                                                profile=cl.profile),
        info=[(text("matter", lang), cl.title), (text("record", lang), cl.record_id),
              (text("as_of", lang), cl.as_of.isoformat())],
        rows=[_row(i, cl, record) for i in cl.items], notes=notes,
        signatures=[Signature(text(k, lang), text("date", lang)) for k in ("handler", "reviewer", "advisor")])
