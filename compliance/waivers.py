"""Waivers: findings the office has consciously accepted (decision-record.md, "Waivers").

One place says when a waiver is in force and whether it names a rule that exists; the
report, the checklist and the rules' own tests all ask here.
"""
from __future__ import annotations

import datetime as dt

from .errors import InputError
from .models import Record, Waiver


def in_force(waiver: Waiver, as_of: dt.date) -> bool:
    """A waiver waives until the end of its `expires` day; one without `expires` always."""
    return waiver.expires is None or waiver.expires.last >= as_of


def active(record: Record, as_of: dt.date) -> dict[str, Waiver]:
    """Rule id -> the waiver in force for it."""
    return {w.rule: w for w in record.waivers if in_force(w, as_of)}


def check_rule_ids(record: Record, known: set[str] | dict, file: str) -> None:
    """A waiver or a rectification entry must name a rule that exists: otherwise the record is
    invalid."""
    for what, entries in (("waiver", record.waivers), ("rectification", record.rectifications)):
        for i, entry in enumerate(entries):
            if entry.rule not in known:
                raise InputError(file, f"{what} names rule {entry.rule!r}, which does not exist; "
                                 "see `compliance rules list`", f"{what}s[{i}].rule")


def as_dict(waiver: Waiver) -> dict:
    """The waiver as reports show it (dates as text)."""
    return {**waiver.model_dump(mode="json"), "expires": str(waiver.expires) if waiver.expires else None}
