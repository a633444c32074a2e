"""Output wording, Chinese by default and English with --lang en."""
from __future__ import annotations

from typing import TYPE_CHECKING

from . import vocabulary as voc
from .rule_model import Check, parse_ref

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
    "rule_note": ("解释说明：", "note: "),
    "rect_added": ("已在整改台账中记录 {rule}：{file}", "rectification entry for {rule} recorded: {file}"),
    "rules_count": ("共 {n} 条规则", "{n} rules"),
    "rule_applies": ("适用于：{types}；施行日期：{start}", "applies to: {types}; in force from {start}"),
    "rule_until": ("，至 {end}", " to {end}"),
    "start_date_unknown": ("不明（适用于全部记录）", "unknown (applies to every record)"),
    "rule_informational": ("不逐条检查：", "informational, not checked: "),
    "rule_message": ("提示：", "message: "),
    "rule_remedy": ("整改建议：", "remedy: "),
    "unverified": ("依据原文未经核实，请法律顾问确认", "source text not verified; a legal advisor should confirm"),
    "start_unknown": ("本规则的施行日期不明（无依据载明），按适用于全部记录处理；请法律顾问确认，或在参数配置中写明启用日期",
                      "no source gives this rule's start date: it is applied to every record; a legal advisor should "
                      "confirm, or name the adoption date in the profile"),
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
    # checklist (compliance checklist)
    "cl_done": ("已完成", "done"),
    "cl_missing": ("缺失", "missing"),
    "cl_pending": ("待完成", "pending"),
    "cl_after": ("须在「{steps}」之后进行", "possible only after {steps}"),
    "cl_title": ("「{gate}」前置事项清单", "Checklist before {gate}"),
    "cl_ready": ("可以进行「{gate}」", "Ready for {gate}"),
    "cl_not_ready": ("尚不能进行「{gate}」", "Not ready for {gate}"),
    "cl_earliest": ("最早可于 {date} 进行", "Earliest lawful date: {date}"),
    "cl_earliest_unknown": ("最早日期无法确定：尚有缺失事项", "Earliest lawful date unknown: something is missing"),
    "cl_gate_held": ("「{gate}」已于 {date} 进行", "{gate} took place on {date}"),
    "cl_gate_planned": ("「{gate}」计划于 {date} 进行", "{gate} is planned for {date}"),
    "cl_held_ready": ("「{gate}」前置事项均已完成", "Everything required before {gate} was done"),
    "cl_held_not_ready": ("「{gate}」前置事项不完备", "Something required before {gate} was not done"),
    "cl_earliest_held": ("可确认合法的最早日期为 {date}", "Earliest date that can be confirmed lawful: {date}"),
    "gate_date_tbd": ("日期待定", "date to be set"),
    "date_bound": ("未记录，不晚于 {date}", "not recorded, on or before {date}"),
    "cl_too_early": ("早于可确认合法的最早日期", "before the earliest date that can be confirmed lawful"),
    "cl_counts": ("缺失 {missing}，待完成 {pending}，无法判断 {not_evaluable}，已豁免 {waived}，已完成 {done}",
                  "{missing} missing, {pending} pending, {not_evaluable} not evaluable, {waived} waived, {done} done"),
    "cl_due": ("自 {date} 起可完成", "can be done from {date}"),
    "cl_period": ("{start} 至 {end}", "{start} to {end}"),
    "cl_days": ("共 {n} 日", "{n} days"),
    "cl_gate_met": ("「{gate}」于 {date} 进行即符合", "met if {gate} takes place on {date}"),
    "cl_planned": ("已安排：{steps}", "planned: {steps}"),
    "cl_waived_detail": ("{reason}（{by}；有效期至 {expires}）", "{reason} ({by}; until {expires})"),
    "cl_col_item": ("事项 / 依据", "Item / basis"),
    "cl_col_detail": ("日期 / 说明", "Date / detail"),
    "cl_no_items": ("没有适用的事项。", "No applicable items."),
    # recording a step (compliance record)
    "rec_done": ("已记录「{label}」{date}：{file}", "Recorded {label} {date} in {file}"),
    "rec_backup": ("原文件已备份为 {backup}", "previous version kept as {backup}"),
    "rec_next": ("可重新运行 compliance checklist 查看进展。", "Rerun `compliance checklist` to see the progress."),
    "rec_reformatted": ("注意：文件另有 {n} 行的排版被统一调整（内容未变）",
                        "note: the layout of {n} other line(s) was normalised (the content is unchanged)"),
    # audit reports (compliance audit)
    "audit_report": ("合规审查报告", "Compliance audit report"),
    "audit_scope": ("审查范围", "Scope"),
    "audit_year": ("{year} 年作出的决定", "decisions made in {year}"),
    "audit_all_years": ("全部记录（不限年度）", "all records (any year)"),
    "audit_generated": ("生成", "Generated"),
    "audit_rules_clean": ("另有 {n} 条规则在其适用的记录中均已满足", "{n} more rule(s) were satisfied by every record they applied to"),
    "audit_status_heading": ("审查结论", "Records by status"),
    "audit_severity_heading": ("按严重程度", "Findings by severity"),
    "audit_rule_heading": ("按规则", "Findings by rule"),
    "audit_type_heading": ("按决定类型", "Records by type"),
    "audit_month_heading": ("按作出决定月份", "Records by month of decision"),
    "audit_top_heading": ("严重问题最多的记录", "Records with the most blocking findings"),
    "audit_never_heading": ("从未满足的规则", "Rules never satisfied"),
    "audit_never_hint": ("适用于至少一份记录、但没有任何记录满足的规则",
                         "rules that applied to at least one record and were satisfied by none"),
    "audit_duplicates_heading": ("重复的记录编号", "Duplicate record ids"),
    "audit_excluded_heading": ("不在审查年度的记录", "Records decided in another year"),
    "audit_excluded": ("另有 {n} 份记录的决定不在 {year} 年作出，未纳入审查",
                       "{n} record(s) decided in another year than {year} were left out"),
    "audit_records_heading": ("逐份记录", "Records"),
    "audit_chart_heading": ("各规则的问题数", "Findings by rule"),
    "audit_notes_heading": ("说明", "Notes"),
    "audit_progress": ("审查", "Checking"),
    "audit_written": ("报告已写入 {path}", "report written to {path}"),
    "audit_none": ("无", "none"),
    "audit_internal": ("{n} 份记录检查时发生内部错误（见各记录的错误说明）",
                       "{n} record(s) hit an internal error (see their error messages)"),
    "audit_line": ("违反 {violated}（严重 {blocking}） 无法判断 {not_evaluable}",
                   "{violated} violated ({blocking} blocking), {not_evaluable} not evaluable"),
    "audit_line_waived": (" 豁免 {waived}", ", {waived} waived"),
    "audit_no_decision": ("记录中没有作出决定的日期，无法判断所属年度；为免遗漏，已纳入 {year} 年度审查",
                          "no decision date on record, so its year is unknown; included in the {year} audit so that nothing is missed"),
    "audit_duplicate": ("记录编号 {id} 与 {place} 重复：同一批次内编号应唯一",
                        "record id {id} is also used by {place}; ids must be unique within a batch"),
    "excluded": ("非本年度", "other year"),
    "month_none": ("无决定日期", "no decision date"),
    "type_unknown": ("未知（无法读取）", "unknown (unreadable)"),
    "col_records": ("记录数", "Records"),
    "col_status": ("结论", "Status"),
    "col_type": ("决定类型", "Type"),
    "col_month": ("月份", "Month"),
    "col_id": ("记录编号", "Record"),
    "col_record_title": ("记录标题", "Record title"),
    "col_file": ("文件", "File"),
    "col_place": ("位置", "Place"),
    "col_location": ("单元格/行", "Cell/row"),
    "col_message": ("说明", "Message"),
    "col_remedy": ("整改建议", "Remedy"),
    "col_blocking": ("严重违反", "Blocking"),
    "col_violated": ("违反", "Violated"),
    "col_not_evaluable": ("无法判断", "Not evaluable"),
    "col_waived": ("已豁免", "Waived"),
    "col_satisfied": ("符合", "Satisfied"),
    "col_total": ("合计", "Total"),
    "col_decision_date": ("决定日期", "Decision date"),
    "col_notes": ("备注", "Notes"),
    "col_household": ("户", "Household"),
    "col_steps": ("步骤", "Steps"),
    "col_verified": ("依据已核实", "Basis verified"),
    "col_waiver": ("豁免", "Waiver"),
    "col_error": ("错误", "Error"),
}


