"""The pre-meeting checklist: what must be done before a gate step, and where it stands.

Which rules belong to a gate comes from the rule files themselves, never from a list:
a check "for each A, a P must exist whose date is not after A's" says P comes before A;
one whose P must come *after* A (`not_before`/`after` the anchor, a deadline counted from
it, a `due`) says A comes before P. The steps that must precede a gate are the gate and
everything reachable backwards from it; a check belongs to the gate when its later step
(its subject) is among them. Checks on the record itself belong to every gate.

The gate has usually not happened yet, so each question is asked of a hypothetical
record with the gate step on a given day, evaluated as of that day: steps dated later
are planned, and count as done once the day reaches them (cli-contract.md, checklist).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Callable

from . import i18n
from . import vocabulary as voc
from .dates import RecordDate
from .errors import EngineError, InputError
from .evaluate import NOT_APPLICABLE, NOT_EVALUABLE, SATISFIED, VIOLATED, Evaluator, RuleResult, worst
from .facts import Facts, PlannedNote
from .findings import make_finding
from .models import Record, Step
from .periods import counted_days
from .profiles import Profile, load_profile
from .records import LoadedRecord
from . import severity as sev
from . import waivers
from .rule_model import Check, Rule
from .rulebook import Rulebook

DONE, MISSING, PENDING, WAIVED = "done", "missing", "pending", "waived"
STATUS_ORDER = (MISSING, PENDING, NOT_EVALUABLE, WAIVED, DONE, NOT_APPLICABLE)
READY_BELOW = "major"      # a gate is ready when nothing at this severity or above is missing or pending
HORIZON_YEARS = 3          # how far ahead a wait or a planned step is looked for



# ----------------------------------------------------------------- gates and membership
def resolve_gate(record_type: str, text: str, where: str = "--before") -> str:
    """A gate is a step kind of the record's type, by name or Chinese label."""
    written = str(text).strip()
    try:
        return voc.resolve_kind(record_type, written)
    except voc.KindError as e:
        if record_type == "expropriation_decision" and written in voc.kind_aliases("household") | dict.fromkeys(
                voc.KINDS_BY_TYPE["household"]):
            raise InputError(where, f"「{written}」是分户步骤，请对该户的补偿决定记录运行清单 / {written!r} is a "
                             "per-household step; run the checklist on that household's compensation_decision "
                             "record") from None
        raise InputError(where, str(e)) from None


def _follows(check: Check, branch) -> bool:
    """True when the needed step comes after the anchor (an announcement after the decision)."""
    if check.due:
        return True
    for cond in branch.conditions:
        ref = cond.ref
        if ref.kind == "field" and ref.alias == check.each:
            if cond.op in ("not_before", "after") or getattr(ref, "period", None):
                return True
    return False


def check_edges(check: Check) -> list[tuple[str, str]]:
    """(earlier kind, later kind) pairs a check imposes."""
    if check.each == "record":
        return []
    edges = []
    for branch in check.branches:
        for kind in branch.kinds:
            if kind in ("same", "record"):
                continue
            edges.append((check.each, kind) if _follows(check, branch) else (kind, check.each))
    return edges


def _checks(rules: list[Rule], record_type: str):
    for rule in rules:
        if record_type not in rule.applies_to:
            continue
        for index, check in enumerate(rule.checks):
            if check.applies_to_type(record_type):
                yield rule, index, check


def precedence(rules: list[Rule], record_type: str) -> dict[str, set[str]]:
    """kind -> the kinds that must be done before it."""
    graph: dict[str, set[str]] = {}
    for _, _, check in _checks(rules, record_type):
        for earlier, later in check_edges(check):
            graph.setdefault(later, set()).add(earlier)
    return graph


def closure(graph: dict[str, set[str]], gate: str) -> set[str]:
    """The gate and every kind that must be done before it, directly or through others."""
    seen, todo = {gate}, [gate]
    while todo:
        for earlier in graph.get(todo.pop(), ()):
            if earlier not in seen:
                seen.add(earlier)
                todo.append(earlier)
    return seen


def gate_members(rules: list[Rule], record_type: str, gate: str) -> dict[str, tuple[int, ...]]:
    """rule id -> indices of its checks that must hold before the gate."""
    before = closure(precedence(rules, record_type), gate)
    out: dict[str, list[int]] = {}
    for rule, index, check in _checks(rules, record_type):
        edges = check_edges(check)
        subjects = {later for _, later in edges} or {check.each}
        if check.each == "record" or subjects & before:
            out.setdefault(rule.id, []).append(index)
    return {rid: tuple(ix) for rid, ix in out.items()}


