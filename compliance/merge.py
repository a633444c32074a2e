"""`compliance report merge`: the JSON reports of several audit runs (say, parts of one
audit split across machines) as one report, with the summary one run over all the inputs
would have given: the summary is rebuilt record by record, not added up.

A record found in two reports (by id, or by place when it has none) is kept once and the
repeat is listed; within one report, two records with one id stay as that run found them
(a duplicate id). Reports checked against other rules, as of another day, with another
profile or for another year are refused unless mixing is allowed.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from . import ruleset
from .audit import Summary
from .baseline import Replayed
from .errors import InputError
from .formats.audit_base import place
from .report_file import read_report
from .rulebook import Rulebook
from .tracking_i18n import text

MUST_AGREE = (("rule set", lambda d: (d.get("rule_set") or {}).get("digest")), ("as-of date", lambda d: d.get("as_of")),
              ("profile", lambda d: d.get("profile")), ("year", lambda d: d.get("year")))


@dataclass
class Part:
    path: Path
    data: dict


def read_parts(paths: list[Path]) -> list[Part]:
    return [Part(p, read_report(p, "a report to merge")) for p in paths]


def _reason(what: str, a: Part, b: Part) -> str:
    if what == "rule set":
        diff = ruleset.differences(a.data.get("rule_set"), b.data.get("rule_set"))
        detail = "; ".join(f"{k}: {', '.join(v[:5])}{' …' if len(v) > 5 else ''}" for k, v in diff.items() if v)
        return f"was checked against other rules than {a.path}" + (f" ({detail})" if detail else "")
    return f"has {what} {b.data.get(key_of(what))!r}, {a.path} has {a.data.get(key_of(what))!r}"


def key_of(what: str) -> str:
    return {"as-of date": "as_of", "profile": "profile", "year": "year"}[what]


def compatibility(parts: list[Part], allow_mixed: bool) -> list[str]:
    """Notes on what the parts do not share; an input error when they must agree and do not."""
    notes = []
    first = parts[0]
    for part in parts[1:]:
        for what, get in MUST_AGREE:
            if get(part.data) == get(first.data):
                continue
            reason = f"{part.path} {_reason(what, first, part)}"
            if not allow_mixed:
                raise InputError(str(part.path), f"{_reason(what, first, part)}; the summary would mix them: audit the "
                                 "parts again alike, or pass --allow-mixed")
            notes.append(f"merged although {reason}")
    if any(p.data.get("rule_set") is None for p in parts):
        notes.append("a report does not name its rule set (an older version): whether the parts used the same rules "
                     "cannot be told")
    return notes


def merge(parts: list[Part], writer, book: Rulebook, lang: str, notes: list[str]) -> Summary:
    """Feed the writer the parts' records in order, each once, and return the summary."""
    summary = Summary(book, lang)
    summary.notes += notes
    sections = [p.data["summary"]["baseline"] for p in parts if (p.data.get("summary") or {}).get("baseline")]
    replay = Replayed(sections, lang) if sections else None
    summary.comparison = replay
    owner: dict[str, int] = {}          # record key -> the report it was taken from
    writer.begin()
    for n, part in enumerate(parts):
        part_summary = part.data.get("summary") or {}
        summary.notes += [n for n in part_summary.get("notes") or [] if n not in summary.notes]
        summary.internal_errors += part_summary.get("internal_errors") or 0
        for rec in part.data["records"]:
            key = rec.get("id") or place(rec)
            if owner.setdefault(key, n) != n:
                summary.notes.append(text("merge_duplicate", lang).format(id=key, first=parts[owner[key]].path,
                                                                          second=part.path))
                continue
            summary.see_id(rec)
            if replay is not None:
                replay.replay(rec)
            summary.add(rec, rec.get("satisfied_rules") or ())
            writer.record(rec)
        for item in part.data.get("excluded") or []:
            key = item.get("id") or place(item)
            if owner.setdefault(key, n) != n:
                continue
            summary.exclude(item)
            writer.excluded(item)
    writer.end(summary.as_dict())
    return summary
