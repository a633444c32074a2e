"""Rule results → findings a legal advisor reads: basis, dates involved, message, remedy."""
from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from typing import Any

from . import calendar_i18n, i18n
from .dates import RecordDate
from .explain import explain as explain_finding
from .evaluate import NOT_EVALUABLE, VIOLATED, WAIVED, CheckResult, RuleResult
from . import vocabulary as voc
from .facts import Facts
from .models import Record, Step
from .periods import CalendarNotCovered, chain_last_day, counted_days
from .profiles import Profile
from . import severity as sev
from . import waivers
from .fingerprint import anchor_label
from .rule_model import Check, Rule

RESULT_ORDER = (VIOLATED, NOT_EVALUABLE, WAIVED, "satisfied", "not_applicable")
_FIELD = re.compile(r"\{([a-z_]+(?:\.[a-z_]+)*)\}")


@dataclass
class DateInvolved:
    step: str
    field: str
    date: str

    def as_dict(self) -> dict:
        return {"step": self.step, "field": self.field, "date": self.date}


@dataclass
class Finding:
    rule: Rule
    result: str
    severity: str
    message: str
    remediation: str
    steps: list[str]
    dates: list[DateInvolved] = field(default_factory=list)
    waiver: dict | None = None
    household: str | None = None
    notes: list[str] = field(default_factory=list)
    periods: list[PeriodDetail] = field(default_factory=list)
    explanation: list[str] = field(default_factory=list)
    anchor: str | None = None             # the step it is anchored on (fingerprint.anchor_label)
    rectification: dict | None = None     # set by rectification.apply

    @property
    def first_date(self) -> str:
        return min((d.date for d in self.dates), default="9999")

    def sort_key(self) -> tuple:
        """Violations first, then what cannot be judged, waived, and what holds; each by severity."""
        return (RESULT_ORDER.index(self.result), -sev.rank(self.severity), self.first_date, self.rule.id,
                self.household or "")

    @property
    def to_be_done(self) -> bool:
        """Whether the advisor has something to do: a violation, or material to supply."""
        return self.result in (VIOLATED, NOT_EVALUABLE)

    def title(self, lang: str) -> str:
        """The defect where there is one; otherwise the requirement's name (the catalog label)."""
        if self.result in (VIOLATED, NOT_EVALUABLE, WAIVED):
            return self.rule.title.get(lang)
        return self.rule.label if lang == "zh" else self.rule.title.get(lang)


def _fmt(value: Any, lang: str) -> str:
    if value is None:
        return i18n.text("not_recorded", lang)
    if isinstance(value, RecordDate):
        # the checklist's trial day for a meeting not yet set is no date to quote
        if value.form == "hypothetical":
            return i18n.text("gate_date_tbd", lang)
        if value.is_bound:      # a stage only later steps prove: its date is a bound
            return i18n.text("date_bound", lang).format(date=value.last.isoformat())
        return str(value)
    if isinstance(value, (list, tuple)):
        return "、".join(str(v) for v in value) if lang == "zh" else ", ".join(str(v) for v in value)
    if isinstance(value, bool):
        return i18n.text("yes" if value else "no", lang)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int):
        return f"{value:,}" if value >= 100_000 else str(value)  # amounts, not years
    return str(value)