# ----------------------------------------------------------------- the hypothetical record
def _gate_day(day: dt.date) -> RecordDate:
    """The gate on a day the checklist tries: messages say its date is still to be set."""
    return RecordDate(day, day, day.isoformat(), "hypothetical")


def with_gate(record: Record, gate: str, day: dt.date) -> Record:
    """The record with its gate step on `day`: the recorded one moved there, or a new one."""
    if record.steps_of(gate):
        steps = [s.model_copy(update={"fields": {**s.fields, "date": _gate_day(day)}}) if s.kind == gate else s
                 for s in record.steps]
    else:
        new = Step.model_validate({"kind": gate, "date": day.isoformat()}, context={"step_scope": record.type})
        new = new.model_copy(update={"fields": {**new.fields, "date": _gate_day(day)}})
        steps = [*record.steps, new]
    return record.model_copy(update={"steps": steps})


def _add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


# ----------------------------------------------------------------- evaluation, memoised by day
@dataclass
class _Snapshot:
    record: Record
    results: dict[str, RuleResult]
    facts: Facts
    as_of: dt.date


class _Timeline:
    """Evaluations of the record with the gate on a given day, each as of max(--as-of, day)."""

    def __init__(self, evaluator: Evaluator, record: Record, gate: str, profile: Profile, as_of: dt.date):
        self.evaluator, self.record, self.gate, self.profile, self.as_of = evaluator, record, gate, profile, as_of
        self._memo: dict = {}

    def _run(self, record: Record, as_of: dt.date) -> _Snapshot:
        try:
            results, facts = self.evaluator.evaluate(record, self.profile, as_of)
        except EngineError as e:
            raise InputError(self.record.id, str(e)) from None
        own = {r.rule.id: r for r in results if getattr(r, "household", None) is None}
        return _Snapshot(record, own, facts, as_of)

    def held(self) -> _Snapshot:
        """The record as it is (its gate already took place)."""
        if None not in self._memo:
            self._memo[None] = self._run(self.record, self.as_of)
        return self._memo[None]

    def at(self, day: dt.date) -> _Snapshot:
        if day not in self._memo:
            self._memo[day] = self._run(with_gate(self.record, self.gate, day), max(self.as_of, day))
        return self._memo[day]

    def judged(self, day: dt.date, late: dt.date) -> _Snapshot:
        """The gate on `day`, judged as of `late`: every `due` day has passed, every planned step is in."""
        key = ("late", day)
        if key not in self._memo:
            self._memo[key] = self._run(with_gate(self.record, self.gate, day), late)
        return self._memo[key]


def first_day(lo: dt.date, hi: dt.date, ok: Callable[[dt.date], bool]) -> dt.date | None:
    """The first day in [lo, hi] for which ok holds, assuming once it holds it keeps holding."""
    if not ok(hi):
        return None
    a, b = lo.toordinal(), hi.toordinal()
    while a < b:
        mid = (a + b) // 2
        if ok(dt.date.fromordinal(mid)):
            b = mid
        else:
            a = mid + 1
    return dt.date.fromordinal(a)


# ----------------------------------------------------------------- items
def _item_result(rr: RuleResult, members: tuple[int, ...]) -> str:
    """The rule's fold (evaluate.fold_rule), over the gate's checks only."""
    if rr.applicability == "not_applicable":
        return NOT_APPLICABLE
    results = [c.result for c in rr.checks if c.index in members]
    result = worst(results)
    if result == VIOLATED and rr.applicability == "unknown":
        return NOT_EVALUABLE
    return result


def _view(rr: RuleResult, members: tuple[int, ...], result: str) -> RuleResult:
    """The rule result restricted to the gate's checks, for the finding texts."""
    return RuleResult(rule=rr.rule, result=result, applicability=rr.applicability,
                      checks=[c for c in rr.checks if c.index in members])


def _fact_step(facts: Facts, fact_id: str) -> Step | None:
    return facts.steps.get(fact_id.removeprefix("self:"))


