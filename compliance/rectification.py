"""Rectifications (整改): what the office does about a finding, and where it stands.

One place says what state an entry is in against --as-of and whether it names a rule that
exists; the report, the checklist, the audit and the 整改台账 all ask here. An entry
never changes a finding's result: a violation being rectified is still a violation.
"""
from __future__ import annotations

import datetime as dt
from typing import Iterable

from .models import Rectification, Record

IN_PROGRESS = "in_progress"      # 整改中: open, due date not passed
OVERDUE = "overdue"              # 逾期未整改: open, due date passed
NOT_CURED = "not_cured"          # marked done, but the finding is still there
RECTIFIED = "rectified"          # the finding is no longer reported
STATES = (OVERDUE, NOT_CURED, IN_PROGRESS, RECTIFIED)   # most pressing first
OPEN_RESULTS = ("violated", "not_evaluable", "waived")   # the finding is still reported


def state(entry: Rectification, found: bool, as_of: dt.date) -> str:
    """The entry's state given whether its finding is still reported."""
    if not found:
        return RECTIFIED
    if entry.done is not None:
        return NOT_CURED
    if entry.due is not None and entry.due.last < as_of:
        return OVERDUE
    return IN_PROGRESS


def covers(entry: Rectification, rule: str, household: str | None) -> bool:
    """An entry without a household covers every household's finding of its rule."""
    return entry.rule == rule and (entry.household is None or entry.household == household)


def as_dict(entry: Rectification) -> dict:
    """The entry as reports show it (dates as text, empty fields left out)."""
    data = entry.model_dump(mode="json", exclude_none=True)
    for key in ("due", "done"):
        if getattr(entry, key) is not None:
            data[key] = str(getattr(entry, key))
    return data


def apply(findings: Iterable, record: Record, as_of: dt.date) -> list[dict]:
    """Attach to each open finding its entry (with `state`), and return every entry of the
    record with its state: those whose finding is gone read `rectified`."""
    findings = [f for f in findings if f.result in OPEN_RESULTS]
    out = []
    for entry in record.rectifications:
        hits = [f for f in findings if covers(entry, f.rule.id, f.household)]
        current = state(entry, bool(hits), as_of)
        for f in hits:
            f.rectification = {**as_dict(entry), "state": current}
        out.append({**as_dict(entry), "state": current})
    return out
