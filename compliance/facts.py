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

from . import calendar_i18n, derived, i18n
from . import vocabulary as voc
from .dates import RecordDate, bounded_date
from .models import Record, Step
from .periods import CalendarNotCovered, PeriodSpec, chain_last_day
from .profiles import Profile
from .rule_model import DATE_PARAMETERS, DERIVED_COMMON_FIELDS, DERIVED_STEP_FIELDS, PARAMETERS, RECORD_FIELDS
from .stages import Proof, Stage, infer

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
    stages: tuple[tuple[str, Stage], ...] = ()  # the record type's stages (rules/_stages.yaml)


@dataclass
class Facts:
    facts: list[dict[str, Any]]
    steps: dict[str, Step]          # fact id -> the step it came from
    kinds: dict[str, str] = field(default_factory=dict)  # fact id -> the kind it stands for
    households: dict[str, str] = field(default_factory=dict)  # fact id -> household, for per-household steps
    notes: list[str] = field(default_factory=list)
    as_of: dt.date = field(default_factory=dt.date.today)

    def of_kind(self, kind: str) -> list[str]:
        """Fact ids of one kind, in fact order (indexed once: a record with thousands of
        households asks this once per finding)."""
        if "_by_kind" not in self.__dict__:
            index: dict[str, list[str]] = {}
            for fid, k in self.kinds.items():
                index.setdefault(k, []).append(fid)
            self.__dict__["_by_kind"] = index
        return self.__dict__["_by_kind"].get(kind, [])

    def of_household(self, household: str | None) -> list[str]:
        """Fact ids of one household's steps (None: the record's own), indexed once."""
        if "_by_household" not in self.__dict__:
            index: dict[str | None, list[str]] = {}
            for fid in self.steps:
                index.setdefault(self.households.get(fid), []).append(fid)
            self.__dict__["_by_household"] = index
        return self.__dict__["_by_household"].get(household, [])


class PlannedNote(i18n.Bilingual):
    """The note that steps dated after --as-of were not counted (the checklist shows them itself)."""


def _interval_days(value: RecordDate | None) -> tuple[int, int]:
    if value is None:
        return DAY_MIN, DAY_MAX
    return value.first.toordinal(), value.last.toordinal()


UNKNOWN_TEXT = "\u0000"  # stands in for an unknown text value; never equal to a real one


_DATE, _NUM, _LIST, _TEXT = range(4)


def _field_specs(fields: dict[str, Any]) -> tuple[tuple, ...]:
    """How each field becomes fact properties, decided once: (name, how, property names...)."""
    specs = []
    for name, ftype in fields.items():
        key = prop(name)
        if ftype == voc.DATE:
            specs.append((name, _DATE, key + "_known", key + "_lo", key + "_hi"))
        elif ftype in (voc.INT, voc.NUMBER):
            specs.append((name, _NUM, key + "_known", key + "_lo", key + "_hi"))
        elif isinstance(ftype, tuple) and ftype[0] == "list":
            specs.append((name, _LIST, key + "_known", key, key + "_count"))
        else:
            specs.append((name, _TEXT, key + "_known", key, None))
    return tuple(specs)


def _fill(out: dict, specs: tuple[tuple, ...], values: dict) -> None:
    """Each field's properties: `_known`, and `_lo`/`_hi` (dates as day numbers, numbers), the
    list and its `_count` (the engine's $iall is false on an empty list), or the text."""
    for name, how, known, a, b in specs:
        value = values.get(name)
        out[known] = 0 if value is None else 1
        if how == _DATE:
            out[a], out[b] = _interval_days(value)
        elif how == _NUM:
            out[a], out[b] = (value, value) if value is not None else (NUM_MIN, NUM_MAX)
        elif how == _LIST:
            out[a] = items = list(value) if value is not None else []
            out[b] = len(items)
        else:
            out[a] = value if value is not None else UNKNOWN_TEXT


# (id(StepKind), kind name) -> (the kind, its field specs): every field is always present,
# so a comparison never meets a missing property
_STEP_SPECS: dict[tuple[int, str], tuple] = {}
_RECORD_SPECS: list[tuple] = []


def _step_specs(kind: voc.StepKind, name: str) -> tuple[tuple, ...]:
    entry = _STEP_SPECS.get((id(kind), name))
    if entry is None or entry[0] is not kind:
        fields = {**kind.all_fields, **DERIVED_STEP_FIELDS.get(name, {}), **DERIVED_COMMON_FIELDS}
        fields.pop("note", None)
        entry = _STEP_SPECS[(id(kind), name)] = (kind, _field_specs(fields))
    return entry[1]


def _record_specs() -> tuple[tuple, ...]:
    if not _RECORD_SPECS:
        _RECORD_SPECS.append(_field_specs(RECORD_FIELDS))
    return _RECORD_SPECS[0]


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
            # a bound (on or before a day) has no lower end: nor has the period's last day
            lo = None if base.is_bound else self.last(base.first, periods)
            hi = self.last(base.last, periods)
            if base.is_bound and hi is not None:
                return DAY_MIN, hi.toordinal()
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



def _content_id(fact: dict, seen: dict[str, int]) -> str:
    digest = hashlib.sha1(json.dumps(fact, sort_keys=True, ensure_ascii=False, default=str).encode()).hexdigest()[:16]
    n = seen.get(digest, -1) + 1
    seen[digest] = n
    return digest if n == 0 else f"{digest}#{n}"


def _with_date(step: Step, day: RecordDate | None) -> Step:
    return Step.model_construct(kind=step.kind, written_kind=step.written_kind,
                                fields={**step.fields, "date": day})