def _satisfying_steps(snap: _Snapshot, rr: RuleResult, members: tuple[int, ...]) -> list[Step]:
    """The steps that met the gate's checks: witnesses, and anchors of checks on their own fields."""
    out: list[Step] = []
    for check in rr.checks:
        if check.index not in members or check.result != SATISFIED:
            continue
        for anchor in check.anchors:
            if anchor.result != SATISFIED:
                continue
            for fid in (anchor.anchor, *anchor.witnesses):
                step = _fact_step(snap.facts, fid)
                if step is not None and all(step is not s for s in out):
                    out.append(step)
    return out


def _waits_for_end(check: Check) -> bool:
    """Whether a check needs a period to run at least until some day (a comment period of 30
    days): such a period counts as done only once its last day has passed, not while it runs."""
    return any(c.field == "end" and c.op in ("not_before", "after")
               for b in check.branches for c in b.conditions)


def _running(snap: _Snapshot, rr: RuleResult, members: tuple[int, ...], gate: str) -> bool:
    """A period step counts as done once its last day is on or before the as-of day (cli-contract.md)."""
    for index in members:
        if not _waits_for_end(rr.rule.checks[index]):
            continue
        for step in _satisfying_steps(snap, rr, (index,)):
            end = step.get("end")
            if step.kind != gate and isinstance(end, RecordDate) and end.last > snap.as_of:
                return True
    return False


def _when(step: Step) -> dt.date:
    value = step.get("date") or step.get("start") or step.get("end")
    return value.first if isinstance(value, RecordDate) else dt.date.max


def _record_value(record: Record, path: str) -> Any:
    if path == "steps":  # the derived list rules read: the kinds of the steps done
        return ", ".join(sorted({s.kind for s in record.steps}))
    value: Any = record
    for part in path.split("."):
        value = getattr(value, part, None)
    return value


def _show(value: Any, lang: str) -> str:
    if value is None:
        return i18n.text("not_recorded", lang)
    if isinstance(value, bool):
        return i18n.text("yes" if value else "no", lang)
    return str(value)


@dataclass
class Item:
    rule: Rule
    status: str
    severity: str
    steps: list[str]
    due: dt.date | None = None
    detail: str = ""
    waiver: dict | None = None

    def name(self, lang: str) -> str:
        """The requirement's short name (the catalog label); rule titles are phrased as defects."""
        return self.rule.label if lang == "zh" else self.rule.title.get(lang)

    def sort_key(self) -> tuple:
        return (STATUS_ORDER.index(self.status), -sev.rank(self.severity),
                self.due or dt.date.max, self.rule.id)


@dataclass
class Checklist:
    file: str
    record_id: str
    record_type: str
    title: str
    gate: str
    as_of: dt.date
    profile: str
    lang: str
    items: list[Item]
    earliest_date: dt.date | None
    gate_state: str | None = None           # 'held' or 'planned' when the record has the gate step
    gate_date: str | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def ready(self) -> bool:
        return not any(i.status in (MISSING, PENDING) and sev.at_least(i.severity, READY_BELOW)
                       for i in self.items)

    def count(self, status: str) -> int:
        return sum(1 for i in self.items if i.status == status)

    def gate_label(self) -> str:
        return i18n.step_label(self.gate, self.record_type, self.lang)

    @property
    def exit_code(self) -> int:
        return sev.EXIT_OK if self.ready else sev.EXIT_VIOLATIONS


