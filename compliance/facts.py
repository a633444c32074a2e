"""A validated record → flat facts the engine can compare.

Every date and number becomes an interval [lo, hi] so that a rule can say "surely",
"possibly" or "surely not": a day is [d, d], a month-only date is [first, last], an
unknown value is the widest interval. Periods a rule refers to (`start + 30 days`) are
computed here, with the profile's counting and the holiday calendar; comparing them is
the engine's job.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from . import calendar_i18n
from . import vocabulary as voc
from .dates import RecordDate
from .models import Record, Step
from .periods import CalendarNotCovered, PeriodSpec, chain_last_day, is_workday
from .profiles import Profile
from .rulebook import DERIVED_STEP_FIELDS, PARAMETERS, RECORD_FIELDS

DAY_MIN, DAY_MAX = 0, 10_000_000
NUM_MIN, NUM_MAX = -(10**15), 10**15


def prop(path: str) -> str:
    """Fact property name of a field path ('issuer.level' -> 'issuer__level')."""
    return path.replace(".", "__")


def period_prop(field_name: str, periods: tuple[PeriodSpec, ...]) -> str:
    return f"{prop(field_name)}__{'_'.join(p.key for p in periods)}"


@dataclass(frozen=True)
class FactPlan:
    """What the compiled rules need beyond the record's own fields."""

    periods: frozenset[tuple[str, str, tuple[PeriodSpec, ...]]] = frozenset()  # (kind or 'record', field, periods)
    mirrored: frozenset[str] = frozenset()  # kinds (or 'record') tested with `need: same`


@dataclass
class Facts:
    facts: list[dict[str, Any]]
    steps: dict[str, Step]          # fact id -> the step it came from
    kinds: dict[str, str] = field(default_factory=dict)  # fact id -> the kind it stands for
    households: dict[str, str] = field(default_factory=dict)  # fact id -> household, for per-household steps
    notes: list[str] = field(default_factory=list)
    as_of: dt.date = dt.date.today()


def _interval_days(value: RecordDate | None) -> tuple[int, int]:
    if value is None:
        return DAY_MIN, DAY_MAX
    return value.first.toordinal(), value.last.toordinal()


UNKNOWN_TEXT = "\u0000"  # stands in for an unknown text value; never equal to a real one


def _put(out: dict, name: str, ftype: Any, value: Any) -> None:
    """Every field is always present, so a comparison never meets a missing property."""
    key = prop(name)
    out[key + "_known"] = 0 if value is None else 1
    if ftype == voc.DATE:
        out[key + "_lo"], out[key + "_hi"] = _interval_days(value)
    elif ftype in (voc.INT, voc.NUMBER):
        out[key + "_lo"], out[key + "_hi"] = (value, value) if value is not None else (NUM_MIN, NUM_MAX)
    elif isinstance(ftype, tuple) and ftype[0] == "list":
        out[key] = list(value) if value is not None else []
        out[key + "_count"] = len(out[key])  # the engine's $iall is false on an empty list
    else:
        out[key] = value if value is not None else UNKNOWN_TEXT


class _PeriodCalc:
    def __init__(self, profile: Profile, notes: list[str]):
        self.counting = profile.period_counting
        self.params = profile.model_dump()
        self.notes = notes

    def last(self, day: dt.date, periods: tuple[PeriodSpec, ...]) -> dt.date | None:
        return chain_last_day(day, periods, self.counting, self.params)

    def interval(self, base: RecordDate | None, periods: tuple[PeriodSpec, ...]) -> tuple[int, int]:
        if base is None:
            return DAY_MIN, DAY_MAX
        try:
            lo, hi = self.last(base.first, periods), self.last(base.last, periods)
            if lo is None or hi is None:
                return DAY_MIN, DAY_MAX
            for note in calendar_i18n.imported_notes(base.first, hi):  # which calendar answered for imported years
                if note not in self.notes:
                    self.notes.append(note)
            return lo.toordinal(), hi.toordinal()
        except CalendarNotCovered as e:
            note = calendar_i18n.both("not_covered", year=e.year)
            if note not in self.notes:
                self.notes.append(note)
            return DAY_MIN, DAY_MAX


def _add_periods(out: dict, kind: str, values: dict, plan: FactPlan, calc: _PeriodCalc) -> None:
    for p_kind, p_field, spec in plan.periods:
        if p_kind == kind:
            out[period_prop(p_field, spec) + "_lo"], out[period_prop(p_field, spec) + "_hi"] = \
                calc.interval(values.get(p_field), spec)


def _record_values(record: Record, reference: RecordDate) -> dict[str, Any]:
    values: dict[str, Any] = {}
    data = record.model_dump(mode="python")
    for path in RECORD_FIELDS:
        cur: Any = data
        for part in path.split("."):
            cur = cur.get(part) if isinstance(cur, dict) else None
        values[path] = cur
    for path, ftype in RECORD_FIELDS.items():  # model_dump turned RecordDate into dicts
        if ftype == voc.DATE and values[path] is not None:
            obj: Any = record
            for part in path.split("."):
                obj = getattr(obj, part)
            values[path] = obj
    values["uses_implementing_unit"] = record.implementing_unit is not None
    values["major_decision"] = bool(record.is_major_decision)
    values["reference_date"] = reference
    return values



def _rest_day(value: RecordDate | None) -> bool | None:
    if value is None or not value.is_day:
        return None
    try:
        return not is_workday(value.first)
    except CalendarNotCovered:
        return None


