"""Output wording, Chinese by default and English with --lang en."""
from __future__ import annotations

from typing import TYPE_CHECKING

from . import vocabulary as voc
from .rulebook import Check, parse_ref

if TYPE_CHECKING:  # pragma: no cover
    from .evaluate import RuleResult
    from .profiles import Profile

_TEXT = {
    "violated": ("违反", "violated"),
    "not_evaluable": ("无法判断", "not evaluable"),
    "waived": ("已豁免", "waived"),
    "satisfied": ("符合", "satisfied"),
    "not_applicable": ("不适用", "not applicable"),
    "blocking": ("严重", "blocking"),
    "major": ("重要", "major"),
    "minor": ("一般", "minor"),
    "fail": ("不合规", "FAIL"),
    "incomplete": ("待补充", "INCOMPLETE"),
    "pass": ("合规", "PASS"),
    "error": ("错误", "ERROR"),
    "not_recorded": ("未记录", "not recorded"),
    "yes": ("是", "yes"),
    "no": ("否", "no"),
    "unverified": ("依据原文未经核实，请法律顾问确认", "source text not verified; a legal advisor should confirm"),
    "waiver_expired": ("豁免已于 {date} 到期，重新列为违反", "the waiver expired on {date}; reported as violated again"),
    "needs_facts": ("缺少或仅知月份的事实：{items}", "facts missing or known only to the month: {items}"),
    "needs_params": ("本地参数未知（参数配置 {profile}）：{items}", "local parameters unknown (profile {profile}): {items}"),
    "col_severity": ("级别", "Severity"),
    "col_rule": ("规则", "Rule"),
    "col_result": ("结果", "Result"),
    "col_title": ("问题", "Finding"),
    "col_basis": ("依据", "Basis"),
    "col_dates": ("相关日期", "Dates"),
    "remedies": ("整改建议", "What to do"),
    "summary": ("共检查 {records} 份记录：不合规 {fail}，待补充 {incomplete}，合规 {pass}，错误 {error}",
                "{records} record(s) checked: {fail} fail, {incomplete} incomplete, {pass} pass, {error} error"),
    "record_summary": ("违反 {violated} 项（严重 {blocking}），无法判断 {not_evaluable} 项，已豁免 {waived} 项",
                       "{violated} violated ({blocking} blocking), {not_evaluable} not evaluable, {waived} waived"),
    "no_findings": ("未发现问题。", "No findings."),
    "as_of": ("截至 {date}", "as of {date}"),
    "type": ("类型", "type"),
}


def text(key: str, lang: str) -> str:
    zh, en = _TEXT[key]
    return en if lang == "en" else zh


def record_type(name: str, lang: str) -> str:
    return name if lang == "en" else voc.RECORD_TYPES.get(name, name)


def step_label(kind: str, record_type_name: str, lang: str) -> str:
    if lang == "en":
        return kind
    for scope in (record_type_name, "household"):
        found = voc.KINDS_BY_TYPE.get(scope, {}).get(kind)
        if found:
            return found.label
    return kind


def not_evaluable_reason(result: "RuleResult", check: Check | None, profile: "Profile", lang: str) -> str:
    """Which facts or parameters the rule lacked."""
    rule = result.rule
    params = []
    if result.applicability == "unknown":
        for cond in rule.when_conditions:
            if cond.ref.kind == "param" and getattr(profile, cond.ref.field, None) is None:
                params.append(cond.ref.field)
    for check_ in rule.checks:
        for branch in check_.branches:
            for cond in branch.conditions:
                if cond.ref.kind == "param" and getattr(profile, cond.ref.field, None) is None:
                    params.append(cond.ref.field)
    if params:
        return text("needs_params", lang).format(profile=profile.name, items=", ".join(dict.fromkeys(params)))
    items = []
    checks = [c for c in result.deciding_checks() if isinstance(c.index, int)]
    for check_result in checks or []:
        chk = rule.checks[check_result.index]
        for branch in chk.branches:
            subject = chk.each if branch.kinds == ("same",) else "/".join(branch.kinds)
            for cond in branch.conditions:
                items.append(f"{subject}.{cond.field}")
                if cond.ref.kind == "field":
                    items.append(f"{cond.ref.alias}.{cond.ref.field}")
        if chk.due:
            ref = parse_ref(chk.due)
            items.append(f"{ref.alias}.{ref.field}")
    if result.applicability == "unknown":
        items += [f"record.{c.field}" for c in rule.when_conditions if c.field != "reference_date"]
    return text("needs_facts", lang).format(items=", ".join(dict.fromkeys(items)) or "—")


_OP_WORDS = {
    "not_after": ("不晚于", "not after"), "before": ("早于", "strictly before"),
    "not_before": ("不早于", "not before"), "after": ("晚于", "strictly after"),
    "at_most": ("不超过", "at most"), "less_than": ("小于", "less than"),
    "at_least": ("不少于", "at least"), "more_than": ("多于", "more than"),
    "is": ("为", "is"), "in": ("属于", "is one of"), "contains": ("包含", "contains"),
    "contains_all": ("包含全部", "contains all of"), "has": ("已记录", "is recorded"),
    "same_as": ("与之相同：", "is the same as"),
}


def describe_check(check: Check, record_type_name: str, lang: str) -> str:
    """A check in words a lawyer reads: for each X, a Y must exist whose ... ."""
    def label(kind: str) -> str:
        if kind == "record":
            return "本记录" if lang == "zh" else "the record"
        return f"「{step_label(kind, record_type_name, lang)}」" if lang == "zh" else kind

    def condition(cond) -> str:
        zh, en = _OP_WORDS[cond.op]
        word = en if lang == "en" else zh
        if cond.op == "has":
            return f"{cond.field} {word}"
        return f"{cond.field} {word} {cond.ref}"

    parts = []
    for branch in check.branches:
        subject = label(check.each) if branch.kinds == ("same",) else " / ".join(label(k) for k in branch.kinds)
        conds = ("，" if lang == "zh" else ", ").join(condition(c) for c in branch.conditions)
        if lang == "zh":
            parts.append(f"须有{subject}" + (f"，其 {conds}" if conds else ""))
        else:
            parts.append(f"{subject} must exist" + (f" with {conds}" if conds else ""))
    joiner = "；或" if lang == "zh" else "; or "
    head = (f"对每个{label(check.each)}：" if lang == "zh" else f"For each {label(check.each)}: ")
    text_ = head + joiner.join(parts)
    if check.due:
        text_ += f"（{check.due} 之后才算缺失）" if lang == "zh" else f" (missing only after {check.due})"
    if check.missing == "not_applicable":
        text_ += "（完全缺失时由其他规则处理）" if lang == "zh" else " (a wholly missing step is left to other rules)"
    return text_


def period_line(period, lang: str) -> str:
    """'plan_comment.start + 30 days: 2025-03-01 → 2025-03-31 (30 days, start day excluded)'."""
    counting = {"exclude_start_day": ("不计首日", "start day excluded"),
                "include_start_day": ("计入首日", "start day counted")}[period.counting]
    how = counting[1] if lang == "en" else counting[0]
    if period.last_day is None:
        reason = period.note or ""
        return f"{period.expression}: {period.start or '—'} → ? ({reason})"
    days = f"{period.days_counted} days" if lang == "en" else f"共 {period.days_counted} 日"
    return f"{period.expression}: {period.start} → {period.last_day}（{days}，{how}）" if lang == "zh" else \
        f"{period.expression}: {period.start} → {period.last_day} ({days}, {how})"