def pick(pair: tuple[str, str], lang: str) -> str:
    """The (zh, en) pair's text in `lang`: every wording table of the package reads through this."""
    return pair[1] if lang == "en" else pair[0]


def text(key: str, lang: str) -> str:
    return pick(_TEXT[key], lang)


def field_name(path: str, lang: str) -> str:
    """A record field's name for a reader: 列入重大行政决策目录, not is_major_decision."""
    if lang == "en":
        return path
    return voc.RECORD_FIELD_WORDS.get(path) or voc.FIELD_WORDS.get(path.rsplit(".", 1)[-1], path)


def value_name(path: str, value, lang: str) -> str:
    """A field's value for a reader: 市辖区人民政府, 是/否, a list joined."""
    if value is None:
        return text("not_recorded", lang)
    if isinstance(value, bool):
        return text("yes" if value else "no", lang)
    if isinstance(value, (list, tuple)):
        return ("、" if lang == "zh" else ", ").join(value_name(path, v, lang) for v in value)
    if lang == "zh":
        words = voc.VALUE_WORDS.get(path) or voc.VALUE_WORDS.get(path.rsplit(".", 1)[-1], {})
        return words.get(str(value), str(value))
    return str(value)


def record_type(name: str, lang: str) -> str:
    return name if lang == "en" else voc.RECORD_TYPES.get(name, name)


