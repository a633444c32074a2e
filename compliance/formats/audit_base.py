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
from ..tracking_i18n import text as tracking_text
from ..rulebook import Rulebook

FORMATS = ("text", "json", "csv", "html", "markdown", "junit", "sarif")     # reports (text)
SPREADSHEETS = ("xlsx",)             # the 整改台账 (register.py)
CHOICES = FORMATS + SPREADSHEETS
MODULES = {"text": "audit_text", "json": "audit_json", "csv": "audit_csv", "html": "audit_html",
           "markdown": "audit_markdown", "junit": "audit_junit", "sarif": "audit_sarif", "xlsx": "audit_xlsx"}
BINARY = set(SPREADSHEETS)           # written as bytes: never to a terminal
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
    profile: str | None = None                          # --profile, when given
    rule_set: dict | None = None                        # ruleset.identity of the rules used

    def t(self, key: str, **kw) -> str:
        text = tracking_text(key, self.lang)
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
        return tracking_text(key, lang)
    except KeyError:
        return key


def type_label(name: str | None, lang: str) -> str:
    if not name or name == "unknown":
        return i18n.text("type_unknown", lang)
    return i18n.record_type(name, lang)


def month_label(month: str, lang: str) -> str:
    return i18n.text("month_none", lang) if month == "none" else month


def rect_label(state: str, lang: str) -> str:
    return tracking_text(f"rect_{state}", lang)


def rect_text(entry: dict | None, lang: str) -> str:
    """'逾期未整改：拆除违建（张三，期限 2026-03-31）' for a finding's rectification entry."""
    if not entry:
        return ""
    who = [entry.get("responsible"), f"{tracking_text('col_due', lang)} {entry['due']}" if entry.get("due") else None,
           f"{tracking_text('col_done', lang)} {entry['done']}" if entry.get("done") else None, entry.get("doc")]
    detail = ("，" if lang == "zh" else ", ").join(x for x in who if x)
    sep = "：" if lang == "zh" else ": "
    return f"{rect_label(entry['state'], lang)}{sep}{entry.get('measure', '')}" + (f"（{detail}）" if detail else "")


def baseline_lead(summary: dict, meta: AuditMeta) -> list[str]:
    """The lines a summary leads with when the run was compared with a baseline:
    new / unchanged / resolved, then the rectification register's counts."""
    out = []
    b = summary.get("baseline")
    if b:
        out.append(meta.t("bl_lead", new=b["new"], unchanged=b["unchanged"], resolved=b["resolved"]))
        out.append(meta.t("bl_against", file=b["file"], as_of=b.get("as_of") or "-", version=b.get("tool_version") or "-"))
    r = summary.get("rectifications") or {}
    if any(r.values()):
        out.append(meta.t("rect_lead", **r))
    return out


def state_label(f: dict, lang: str) -> str:
    """A finding's baseline state in words ('' when the run had no baseline)."""
    return label(f["baseline_state"], lang) if f.get("baseline_state") else ""


def tracking_tables(summary: dict, meta: AuditMeta) -> list[tuple[str, list[str], list[list]]]:
    """The 整改情况 section's tables, (heading, columns, rows), for every format to render
    its own way: per rule and per record (new / unchanged / resolved), and the baseline's
    records not compared in this run."""
    b = summary.get("baseline")
    if not b:
        return []
    t, states = meta.t, ("new", "unchanged", "resolved")
    counts = [t("col_new"), t("col_unchanged"), t("col_resolved")]
    out = [(t("bl_by_rule"), [t("col_rule"), t("col_title")] + counts,
            [[r["rule"], r["title"]] + [r[s] for s in states] for r in b["by_rule"]]),
           (t("bl_by_record"), [t("col_id"), t("col_place")] + counts,
            [[r["id"], r["place"]] + [r[s] for s in states] for r in b["by_record"]])]
    if b["absent"]:
        out.append((t("bl_absent_heading"), [t("col_id"), t("col_place"), t("col_reason")],
                    [[a["id"], a["place"], t(f"bl_reason_{a['reason']}")] for a in b["absent"]]))
    return out


def tracking_notes(summary: dict) -> list[str]:
    return list((summary.get("baseline") or {}).get("notes") or [])


def finding_tags(f: dict, lang: str) -> str:
    """'[新发现] [逾期未整改]': a finding's baseline state and rectification state, if any."""
    tags = [state_label(f, lang)] if f.get("baseline_state") in ("new", "unchanged") else []
    if f.get("rectification"):
        tags.append(rect_label(f["rectification"]["state"], lang))
    return " ".join(f"[{x}]" for x in tags)