class _Context:
    """Values a message template may name, for one rule result."""

    def __init__(self, record: Record, facts: Facts, profile: Profile, rule: Rule, checks: list[CheckResult]):
        self.record, self.facts, self.profile, self.rule = record, facts, profile, rule
        self.anchor: Step | None = None
        self.witnesses: list[Step] = []
        self._witness_ids: list[str] = []
        self.household: str | None = None
        self.check: Check | None = None
        for check_result in checks:
            worst = check_result.worst_anchors()
            if isinstance(check_result.index, int) and worst:
                self.check = rule.checks[check_result.index]
                self.anchor = facts.steps.get(worst[0].anchor)
                self.household = facts.households.get(worst[0].anchor)
                self._witness_ids = [w for w in worst[0].witnesses if w in facts.steps]
                self.witnesses = [facts.steps[w] for w in self._witness_ids]
                break
        if self.check is None:
            self.check = rule.checks[0]

    def step_of(self, kind: str) -> Step | None:
        if self.anchor is not None and self.anchor.kind == kind:
            return self.anchor
        for fid in self._witness_ids:
            if self.facts.kinds.get(fid) == kind:
                return self.facts.steps[fid]
        # the anchor's own household first: a message must not quote another household's steps
        of_kind = self.facts.of_kind(kind)
        same = [fid for fid in of_kind if self.facts.households.get(fid) == self.household]
        others = [] if same else of_kind
        if voc.HOUSEHOLD_KIND_NAMES.__contains__(kind) and self.household is not None:
            others = []  # another household's step says nothing about this one
        done = [self.facts.steps[fid] for fid in (same or others)]
        if not done:
            return None
        # by date, then by content: the same step is quoted whatever the order of the file
        # (the content is serialised only to break a tie on the date)
        first = min(_sort_day(s) for s in done)
        tied = [s for s in done if _sort_day(s) == first]
        return tied[0] if len(tied) == 1 else min(tied, key=lambda s: json.dumps(s.fields, sort_keys=True, default=str))

    def lookup(self, name: str) -> Any:
        head, _, rest = name.partition(".")
        if name == "due":
            return self.due()
        if head == "param":
            return getattr(self.profile, rest, None)
        if head == "record":
            obj: Any = self.record
            for part in rest.split("."):
                obj = getattr(obj, part, None)
            return obj
        step = self.step_of(head)
        return step.get(rest) if step is not None else None

    def due(self) -> str | None:
        if not (self.check and self.check.due and self.anchor):
            return None
        ref = self.check.due_ref
        detail = period_detail(f"{ref}", self.anchor.get(ref.field), ref.period, self.profile)
        return detail.last_day if detail else None

    def periods(self) -> list["PeriodDetail"]:
        """Every period the deciding check computes, with its dates, for the reader to verify."""
        out: list[PeriodDetail] = []
        if self.check is None:
            return out
        for branch in self.check.branches:
            for cond in branch.conditions:
                if cond.ref.kind == "field" and cond.ref.period:
                    base = self.lookup(f"{cond.ref.alias}.{cond.ref.field}") if cond.ref.alias != self.check.each \
                        else (self.anchor.get(cond.ref.field) if self.anchor else None)
                    detail = period_detail(str(cond.ref), base, cond.ref.period, self.profile,
                                           (cond.ref.alias, cond.ref.field))
                    if detail and branch.kinds == ("same",) and cond.ref.alias == self.check.each and self.anchor:
                        _recorded(detail, base, self.anchor.get(cond.field), self.profile)
                    out.append(detail)
                if cond.shift:
                    kind = self.check.each if branch.kinds == ("same",) else branch.kinds[0]
                    expr = f"{kind}.{cond.field} + " + " + ".join(str(p) for p in cond.shift)
                    out.append(period_detail(expr, self.lookup(f"{kind}.{cond.field}"), cond.shift, self.profile,
                                             (kind, cond.field)))
        if self.check.due:
            ref = self.check.due_ref
            out.append(period_detail(str(ref), self.anchor.get(ref.field) if self.anchor else None,
                                     ref.period, self.profile, (ref.alias, ref.field)))
        return [d for d in out if d is not None]


@dataclass
class PeriodDetail:
    expression: str
    start: str | None
    last_day: str | None
    counting: str
    days_counted: int | None
    note: str | None = None
    # the record's own period beside the requirement (a comment period of 20 days, not 30)
    recorded_start: str | None = None
    recorded_end: str | None = None
    recorded_days: int | None = None
    # the expression's parts, for a reader's wording (not in the JSON report)
    parts: tuple | None = field(default=None, repr=False, compare=False)

    def as_dict(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if v is not None and k != "parts"}


def _recorded(detail: PeriodDetail, start: Any, end: Any, profile: Profile) -> None:
    """The record's own period (its start and end), for comparison with the required one."""
    if isinstance(start, RecordDate) and isinstance(end, RecordDate) and start.is_day and end.is_day:
        detail.recorded_start, detail.recorded_end = str(start), str(end)
        detail.recorded_days = counted_days(start.first, end.first, profile.period_counting)


def period_detail(expression: str, base: Any, periods: tuple, profile: Profile,
                  parts: tuple | None = None) -> PeriodDetail | None:
    """How a period was counted: its start, last day and the counting used."""
    if not periods:
        return None
    detail = PeriodDetail(expression, None, None, profile.period_counting, None,
                          parts=(*parts, periods) if parts else None)
    if not isinstance(base, RecordDate):
        detail.note = i18n.Bilingual("起算日期未记录", "start date not recorded")
        return detail
    detail.start = str(base)
    if not base.is_day:
        detail.note = (i18n.Bilingual(f"起算日期不详，只知不晚于 {base.last}", f"start date unknown, on or before {base.last}")
                       if base.is_bound else i18n.Bilingual("起算日期只知道月份", "start date known only to the month"))
        return detail
    try:
        last = chain_last_day(base.first, periods, profile.period_counting, profile.model_dump())
    except CalendarNotCovered as e:
        detail.note = calendar_i18n.both("not_covered", year=e.year)
        return detail
    if last is None:
        detail.note = i18n.Bilingual("期限长度由参数配置给出，而该参数未知", "a profile parameter giving the period's length is unknown")
        return detail
    detail.last_day = last.isoformat()
    detail.days_counted = counted_days(base.first, last, profile.period_counting)
    return detail


