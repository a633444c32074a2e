"""What every audit report format shares: the writer protocol, the report's metadata,
a spool for per-record parts of formats whose summary comes first, and small helpers.

A writer gets begin(), then record()/excluded() once per input in input order, then
end(summary). It never holds the records: each is written (or spooled) as it arrives.
"""
from __future__ import annotations

import importlib
import shutil
import tempfile
from dataclasses import dataclass, field
from typing import IO

from .. import i18n
from ..rulebook import Rulebook

FORMATS = ("text", "json", "csv", "html", "markdown", "junit", "sarif")
MODULES = {"text": "audit_text", "json": "audit_json", "csv": "audit_csv", "html": "audit_html",
           "markdown": "audit_markdown", "junit": "audit_junit", "sarif": "audit_sarif"}
ENCODING = {"csv": "utf-8-sig"}      # Excel reads UTF-8 CSV as Chinese only with a BOM
NEWLINE = {"csv": ""}                # the csv module writes its own line ends


@dataclass
class AuditMeta:
    as_of: str
    lang: str
    tool_version: str
    year: int | None = None
    inputs: list[str] = field(default_factory=list)
    generated: str = ""
    rules: list[dict] = field(default_factory=list)   # id, title, severity, basis, verified, remedy, source

    def t(self, key: str, **kw) -> str:
        text = i18n.text(key, self.lang)
        return text.format(**kw) if kw else text

    def scope(self) -> str:
        return self.t("audit_year", year=self.year) if self.year else self.t("audit_all_years")


def rule_rows(book: Rulebook, lang: str) -> list[dict]:
    return [{"id": r.id, "title": r.title.get(lang), "severity": r.severity, "basis": r.basis(lang),
             "verified": r.verified, "remedy": r.remedy.get(lang), "source": r.source.doc or r.source.name}
            for r in book.rules]


class AuditWriter:
    """Base writer: subclasses override what they need."""

    def __init__(self, out: IO[str], meta: AuditMeta):
        self.out, self.meta = out, meta

    def begin(self) -> None:
        pass

    def record(self, rec: dict) -> None:
        raise NotImplementedError

    def excluded(self, item: dict) -> None:
        pass

    def end(self, summary: dict) -> None:
        pass


class Spool:
    """Per-record output kept on disk until the summary that precedes it is known."""

    def __init__(self) -> None:
        self.file = tempfile.TemporaryFile("w+", encoding="utf-8")

    def write(self, text: str) -> None:
        self.file.write(text)

    def copy_to(self, out: IO[str]) -> None:
        self.file.seek(0)
        shutil.copyfileobj(self.file, out)
        self.file.close()


def writer_class(fmt: str) -> type[AuditWriter]:
    module = importlib.import_module(f"{__package__}.{MODULES[fmt]}")
    return module.Writer


def place(rec: dict) -> str:
    """file, or file:Sheet!7:7 for a ledger row."""
    return f"{rec['file']}:{rec['location']}" if rec.get("location") else rec["file"]


def error_text(rec: dict) -> str:
    """Every problem of a record that could not be read, each with its place."""
    err = rec.get("error") or {}
    problems = err.get("problems") or [err]
    return "; ".join(f"{p.get('message', '')}" + (f" [{p['location']}]" if p.get("location") else "")
                     for p in problems)


def counts(rec: dict) -> dict[str, int]:
    """Per-record counts the summaries show."""
    out = {"violated": 0, "blocking": 0, "not_evaluable": 0, "waived": 0}
    for f in rec["findings"]:
        out[f["result"]] = out.get(f["result"], 0) + 1
        if f["result"] == "violated" and f["severity"] == "blocking":
            out["blocking"] += 1
    return out


def dates_text(f: dict) -> str:
    return "; ".join(f"{d['step']}.{d['field']} {d['date']}" for d in f.get("dates", []))


def label(key: str, lang: str) -> str:
    """A status, result or severity in the report's language."""
    try:
        return i18n.text(key, lang)
    except KeyError:
        return key


def type_label(name: str | None, lang: str) -> str:
    if not name or name == "unknown":
        return i18n.text("type_unknown", lang)
    return i18n.record_type(name, lang)


def month_label(month: str, lang: str) -> str:
    return i18n.text("month_none", lang) if month == "none" else month