def _apply_proofs(done: list[tuple[str | None, Step]], proofs: list[Proof]) -> list[tuple[str | None, Step, bool]]:
    """Done steps, each with whether it is on record, plus the stages only later steps prove.

    An undated step of a proven stage takes the bound as its date; a wholly absent stage
    becomes a step with `on_record` false and the bound as its date."""
    bounds = {(p.household, p.kind): p for p in proofs}
    out: list[tuple[str | None, Step, bool]] = []
    present: set[tuple[str | None, str]] = set()
    for household, step in done:
        proof = bounds.get((household, step.kind))
        if proof is not None:
            present.add((household, step.kind))
            if step.get("date") is None:
                step = _with_date(step, bounded_date(proof.bound))
        out.append((household, step, True))
    for key, proof in sorted(bounds.items(), key=lambda kv: (kv[0][0] or "", kv[0][1])):
        if key not in present:
            step = Step.model_construct(kind=proof.kind, written_kind=proof.kind,
                                        fields={"date": bounded_date(proof.bound)})
            out.append((proof.household, step, False))
    return out


def _reference(decisions: list[RecordDate]) -> RecordDate | None:
    """The decision date for a rule's effective window; a bound counts as its last day."""
    if not decisions:
        return None
    day = min(decisions, key=lambda d: (d.last, d.first))
    return RecordDate(day.last, day.last, day.last.isoformat()) if day.is_bound else day


def _cumulative_shortfall(steps: list[tuple[str | None, Step, bool]]) -> dict[int, tuple[float, float]]:
    """For each funds_in_place step (by id): the estimate minus every deposit made on or
    before it, as an interval (a deposit possibly before it counts for the lower end only)."""
    deposits = [s for _, s, _ in steps if s.kind == "funds_in_place"]
    out: dict[int, tuple[float, float]] = {}
    for step in deposits:
        day, amount, estimate = step.get("date"), step.get("amount_cny"), step.get("estimated_total_cny")
        if not isinstance(day, RecordDate) or amount is None or estimate is None:
            continue
        surely = possibly = 0.0
        for other in deposits:
            when, value = other.get("date"), other.get("amount_cny")
            if other is step:
                surely += amount
                possibly += amount
            elif isinstance(when, RecordDate) and when.first <= day.last:
                if value is None:
                    possibly = float(NUM_MAX)
                else:
                    possibly += value
                    if when.last <= day.first:
                        surely += value
        out[id(step)] = (estimate - min(possibly, NUM_MAX), estimate - surely)
    return out


def build_facts(record: Record, profile: Profile, as_of: dt.date, plan: FactPlan) -> Facts:
    notes: list[str] = []
    calc = _PeriodCalc(profile, notes)
    kinds = voc.rule_kinds(record.type)
    # (household or None, step): a compensation decision's steps are its household's
    own = record.household if record.type == "compensation_decision" else None
    all_steps = [(own, s) for s in record.steps] + [
        (entry.id, s) for entry in record.household_entries for s in entry.steps]
    done = [(h, s) for h, s in all_steps if not s.planned(as_of)]
    planned = len(all_steps) - len(done)
    if planned:
        notes.append(PlannedNote(f"{planned} 个步骤的日期晚于 {as_of.isoformat()}，视为计划中、尚未完成，未予计入",
                                 f"{planned} step(s) dated after {as_of.isoformat()} are planned, not done, "
                                 "and were not counted"))

    proofs = infer(dict(plan.stages), [(h, s.kind, s.fields) for h, s in done], own)
    steps_done = _apply_proofs(done, proofs)
    decisions = [s.get("date") for h, s, _ in steps_done if s.kind == "decision" and s.get("date") and h == own]
    reference = _reference(decisions) or RecordDate(as_of, as_of, as_of.isoformat())
    shortfalls = _cumulative_shortfall(steps_done)

    facts: list[dict[str, Any]] = []
    steps: dict[str, Step] = {}
    fact_kinds: dict[str, str] = {}
    fact_households: dict[str, str] = {}
    seen: dict[str, int] = {}

    rec = {"t": "rec", "one": 1}
    rvalues = _record_values(record, reference)
    rvalues["steps"] = tuple(sorted({s.kind for h, s, _ in steps_done if h == own}))
    _fill(rec, _record_specs(), rvalues)
    _add_periods(rec, "record", rvalues, plan, calc)
    rec["id"] = "rec"
    facts.append(rec)
    if "record" in plan.mirrored:
        facts.append({**rec, "t": "self", "kind": "record", "of": "rec", "id": "self:rec"})

    pseudo = [(h, s, True) for h, s in _household_pseudo_steps(record, own)]
    for household, step, on_record in steps_done + pseudo:
        for kind in derived.fact_kinds(record, step):
            values = derived.step_values(record, step)
            values["on_record"] = on_record
            fact: dict[str, Any] = {"t": "step", "kind": kind, "one": 1, "household": household or ""}
            _fill(fact, _step_specs(kinds[kind], kind), values)
            if id(step) in shortfalls:
                fact["cumulative_shortfall_cny_known"] = 1
                fact["cumulative_shortfall_cny_lo"], fact["cumulative_shortfall_cny_hi"] = shortfalls[id(step)]
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
    for name in DATE_PARAMETERS:
        value = getattr(profile, name)
        # an unknown start date applies the rule to every record (decision-record.md); the
        # finding says the date is not known
        day = value.toordinal() if value is not None else DAY_MIN
        facts.append({"t": "param", "name": name, "id": "param:" + name, "lo": day, "hi": day})
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
        attrs.setdefault("owner_unclear", False)   # derived.HOUSEHOLD_READINGS: a flag, unset = known
        attrs["signed_agreement"] = any(s.kind == "agreement_signed" for s in source.steps)
        out.append((household, Step.model_construct(kind="household", written_kind="household", fields=attrs)))
    return out