def step_label(kind: str, record_type_name: str, lang: str) -> str:
    if lang == "en":
        return kind
    for scope in (record_type_name, "household"):
        found = voc.KINDS_BY_TYPE.get(scope, {}).get(kind)
        if found:
            return found.label
    return voc.HOUSEHOLD_PSEUDO.label if kind == "household" else kind


def _fact_name(alias: str, field_: str, record_type_name: str, lang: str) -> str:
    """'「社会稳定风险评估」日期' for risk_assessment.date (zh); the path itself in English."""
    if lang == "en":
        return f"{alias}.{field_}"
    if alias == "record":
        return field_name(field_, lang)
    labels = [f"「{step_label(k, record_type_name, lang)}」" for k in alias.split("/")]
    return "或".join(labels) + voc.field_word(field_)


def not_evaluable_reason(result: "RuleResult", profile: "Profile", lang: str,
                         record_type_name: str = "expropriation_decision") -> str:
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
        names = [p if lang == "en" else voc.PARAM_WORDS.get(p, p) for p in dict.fromkeys(params)]
        return text("needs_params", lang).format(profile=profile.name, items=("、" if lang == "zh" else ", ").join(names))
    items = []
    checks = [c for c in result.deciding_checks() if isinstance(c.index, int)]
    for check_result in checks or []:
        chk = rule.checks[check_result.index]
        for branch in chk.branches:
            subject = chk.each if branch.kinds == ("same",) else "/".join(branch.kinds)
            for cond in branch.conditions:
                items.append(_fact_name(subject, cond.field, record_type_name, lang))
                if cond.ref.kind == "field":
                    items.append(_fact_name(cond.ref.alias, cond.ref.field, record_type_name, lang))
        if chk.due:
            ref = parse_ref(chk.due)
            items.append(_fact_name(ref.alias, ref.field, record_type_name, lang))
    if result.applicability == "unknown":
        items += [_fact_name("record", c.field, record_type_name, lang) for c in rule.when_conditions
                  if c.field != "reference_date"]
    return text("needs_facts", lang).format(items=("、" if lang == "zh" else ", ").join(dict.fromkeys(items)) or "—")


