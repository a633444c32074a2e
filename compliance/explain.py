"""`check --explain`: for each finding, the requirement, the facts and the computed dates
that decided it, in words a lawyer reads."""
from __future__ import annotations

from typing import Any

from . import i18n
from . import vocabulary as voc
from .dates import RecordDate
from .evaluate import RuleResult
from .facts import Facts
from .models import Record, Step
from .profiles import Profile
from .rule_model import Check


def _fmt(value: Any, lang: str, path: str = "") -> str:
    if isinstance(value, RecordDate) or value is None or lang == "en" and not isinstance(value, (list, tuple)):
        return i18n.text("not_recorded", lang) if value is None else str(value)
    if isinstance(value, (list, tuple)) and lang == "en":
        return "[" + ", ".join(map(str, value)) + "]"
    return i18n.value_name(path, value, lang)


def _step_line(step: Step, fields: list[str], record_type: str, lang: str) -> str:
    label = i18n.step_label(step.kind, record_type, lang)
    if lang == "en":
        parts = [f"{f}={_fmt(step.get(f), lang)}" for f in fields]
        if step.get("doc"):
            parts.append(f"doc={step.get('doc')}")
        return f"{label}: " + ", ".join(parts) if parts else label
    parts = [f"{voc.field_word(f)}{_fmt(step.get(f), lang, f'{step.kind}.{f}')}" for f in fields]
    if step.get("doc"):
        parts.append(f"文号{step.get('doc')}")
    return f"「{label}」：" + "，".join(parts) if parts else f"「{label}」"


def _fields_of(check: Check) -> dict[str, list[str]]:
    """For each step kind the check reads, the fields it reads."""
    out: dict[str, list[str]] = {}
    for branch in check.branches:
        subject_kinds = (check.each,) if branch.kinds == ("same",) else branch.kinds
        for kind in subject_kinds:
            out.setdefault(kind, [])
            for cond in branch.conditions:
                if cond.field not in out[kind]:
                    out[kind].append(cond.field)
        for cond in branch.conditions:
            if cond.ref.kind == "field" and cond.ref.alias == check.each:
                out.setdefault(check.each, [])
                if cond.ref.field not in out[check.each]:
                    out[check.each].append(cond.ref.field)
    if check.due:
        out.setdefault(check.each, [])
        if check.due_ref.field not in out[check.each]:
            out[check.each].append(check.due_ref.field)
    return {k: (v or ["date"]) for k, v in out.items() if k != "record"}


def explain(result: RuleResult, record: Record, facts: Facts, profile: Profile, lang: str,
            periods: list) -> list[str]:
    rule = result.rule
    zh = lang != "en"
    lines: list[str] = []
    if rule.when:
        state = {"applies": "成立" if zh else "holds", "unknown": "无法判断" if zh else "cannot be decided"}.get(
            result.applicability, "不成立" if zh else "does not hold")
        conds = ("，" if zh else "; ").join(i18n.condition_words(c, "record", record.type, lang)
                                           for c in rule.when_conditions)
        lines.append(f"适用条件（{conds}）：{state}" if zh else f"Applies when {conds}: {state}")
    deciding = [c for c in result.deciding_checks() if isinstance(c.index, int)]
    for check_result in deciding:
        check = rule.checks[check_result.index]
        lines.append((f"要求 {check_result.index + 1}：" if zh else f"Requirement {check_result.index + 1}: ")
                     + i18n.describe_check(check, record.type, lang))
        fields = _fields_of(check)
        for anchor in check_result.worst_anchors()[:3]:
            step = facts.steps.get(anchor.anchor)
            anchor_kind = facts.kinds.get(anchor.anchor, check.each)  # plan_comment read as public_opinion
            household = facts.households.get(anchor.anchor)
            where = f" [{household}]" if household else ""
            if step is not None:
                lines.append(("  对象" if zh else "  For") + f"{where}" + ("：" if zh else ": ") +
                             _step_line(step, fields.get(anchor_kind, ["date"]), record.type, lang))
            for kind, kind_fields in fields.items():
                if kind == anchor_kind:
                    continue
                found = [facts.steps[fid] for fid, k in sorted(facts.kinds.items(), key=lambda kv: str(
                    _first_date(facts.steps[kv[0]]))) if k == kind and facts.households.get(fid) == household]
                if not found:
                    label = i18n.step_label(kind, record.type, lang)
                    lines.append(("  记录中没有" if zh else "  No ") + label + ("" if zh else " on record"))
                for other in found[:4]:
                    lines.append(("  记录中的" if zh else "  On record: ") + _step_line(other, kind_fields, record.type, lang))
    for period in periods:
        lines.append("  ⏱ " + i18n.period_line(period, lang, record.type))
    return lines


def _first_date(step: Step) -> str:
    for key in ("date", "start", "end"):
        value = step.get(key)
        if isinstance(value, RecordDate):
            return str(value)
    return "9999"