def _sort_day(step: Step) -> tuple:
    value = step.get("date") or step.get("start")
    return (value.first, value.last) if isinstance(value, RecordDate) else (dt.date.max, dt.date.max)


def render(template: str, ctx: _Context, lang: str) -> str:
    return _FIELD.sub(lambda m: _fmt(ctx.lookup(m.group(1)), lang), template)


def _dates_involved(ctx: _Context) -> list[DateInvolved]:
    steps: list[Step] = []
    if ctx.anchor is not None:
        steps.append(ctx.anchor)
    kinds = ctx.check.need_kinds if ctx.check else ()
    steps += ctx.witnesses or [ctx.facts.steps[fid] for kind in dict.fromkeys(kinds) for fid in ctx.facts.of_kind(kind)]
    out, seen = [], set()
    for step in steps:
        for key, value in step.fields.items():
            if isinstance(value, RecordDate) and (step.kind, key, str(value)) not in seen:
                seen.add((step.kind, key, str(value)))
                out.append(DateInvolved(step.kind, key, str(value)))
    return sorted(out, key=lambda d: (d.date, d.step, d.field))  # not the file's step order


def make_finding(result: RuleResult, record: Record, facts: Facts, profile: Profile, lang: str,
                 explain: bool = False) -> Finding:
    rule = result.rule
    deciding = result.deciding_checks()
    ctx = _Context(record, facts, profile, rule, deciding)
    checks = [rule.checks[c.index] for c in deciding if isinstance(c.index, int)]
    severity = rule.severity_of(checks)
    messages = [c.message.get(lang) for c in checks if c.message] or [rule.message.get(lang)]
    rendered = list(dict.fromkeys(render(m, ctx, lang) for m in messages))
    if lang == "zh":
        message = "；".join(m.rstrip("。；") for m in rendered) + "。"
    else:
        message = " ".join(rendered)
    notes = []
    if result.result == NOT_EVALUABLE:
        notes.append(i18n.not_evaluable_reason(result, profile, lang, record.type))
    if not rule.verified:
        notes.append(i18n.text("unverified", lang))
    if not rule.effective.start_known and (rule.effective.set_by is None
                                           or getattr(profile, rule.effective.set_by, None) is None):
        notes.append(i18n.text("start_unknown", lang))
    kinds = [k for k in ([ctx.check.each] if ctx.check and ctx.check.each != "record" else []) +
             list(ctx.check.need_kinds if ctx.check else ()) if k != "same"]
    household = result.household or (record.household if record.type == "compensation_decision" else None)
    periods = ctx.periods()
    for period in periods:
        period.note = i18n.localize(period.note, lang)
    explanation = explain_finding(result, record, facts, profile, lang, periods) if explain else []
    return Finding(rule=rule, result=result.result, severity=severity, message=message, household=household,
                   remediation=render(rule.remedy.get(lang), ctx, lang), steps=list(dict.fromkeys(kinds)),
                   dates=_dates_involved(ctx), notes=notes, periods=periods, explanation=explanation,
                   anchor=anchor_label(ctx.anchor, [ctx.facts.steps[fid] for fid in ctx.facts.of_household(ctx.household)]))


def apply_waivers(findings: list[Finding], record: Record, as_of: dt.date, lang: str) -> None:
    """A waived finding stays in the report, as waived; an expired waiver no longer waives."""
    named = {w.rule: w for w in record.waivers}
    for finding in findings:
        waiver = named.get(finding.rule.id)
        if waiver is None or finding.result not in (VIOLATED, NOT_EVALUABLE):
            continue
        info = waivers.as_dict(waiver)
        if not waivers.in_force(waiver, as_of):
            finding.notes.append(i18n.text("waiver_expired", lang).format(date=str(waiver.expires)))
            finding.waiver = {**info, "expired": True}
            continue
        finding.result = WAIVED
        finding.waiver = info