class _Builder:
    """Statuses of one record's items before one gate."""

    def __init__(self, evaluator: Evaluator, record: Record, gate: str, profile: Profile,
                 as_of: dt.date, lang: str):
        self.record, self.gate, self.profile, self.as_of, self.lang = record, gate, profile, as_of, lang
        self.members = gate_members(evaluator.rulebook.rules, record.type, gate)
        self.rulebook_checks = {r.id: r.checks for r in evaluator.rulebook.rules}
        # Dozens of evaluations follow (one per gate day tried): run only the gate's rules.
        gate_rules = [r for r in evaluator.rulebook.rules if r.id in self.members]
        self.timeline = _Timeline(Evaluator(Rulebook(gate_rules, evaluator.rulebook.source, evaluator.rulebook.stages)),
                                  record, gate, profile, as_of)
        gates = record.steps_of(gate)
        self.held = any(not s.planned(as_of) for s in gates)
        self.hi = _add_years(as_of, HORIZON_YEARS)
        later = [d for s in record.steps if s.planned(as_of) for d in [_when(s)] if d != dt.date.max]
        self.horizon = max(later) if later else None     # when every planned step is done
        self.waivers = waivers.active(record, as_of)

    def now(self) -> _Snapshot:
        return self.timeline.held() if self.held else self.timeline.at(self.as_of)

    # -- one item
    def done_at(self, rule_id: str, day: dt.date) -> bool:
        snap = self.timeline.at(day)
        rr = snap.results.get(rule_id)
        if rr is None or _item_result(rr, self.members[rule_id]) != SATISFIED:
            return False
        return not _running(snap, rr, self.members[rule_id], self.gate)

    def _real(self, steps: list[Step], snap: _Snapshot) -> list[Step]:
        """Leave out the gate step itself: it is where the checklist stands, not a witness."""
        return [s for s in steps if s.kind != self.gate or (self.held and snap is self.timeline.held())]

    def item(self, rule_id: str) -> Item | None:
        members = self.members[rule_id]
        snap = self.now()
        rr = snap.results.get(rule_id)
        if rr is None:
            return None
        result = _item_result(rr, members)
        satisfying = self._real(_satisfying_steps(snap, rr, members), snap)
        due = None
        if result == SATISFIED and not _running(snap, rr, members, self.gate):
            status = DONE
        elif rule_id in self.waivers and result != NOT_APPLICABLE:
            status = WAIVED     # the office accepted it: not a reason to wait
        elif result == NOT_EVALUABLE:
            status = NOT_EVALUABLE
        elif self.held:
            status = DONE if result == SATISFIED else MISSING if result == VIOLATED else NOT_APPLICABLE
        elif result in (VIOLATED, SATISFIED):
            due = first_day(self.as_of + dt.timedelta(days=1), self.hi, lambda d: self.done_at(rule_id, d))
            status = PENDING if due else MISSING
        else:  # not applicable now: its subject may be a planned step
            due = self.horizon and first_day(self.as_of + dt.timedelta(days=1), self.horizon,
                                             lambda d: self.done_at(rule_id, d))
            status = PENDING if due else NOT_APPLICABLE
            if not due and self.horizon:
                later = self.timeline.at(self.horizon).results.get(rule_id)
                if later is not None and _item_result(later, members) == VIOLATED:
                    status, snap, rr, result = MISSING, self.timeline.at(self.horizon), later, VIOLATED
                    if rule_id in self.waivers:
                        status = WAIVED
        return self._describe(rr, members, status, result, snap, satisfying, due or None)

    def _describe(self, rr: RuleResult, members, status: str, result: str, snap: _Snapshot,
                  satisfying: list[Step], due: dt.date | None) -> Item:
        view = _view(rr, members, result)
        finding = make_finding(view, snap.record, snap.facts, self.profile, self.lang)
        checks = [rr.rule.checks[i] for i in members]
        deciding = [rr.rule.checks[c.index] for c in view.checks
                    if isinstance(c.index, int) and c.result == VIOLATED] or checks
        severity = rr.rule.severity_of(deciding)
        steps = [k for c in checks for k in ([c.each] + list(c.need_kinds))
                 if k not in ("same", "record", self.gate)]
        if not steps and any(c.each == self.gate for c in checks):
            steps = [self.gate]
        item = Item(rr.rule, status, severity, list(dict.fromkeys(steps)), due)
        if status == DONE:
            item.detail = self._done_detail(rr, members, satisfying, snap)
        elif status == WAIVED:
            w = self.waivers[rr.rule.id]
            item.waiver = waivers.as_dict(w)
            item.detail = i18n.text("cl_waived_detail", self.lang).format(
                reason=w.reason, by=self._sep.join(x for x in (w.approved_by, w.doc) if x) or "—",
                expires=str(w.expires) if w.expires else "—")
        elif status == NOT_EVALUABLE:
            item.detail = i18n.not_evaluable_reason(view, self.profile, self.lang, self.record.type)
        elif status == PENDING:
            item.detail = self._pending_detail(rr.rule.id, due) or finding.message
        else:
            item.detail = finding.message
        return item

    @property
    def _sep(self) -> str:
        return "；" if self.lang == "zh" else "; "

    def _done_detail(self, rr: RuleResult, members: tuple[int, ...], steps: list[Step], snap: _Snapshot) -> str:
        sep = self._sep
        if steps:
            return sep.join(describe_step(s, self.record.type, self.profile, self.lang, label=len(steps) > 1)
                            for s in sorted(steps, key=_when)[:3])
        own = [rr.rule.checks[i] for i in members if rr.rule.checks[i].need_kinds == ("same",)]
        record_fields = [c.field for chk in own if chk.each == "record" for b in chk.branches for c in b.conditions]
        lacks = [(c.op, c.ref.value) for chk in own if chk.each == "record" for b in chk.branches
                 for c in b.conditions if c.field == "steps"]
        if lacks:  # what the record's steps hold or lack (no coercion on record, ...)
            words = {"lacks": ("记录中没有「{k}」", "no {k} on record"), "contains": ("记录中有「{k}」", "{k} on record")}
            return sep.join(words.get(op, words["contains"])[self.lang == "en"].format(
                k=i18n.step_label(kind, self.record.type, self.lang)) for op, kind in lacks)
        if record_fields:  # a check of the record's own fields: show what it found
            colon = "：" if self.lang == "zh" else ": "
            return sep.join(f"{i18n.field_name(f, self.lang)}{colon}"
                            f"{i18n.value_name(f, _record_value(self.record, f), self.lang)}"
                            for f in dict.fromkeys(record_fields))
        gate_fields = [c.field for chk in own if chk.each == self.gate for b in chk.branches for c in b.conditions]
        gate_steps = snap.record.steps_of(self.gate)
        if gate_fields and gate_steps:  # the gate's own recorded content (minutes, materials)
            colon = "：" if self.lang == "zh" else ": "
            return sep.join(f"{i18n.field_name(f, self.lang)}{colon}"
                            f"{i18n.value_name(f'{self.gate}.{f}', gate_steps[0].get(f), self.lang)}"
                            for f in dict.fromkeys(gate_fields))
        if not self.held:  # met by the gate step itself (its timing or its recorded content)
            return i18n.text("cl_gate_met", self.lang).format(
                gate=i18n.step_label(self.gate, self.record.type, self.lang), date=snap.as_of.isoformat())
        return ""

    def _pending_detail(self, rule_id: str, due: dt.date | None) -> str:
        """Name the planned steps that make the item done on its due day."""
        if due is None:
            return ""
        snap = self.timeline.at(due)
        rr = snap.results[rule_id]
        planned = [s for s in self._real(_satisfying_steps(snap, rr, self.members[rule_id]), snap)
                   if s.planned(self.as_of)]
        if not planned:
            return ""
        return i18n.text("cl_planned", self.lang).format(
            steps=self._sep.join(describe_step(s, self.record.type, self.profile, self.lang, label=True)
                           for s in sorted(planned, key=_when)[:3]))

    # -- the headline
    def earliest(self) -> dt.date | None:
        """First gate day on which no item is violated, given the recorded (and planned) dates."""
        dated = [_when(s) for s in self.record.steps if _when(s) != dt.date.max]
        lo = min([self.as_of, *dated])

        def states(day: dt.date) -> dict[tuple[str, int], str]:
            out = {}
            for rule_id, members in self.members.items():
                if rule_id in self.waivers:
                    continue
                for index in members:
                    # A check with a `due` day is no violation before that day; for a date
                    # to be lawful it must hold once the day has passed too.
                    late = self.rulebook_checks[rule_id][index].due is not None
                    snap = self.timeline.judged(day, self.hi) if late else self.timeline.at(day)
                    rr = snap.results.get(rule_id)
                    if rr is not None and rr.applicability == "applies":
                        out[(rule_id, index)] = next(c.result for c in rr.checks if c.index == index)
            return out

        def having(st: dict, result: str) -> set:
            return {k for k, v in st.items() if v == result}

        start, end = states(lo), states(self.hi)
        if having(start, VIOLATED) & having(end, VIOLATED):
            return None       # violated however long one waits: something is missing
        # Violated only late: a deadline (an announcement within 20 working days), not a wait.
        deadlines = having(end, VIOLATED) - having(start, VIOLATED)
        # Uncertain now but sure later (a date known only to the month): not yet surely lawful.
        settles = having(end, SATISFIED)

        def lawful(day: dt.date) -> bool:
            st = states(day)
            return not (having(st, VIOLATED) - deadlines) and not (having(st, NOT_EVALUABLE) & settles)

        day = first_day(lo, self.hi, lawful)
        if day is None or having(states(day), VIOLATED):
            return None
        return day