_OP_WORDS = {
    "not_after": ("不晚于", "not after"), "before": ("早于", "strictly before"),
    "not_before": ("不早于", "not before"), "after": ("晚于", "strictly after"),
    "at_most": ("不超过", "at most"), "less_than": ("小于", "less than"),
    "at_least": ("不少于", "at least"), "more_than": ("多于", "more than"),
    "is": ("为", "is"), "in": ("属于", "is one of"), "contains": ("包含", "contains"),
    "contains_all": ("包含全部", "contains all of"), "has": ("已记录", "is recorded"),
    "lacks": ("不包含", "does not contain"), "matches": ("符合格式", "matches"),
    "same_as": ("与之相同：", "is the same as"),
}


def _period_words(spec) -> str:
    length = (f"「{voc.PARAM_WORDS.get(spec.param, spec.param)}」" if spec.param
              else f"{spec.amount}{_UNIT_ZH[spec.unit]}")
    return length + ("" if spec.rollover else "（期满日不顺延）")


def ref_words(ref, record_type_name: str, lang: str, subject_kind: str = "") -> str:
    """What a condition compares with, in words: 「作出征收决定」日期 + 30日, 参数…, 是/否."""
    if lang == "en":
        return str(ref)
    if ref.kind == "literal":
        value = ref.value
        if isinstance(value, bool):
            return text("yes" if value else "no", lang)
        if isinstance(value, (list, tuple)):
            return "、".join(ref_words(type(ref)("literal", v), record_type_name, lang, subject_kind) for v in value)
        words = {**voc.VALUE_WORDS.get(f"{subject_kind}.{ref.field}" if ref.field else "", {})}
        return words.get(str(value), str(value))
    if ref.kind == "param":
        return "参数「" + voc.PARAM_WORDS.get(ref.field, ref.field) + "」"
    owner = field_name(ref.field, lang) if ref.alias == "record" else \
        f"「{step_label(ref.alias, record_type_name, lang)}」" + voc.field_word(ref.field)
    out = owner + "".join(f" + {_period_words(p)}" for p in ref.period)
    if ref.factor is not None:
        out += f" × {ref.factor:g}"
    return out


def condition_words(cond, subject_kind: str, record_type_name: str, lang: str) -> str:
    """One condition of a check in words a lawyer reads."""
    zh, en = _OP_WORDS[cond.op]
    if lang == "en":
        subject = cond.field + "".join(f" + {p}" for p in cond.shift)
        if cond.op == "has":
            return f"{subject} {en if cond.ref.value else 'is not recorded'}"
        return f"{subject} {en} {cond.ref}"
    if subject_kind == "record":
        subject = field_name(cond.field, lang)
    else:
        subject = voc.field_word(cond.field)
    subject += "".join(f" + {_period_words(p)}" for p in cond.shift)
    if cond.op == "has":
        return f"{subject}{'已记录' if cond.ref.value else '未记录'}"
    if cond.field == "steps" and cond.op in ("lacks", "contains"):
        kinds = cond.ref.value if isinstance(cond.ref.value, (list, tuple)) else [cond.ref.value]
        names = "、".join(f"「{step_label(k, record_type_name, lang)}」" for k in kinds)
        return f"记录中{'没有' if cond.op == 'lacks' else '有'}{names}"
    value = cond.ref
    if value.kind == "literal":
        words = voc.VALUE_WORDS.get(f"{subject_kind}.{cond.field}", voc.VALUE_WORDS.get(cond.field, {}))
        items = value.value if isinstance(value.value, (list, tuple)) else [value.value]
        shown = "、".join(text("yes" if v else "no", lang) if isinstance(v, bool) else words.get(str(v), str(v))
                          for v in items)
        return f"{subject}{zh}{shown}"
    return f"{subject}{zh}{ref_words(value, record_type_name, lang, subject_kind)}"


