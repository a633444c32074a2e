"""The checklist as a Word review sheet (会前审核表), from the bundled or the user's template."""
from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import Any

from ..checklist import Checklist
from ..checklist_sheet import Sheet, build_sheet, text
from ..models import Record
from .docx_template import multiline, render_docx

TEMPLATE = "checklist.docx"


def context(sheet: Sheet) -> dict[str, Any]:
    """The template variables (docs/word-documents.md)."""
    ctx = asdict(sheet)
    lang = sheet.lang
    sep = "：" if lang == "zh" else ": "
    ctx["as_of"] = sheet.as_of.isoformat()
    ctx["earliest_date"] = sheet.earliest_date.isoformat() if sheet.earliest_date else ""
    ctx["info"] = [{"label": k, "value": v, "text": f"{k}{sep}{v}"} for k, v in sheet.info]
    ctx["cols"] = {k: text(f"col_{k}", lang) for k in ("item", "basis", "status", "date", "doc")}
    ctx["rows"] = [{**asdict(r), "item": multiline(r.item), "status_name": r.status_text.split("\n")[0],
                    "status": multiline(r.status_text), "status_key": r.status, "date": multiline(r.date),
                    "doc": multiline(r.doc)} for r in sheet.rows]
    return ctx


def write(cl: Checklist, out) -> None:
    """The format protocol (formats/__init__.py): a Word file of its own, at out.path."""
    write_file(cl, out.record, out.path, out.template)


def write_file(cl: Checklist, record: Record, output: Path, template: Path | None = None) -> None:
    render_docx(template, TEMPLATE, context(build_sheet(cl, record)), output)