def _needed_kinds(item: Item) -> set[str]:
    return {k for c in item.rule.checks for k in c.need_kinds if k not in ("same", "record")}


def wait_for_predecessors(items: list[Item], before: dict[str, set[str]], record: Record,
                          as_of: dt.date, lang: str) -> None:
    """Missing or pending (decision-record.md): a missing step whose kind must follow a step that
    is itself missing, or still pending (a comment period that has not ended), cannot lawfully be
    done now: it is pending, from the first day its predecessor allows when that is known.

    Items blocked only through each other stay missing (one of them must be done first)."""
    done = {s.kind for s in record.steps if not s.planned(as_of)}
    open_items = [i for i in items if i.status in (MISSING, PENDING)]
    changed = True
    while changed:
        changed = False
        for item in sorted((i for i in items if i.status == MISSING), key=lambda i: i.rule.id):
            wanted = _needed_kinds(item) - done
            blockers = []
            for other in open_items:
                waiting = other.status == PENDING and other.due is not None
                if other is item or not (waiting or other.status == MISSING):
                    continue
                # a period still running blocks through its own (recorded) step as well
                kinds = _needed_kinds(other) if waiting else _needed_kinds(other) - done
                blockers += [(other, kind) for kind in sorted(kinds)
                             if any(kind in before.get(k, set()) for k in wanted)]
            if not blockers:
                continue
            item.status = PENDING
            sure = all(other.status == PENDING and other.due for other, _ in blockers)
            item.due = max(other.due for other, _ in blockers) if sure else None
            names = [i18n.step_label(k, record.type, lang) for _, k in blockers]
            after = ("、" if lang == "zh" else ", ").join(dict.fromkeys(names))
            item.detail = i18n.text("cl_after", lang).format(steps=after) + ("；" if lang == "zh" else "; ") + item.detail
            changed = True