def describe_check(check: Check, record_type_name: str, lang: str) -> str:
    """A check in words a lawyer reads: for each X, a Y must exist whose ... ."""
    def label(kind: str) -> str:
        if kind == "record":
            return "本记录" if lang == "zh" else "the record"
        return f"「{step_label(kind, record_type_name, lang)}」" if lang == "zh" else kind

    def condition(cond, kind: str) -> str:
        return condition_words(cond, kind, record_type_name, lang)

    if check.forbidden:
        return (f"不得有{label(check.each)}" if lang == "zh" else f"No {label(check.each)} may exist")

    parts = []
    for branch in check.branches:
        subject = label(check.each) if branch.kinds == ("same",) else " / ".join(label(k) for k in branch.kinds)
        kind = check.each if branch.kinds == ("same",) else branch.kinds[0]
        conds = ("，" if lang == "zh" else ", ").join(condition(c, kind) for c in branch.conditions)
        if lang == "zh":
            parts.append(f"须有{subject}" + (f"，其{conds}" if conds else ""))
        else:
            parts.append(f"{subject} must exist" + (f" with {conds}" if conds else ""))
    joiner = "；或" if lang == "zh" else "; or "
    head = (f"对每个{label(check.each)}：" if lang == "zh" else f"For each {label(check.each)}: ")
    text_ = head + joiner.join(parts)
    if check.when:
        from .rule_model import conditions
        conds = ("，" if lang == "zh" else "; ").join(condition(c, "record") for c in conditions(check.when))
        text_ += f"（仅当{conds}）" if lang == "zh" else f" (only when {conds})"
    if check.due:
        due = ref_words(check.due_ref, record_type_name, lang)
        text_ += f"（{due}之后才算缺失）" if lang == "zh" else f" (missing only after {check.due})"
    if check.missing == "not_applicable":
        text_ += "（完全缺失时由其他规则处理）" if lang == "zh" else " (a wholly missing step is left to other rules)"
    return text_


_UNIT_ZH = {"days": "日", "working_days": "个工作日", "months": "个月", "years": "年"}


def period_expression(period, record_type_name: str, lang: str) -> str:
    """'补偿方案公布征求意见开始日期 + 30日' (zh) or the rule's own expression (en)."""
    if lang == "en" or not period.parts:
        return period.expression
    alias, field, specs = period.parts
    subject = "记录" if alias == "record" else step_label(alias, record_type_name, lang)
    out = subject + voc.field_word(field)
    for spec in specs:
        out += f" + {_period_words(spec)}"
    return out


def period_line(period, lang: str, record_type_name: str = "expropriation_decision") -> str:
    """'补偿方案公布征求意见开始日期 + 30日：2025-03-01 → 2025-03-31（共 30 日，不计首日）；记录中的期间
    2025-03-01 至 2025-03-21，共 20 日' — the requirement, then the record's own period."""
    counting = {"exclude_start_day": ("不计首日", "start day excluded"),
                "include_start_day": ("计入首日", "start day counted")}[period.counting]
    how = counting[1] if lang == "en" else counting[0]
    expression = period_expression(period, record_type_name, lang)
    if period.last_day is None:
        reason = localize(period.note, lang) or ""
        line = f"{expression}：{period.start or '—'} → ?（{reason}）" if lang == "zh" else \
            f"{expression}: {period.start or '—'} → ? ({reason})"
    elif lang == "zh":
        line = f"{expression}：{period.start} → {period.last_day}（共 {period.days_counted} 日，{how}）"
    else:
        line = f"{expression}: {period.start} → {period.last_day} ({period.days_counted} days, {how})"
    if period.recorded_days is not None:
        line += (f"；记录中的期间 {period.recorded_start} 至 {period.recorded_end}，共 {period.recorded_days} 日"
                 if lang == "zh" else
                 f"; the record's period {period.recorded_start} to {period.recorded_end}, {period.recorded_days} days")
    return line


def json_ops(ops: dict) -> str:
    return ", ".join(f"{op} {value}" for op, value in ops.items())


class Bilingual(str):
    """A message made where the output language is not known yet (facts, period details):
    reads as the Chinese text, and `localize` picks the English one for --lang en."""

    def __new__(cls, zh: str, en: str) -> "Bilingual":
        obj = super().__new__(cls, zh)
        obj.en = en
        return obj

    def __getnewargs__(self) -> tuple[str, str]:  # copy and pickle (audit workers)
        return str.__str__(self), self.en


def localize(value, lang: str):
    """The text of `value` in `lang`; anything but a Bilingual passes through unchanged."""
    if isinstance(value, Bilingual):
        return value.en if lang == "en" else str.__str__(value)
    return value
