"""Readings of a record that no field states but the law implies: the one table of them.

Each entry says which step kinds it reads, the field it fills, its type for the rules, and
what it means, in words a legal advisor signs off (docs/legal-review.md lists this table).
The facts layer applies them; rules test the fields like any other. A reading never
overrides what the record itself says.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Literal

from . import vocabulary as voc
from .dates import RecordDate
from .models import Record, Step
from .periods import CalendarNotCovered, is_workday


@dataclass(frozen=True)
class Reading:
    kinds: tuple[str, ...]        # the step kinds it applies to
    field: str                    # the field it fills (a new one, or a given one left out)
    ftype: Any                    # its type, as rules see it
    meaning: str                  # for the sign-off sheet
    derive: Callable[[Record, Step], Any]   # the value, or None to leave the field as it is
    # adds: a field of its own; fills: a field of the record format, only when left out;
    # extends: a list field, with the items the record's other fields imply
    mode: Literal["adds", "fills", "extends"] = "adds"


def _activity(record: Record, step: Step) -> Any:
    return voc.implementation_activity(step.get("what"))


def _rest_day(record: Record, step: Step) -> Any:
    value = step.get("date")
    if not isinstance(value, RecordDate) or not value.is_day:
        return None
    try:
        return not is_workday(value.first)
    except CalendarNotCovered:
        return None


def _forced(record: Record, step: Step) -> Any:
    return True if record.type == "compensation_decision" else None


def _served_rights_notice(record: Record, step: Step) -> Any:
    stated = {s.get("rights_notice") for s in record.steps if s.kind == "decision"} - {None}
    return stated.pop() if len(stated) == 1 else None


def _announced_includes(record: Record, step: Step) -> Any:
    if step.get("includes") is None:
        return None
    implied = set(step.get("includes"))
    if step.get("review_body"):
        implied.add("review_body")
    if step.get("review_period_days") is not None and step.get("suit_period_months") is not None:
        implied.add("deadlines")
    return tuple(sorted(implied))


READINGS: tuple[Reading, ...] = (
    Reading(("implementation",), "activity", voc.enum(*voc.IMPLEMENTATION_ACTIVITIES, "other"),
            "What an implementation step does (signing, disbursement, demolition, contract award), "
            "read from the words of its `what` text (vocabulary.IMPLEMENTATION_ACTIVITIES).", _activity),
    Reading(("demolished",), "on_rest_day", voc.BOOL,
            "A demolition on a statutory holiday or weekend rest day, per the official holiday and 调休 "
            "calendar (调休 working days are working days).", _rest_day),
    Reading(("demolished",), "forced", voc.BOOL,
            "A compensation decision's demolition is the forced relocation or demolition (强制搬迁/拆除实施) "
            "unless it says `forced: false`.", _forced, "fills"),
    Reading(("decision_served",), "rights_notice", voc.BOOL,
            "What was served told the owner of review and suit rights as the decision itself did, when the "
            "service step does not say (the notice is part of the decision served).", _served_rights_notice,
            "fills"),
    Reading(("decision_announced",), "includes", voc.listof(),
            "An announcement that names the review body includes it; one that states both the review and "
            "the suit period includes the deadlines (a named field implies the list item).", _announced_includes,
            "extends"),
)

# Kinds that also count as another kind (the catalog lets one step serve two requirements).
KIND_ALIASES: dict[tuple[str, str], tuple[str, str]] = {
    ("expropriation_decision", "plan_comment"): (
        "public_opinion",
        "For an expropriation decision, publishing the compensation plan for comment (Decree 590 Art 10) "
        "is also the broad solicitation of public opinion the internal procedure asks for."),
}

# Fields of the household pseudo-step (`each: household`) that the record does not state.
HOUSEHOLD_READINGS: dict[str, tuple[Any, str]] = {
    "owner_unclear": (voc.BOOL, "`owner_unclear` is a flag: when it is not set, the owner is taken as known."),
    "signed_agreement": (voc.BOOL, "Whether the household has a signed agreement on record (an absent "
                                   "step was not done, so this is always known)."),
}


# Fields the facts layer computes from several steps (facts.py), listed here for sign-off.
COMPUTED_FIELDS: tuple[tuple[str, str, Any, str], ...] = (
    ("funds_in_place", "cumulative_shortfall_cny", voc.NUMBER,
     "The estimate minus every deposit made on or before this one: deposits before the decision are "
     "added together (funds are in place when it is at most 0)."),
    ("*", "on_record", voc.BOOL,
     "False for a stage that only a later step proves (rules/_stages.yaml); its date is then bounded "
     "by the earliest proving step."),
    ("record", "reference_date", voc.DATE,
     "The decision date a rule's start date is compared with: the earliest decision on record (one "
     "proven only by later steps counts as made on the earliest of them), or --as-of before there is one."),
    ("record", "steps", voc.listof(),
     "The kinds of the record's own steps that were done, stages proven by later steps included."),
    ("record", "uses_implementing_unit", voc.BOOL, "Whether the record names an implementing unit."),
    ("record", "major_decision", voc.BOOL, "`is_major_decision`, false when not set (the catalog lists the "
                                           "matter only when the record says so)."),
)


def step_values(record: Record, step: Step) -> dict[str, Any]:
    """The step's fields with every reading that applies; a given value is never overridden."""
    values = dict(step.fields)
    for reading in READINGS:
        if step.kind in reading.kinds and (reading.mode != "fills" or values.get(reading.field) is None):
            value = reading.derive(record, step)
            if value is not None:
                values[reading.field] = value
    return values


def fact_kinds(record: Record, step: Step) -> list[str]:
    alias = KIND_ALIASES.get((record.type, step.kind))
    return [step.kind, alias[0]] if alias else [step.kind]


def new_step_fields() -> dict[str, dict[str, Any]]:
    """kind -> {field: type} of the fields readings add or compute (rules may test them)."""
    out: dict[str, dict[str, Any]] = {"household": {k: t for k, (t, _) in HOUSEHOLD_READINGS.items()}}
    for kind, name, ftype, _ in COMPUTED_FIELDS:
        if kind not in ("*", "record"):
            out.setdefault(kind, {})[name] = ftype
    for reading in READINGS:
        if reading.mode == "adds":
            for kind in reading.kinds:
                out.setdefault(kind, {})[reading.field] = reading.ftype
    return out