def describe_step(step: Step, record_type: str, profile: Profile, lang: str, label: bool = False) -> str:
    """'2025-03-01 至 2025-03-31，共 30 日，卫政〔2025〕12号': dates and the document number."""
    start, end, date = step.get("start"), step.get("end"), step.get("date")
    sep = "，" if lang == "zh" else ", "
    parts = []
    if isinstance(start, RecordDate) and isinstance(end, RecordDate):
        span = i18n.text("cl_period", lang).format(start=start, end=end)
        if start.is_day and end.is_day:
            days = counted_days(start.first, end.first, profile.period_counting)
            span += sep + i18n.text("cl_days", lang).format(n=days)
        parts.append(span)
    elif date is not None:
        parts.append(str(date))
    if step.get("doc"):
        parts.append(str(step.get("doc")))
    text = sep.join(parts)
    return f"{i18n.step_label(step.kind, record_type, lang)} {text}".strip() if label else text


def build_checklist(evaluator: Evaluator, loaded: LoadedRecord, gate: str, as_of: dt.date, lang: str,
                    profile: str | None = None, include_all: bool = False) -> Checklist:
    record = loaded.record
    gate = resolve_gate(record.type, gate)
    known = evaluator.rulebook.by_id()
    waivers.check_rule_ids(record, known, str(loaded.path))
    prof = load_profile(profile or record.jurisdiction)
    builder = _Builder(evaluator, record, gate, prof, as_of, lang)
    items = [it for rid in sorted(builder.members) for it in [builder.item(rid)] if it is not None]
    if not builder.held:
        wait_for_predecessors(items, precedence(evaluator.rulebook.rules, record.type), record, as_of, lang)
    earliest = builder.earliest()
    if earliest is not None and not builder.held:
        # never before a pending item's first possible day; never in the past while something is missing
        floor = [i.due for i in items if i.status == PENDING and i.due]
        if any(i.status == MISSING for i in items):
            floor.append(as_of)
        earliest = max([earliest, *floor])
    items = [it for it in items if include_all or it.status != NOT_APPLICABLE]
    gates = record.steps_of(gate)
    gate_date = str(gates[0].get("date")) if gates and gates[0].get("date") else None
    notes = [i18n.localize(n, lang) for n in builder.now().facts.notes if not isinstance(n, PlannedNote)]
    if not evaluator.rulebook.for_type(record.type):
        notes.append(f"no rules for {record.type} records in this rule set: nothing was checked")
    return Checklist(
        file=str(loaded.path), record_id=record.id, record_type=record.type, title=record.title, gate=gate,
        as_of=as_of, profile=prof.name, lang=lang, items=sorted(items, key=Item.sort_key),
        earliest_date=earliest, gate_state="held" if builder.held else "planned" if gates else None,
        gate_date=gate_date, notes=[i18n.localize(n, lang) for n in loaded.notes] + notes)