def _step_values(record: Record, step: Step) -> dict[str, Any]:
    values = dict(step.fields)
    if step.kind == "implementation":
        values["activity"] = voc.implementation_activity(step.get("what"))
    if step.kind == "demolished":
        values["on_rest_day"] = _rest_day(step.get("date"))
    if step.kind == "decision_served" and "rights_notice" not in values:
        # the notice is part of the decision; what was served says what the decision said
        stated = {s.get("rights_notice") for s in record.steps if s.kind == "decision"} - {None}
        if len(stated) == 1:
            values["rights_notice"] = stated.pop()
    if step.kind == "decision_announced" and "includes" in values:
        implied = set(values["includes"])
        if step.get("review_body"):
            implied.add("review_body")
        if step.get("review_period_days") is not None and step.get("suit_period_months") is not None:
            implied.add("deadlines")
        values["includes"] = tuple(sorted(implied))
    return values


def _planned(step: Step, as_of: dt.date) -> bool:
    dates = [v for k, v in step.fields.items() if k in ("date", "start") and isinstance(v, RecordDate)]
    return bool(dates) and min(d.first for d in dates) > as_of


def _content_id(fact: dict, seen: dict[str, int]) -> str:
    digest = hashlib.sha1(json.dumps(fact, sort_keys=True, ensure_ascii=False, default=str).encode()).hexdigest()[:16]
    n = seen.get(digest, -1) + 1
    seen[digest] = n
    return digest if n == 0 else f"{digest}#{n}"


def build_facts(record: Record, profile: Profile, as_of: dt.date, plan: FactPlan) -> Facts:
    notes: list[str] = []
    calc = _PeriodCalc(profile, notes)
    kinds = voc.rule_kinds(record.type)
    # (household or None, step): a compensation decision's steps are its household's
    own = record.household if record.type == "compensation_decision" else None
    all_steps = [(own, s) for s in record.steps] + [
        (entry.id, s) for entry in record.household_entries for s in entry.steps]
    done = [(h, s) for h, s in all_steps if not _planned(s, as_of)]
    planned = len(all_steps) - len(done)
    if planned:
        notes.append(f"{planned} step(s) dated after {as_of.isoformat()} are planned, not done, and were not counted")

    decisions = [s.get("date") for h, s in done if s.kind == "decision" and s.get("date") and h == own]
    reference = min(decisions) if decisions else RecordDate(as_of, as_of, as_of.isoformat())

    facts: list[dict[str, Any]] = []
    steps: dict[str, Step] = {}
    fact_kinds: dict[str, str] = {}
    fact_households: dict[str, str] = {}
    seen: dict[str, int] = {}

    rec = {"t": "rec", "one": 1}
    rvalues = _record_values(record, reference)
    rvalues["steps"] = tuple(sorted({s.kind for h, s in done if h == own}))
    for path, ftype in RECORD_FIELDS.items():
        _put(rec, path, ftype, rvalues.get(path))
    _add_periods(rec, "record", rvalues, plan, calc)
    rec["id"] = "rec"
    facts.append(rec)
    if "record" in plan.mirrored:
        facts.append({**rec, "t": "self", "kind": "record", "of": "rec", "id": "self:rec"})

    for household, step in done + _household_pseudo_steps(record, own):
        for kind in _fact_kinds(record, step):
            values = _step_values(record, step)
            fact: dict[str, Any] = {"t": "step", "kind": kind, "one": 1, "household": household or ""}
            all_fields = {**kinds[kind].all_fields, **DERIVED_STEP_FIELDS.get(kind, {})}
            for name, ftype in all_fields.items():
                if name in ("note",):
                    continue
                _put(fact, name, ftype, values.get(name))
            _add_periods(fact, kind, values, plan, calc)
            fid = _content_id(fact, seen)
            fact["id"] = fid
            facts.append(fact)
            steps[fid] = step
            fact_kinds[fid] = kind
            if household and household != own:  # a compensation decision is one household throughout
                fact_households[fid] = household
            if kind in plan.mirrored:
                facts.append({**fact, "t": "self", "of": fid, "id": "self:" + fid})

    for name in PARAMETERS:
        value = getattr(profile, name)
        param = {"t": "param", "name": name, "id": "param:" + name}
        param["lo"], param["hi"] = (value, value) if value is not None else (NUM_MIN, NUM_MAX)
        facts.append(param)
    today = as_of.toordinal()
    facts.append({"t": "now", "day_lo": today, "day_hi": today, "id": "now"})
    return Facts(facts, steps, fact_kinds, fact_households, notes, as_of)


def _household_pseudo_steps(record: Record, own: str | None) -> list[tuple[str | None, Step]]:
    """Each household's own attributes (residential, choice, ...) as a `household` fact."""
    sources = [(entry.id, entry) for entry in record.household_entries]
    if record.type == "compensation_decision":
        sources.append((own, record))
    out = []
    for household, source in sources:
        attrs = {k: getattr(source, k) for k in voc.HOUSEHOLD_ATTRIBUTES if getattr(source, k, None) is not None}
        attrs["signed_agreement"] = any(s.kind == "agreement_signed" for s in source.steps)
        out.append((household, Step.model_construct(kind="household", written_kind="household", fields=attrs)))
    return out


def _fact_kinds(record: Record, step: Step) -> list[str]:
    """A plan_comment of an expropriation decision also counts as public_opinion (decision-record.md)."""
    if record.type == "expropriation_decision" and step.kind == "plan_comment":
        return ["plan_comment", "public_opinion"]
    return [step.kind]
