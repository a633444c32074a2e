"""A draft legality-review opinion (合法性审查意见) as plain data, from the check report.

Nothing is evaluated here: every statement comes from the findings `check` reports for
the record (report.Checker with include_all), every basis from the rules' `source`, every
material from the record's steps. formats/opinion_docx.py lays it out.

The conclusion is never softer than the findings (docs/word-documents.md):

| findings (unwaived)                               | conclusion              |
|---------------------------------------------------|-------------------------|
| any violation of blocking severity                | 存在违法风险、不宜提交  |
| any other violation, or any not-evaluable rule    | 补正后方可提交          |
| none violated, none not evaluable                 | 程序合法                |
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from . import __version__, i18n
from .dates import RecordDate
from .evaluate import NOT_APPLICABLE, NOT_EVALUABLE, SATISFIED, VIOLATED, WAIVED
from .findings import Finding
from .models import Record, Step
from .opinion_parts import AUTHORITY, CONTENT, PARTS, PROCEDURE, part_of
from .report import RecordReport
from . import severity as sev
from .rule_model import Rule

LAWFUL, REMEDY_FIRST, AT_RISK = "lawful", "remedy_first", "at_risk"

_TEXT = {
    "title": ("关于《{title}》的合法性审查意见", "Legality review opinion on “{title}”"),
    "draft": ("【草稿】本意见由 compliance {version} 依据记录 {file}（{id}）自动生成，截至 {as_of}，"
              "参数配置 {profile}；供法律顾问审核、修改后使用，不是法律顾问的意见。",
              "DRAFT produced by compliance {version} from the record {file} ({id}) as of {as_of}, "
              "profile {profile}, for the legal advisor to review and edit; it is not the advisor's opinion."),
    "unverified_rules": ("以下规则的依据原文未经核实，请法律顾问确认：{rules}",
                         "The source text of these rules was not verified; the legal advisor should confirm: {rules}"),
    "no_unverified": ("本意见引用的规则依据原文均已核实。", "The source text of every rule cited here was verified."),
    "h_matter": ("一、审查事项", "1. Matter reviewed"),
    "h_bases": ("二、审查依据", "2. Legal bases"),
    "h_materials": ("三、审查材料", "3. Materials reviewed"),
    "h_review": ("四、审查意见", "4. Findings"),
    "h_conclusion": ("五、结论", "5. Conclusion"),
    "h_advice": ("六、建议", "6. Recommendations"),
    "part_authority": ("主体与权限", "Authority"),
    "part_procedure": ("程序", "Procedure"),
    "part_content": ("内容", "Content"),
    "m_matter": ("事项", "Matter"),
    "m_id": ("记录编号", "Record"),
    "m_type": ("决定类型", "Type"),
    "m_issuer": ("作出机关", "Issuer"),
    "m_department": ("征收部门", "Expropriation department"),
    "m_unit": ("实施单位", "Implementing unit"),
    "m_decision": ("决定日期", "Decision date"),
    "m_planned": ("拟于 {date} 作出（计划）", "planned for {date}"),
    "m_not_yet": ("尚未作出", "not yet made"),
    "m_designation": ("确定文件 {doc}", "designated by {doc}"),
    "m_entrustment": ("委托文件 {doc}", "entrusted by {doc}"),
    "unverified_mark": ("（依据原文未经核实）", " (source text not verified)"),
    "no_bases": ("没有适用于本记录的规则。", "No rule applies to this record."),
    "no_materials": ("记录中没有步骤。", "The record lists no steps."),
    "material_planned": ("（计划）", " (planned)"),
    "household_steps": ("另有 {n} 户的分户材料（{steps} 个步骤）。", "Household files of {n} household(s) ({steps} steps)."),
    "part_none": ("本部分没有适用的审查规则。", "No rule of this part applies to this record."),
    "part_ok": ("经审查，本部分 {n} 项要求均符合。", "All {n} requirement(s) of this part are met."),
    "part_issues": ("经审查，本部分违反 {violated} 项、无法判断 {not_evaluable} 项、已豁免 {waived} 项、符合 {satisfied} 项。",
                    "{violated} violated, {not_evaluable} not evaluable, {waived} waived, {satisfied} met."),
    "met": ("符合", "met"),
    "violated": ("违反", "violated"),
    "not_evaluable": ("无法判断", "not evaluable"),
    "waived": ("已豁免", "waived"),
    "basis": ("依据：{basis}", "Basis: {basis}"),
    "dates": ("相关日期：{dates}", "Dates: {dates}"),
    "remedy": ("整改建议：{remedy}", "Remedy: {remedy}"),
    "supply": ("需补充材料：{steps}（{reason}）", "Materials to supply: {steps} ({reason})"),
    "supply_advice": ("补充「{label}」所需材料：{steps}", "Supply the materials for “{label}”: {steps}"),
    "waiver": ("豁免理由：{reason}（{by}）", "Waiver: {reason} ({by})"),
    "household": ("〔{id}户〕", "[household {id}] "),
    "c_lawful": ("程序合法", "The procedure is lawful"),
    "c_remedy_first": ("补正后方可提交", "Submit only after the defects are remedied"),
    "c_at_risk": ("存在违法风险、不宜提交", "Legal risk: do not submit"),
    "why_at_risk": ("存在严重违反 {n} 项（{rules}）。", "{n} blocking violation(s) ({rules})."),
    "why_violated": ("存在违反 {n} 项（{rules}）。", "{n} violation(s) ({rules})."),
    "why_not_evaluable": ("有 {n} 项因缺少材料无法判断（{rules}）。",
                          "{n} item(s) not evaluable for lack of material ({rules})."),
    "why_lawful": ("经审查，适用的 {n} 项要求均符合，未发现违反或无法判断的事项。",
                   "All {n} applicable requirement(s) are met; nothing is violated or not evaluable."),
    "why_waived": ("另有 {n} 项已豁免（{rules}），请确认豁免仍然有效。",
                   "{n} item(s) are waived ({rules}); confirm the waivers still hold."),
    "advice_none": ("未发现需要补正的事项；提交前请核对本意见所列材料与原件一致。",
                    "Nothing to remedy; before submission, check the materials listed here against the originals."),
    "advice_unverified": ("请核对依据原文未经核实的规则（{rules}）所引条款。",
                          "Check the provisions cited by the rules whose source text is unverified ({rules})."),
    "advice_waived": ("请确认已豁免事项（{rules}）的豁免理由和有效期。",
                      "Confirm the reasons and validity of the waivers ({rules})."),
    "sign_advisor": ("法律顾问：", "Legal advisor:"),
    "sign_date": ("日期：", "Date:"),
    "field_start": ("起", " start"),
    "field_end": ("止", " end"),
}


def text(key: str, lang: str) -> str:
    return i18n.pick(_TEXT[key], lang)


# ----------------------------------------------------------------- the data
@dataclass
class Line:
    label: str
    value: str


@dataclass
class Basis:
    instrument: str
    articles: list[str]
    unverified: bool           # every rule citing this instrument is unverified
    text: str                  # the line as printed, unverified articles marked


@dataclass
class Material:
    label: str
    when: str
    doc: str
    planned: bool
    text: str


@dataclass
class Item:
    rule: str
    label: str
    result: str                # satisfied, violated, not_evaluable, waived
    result_text: str
    severity: str
    severity_text: str
    basis: str
    verified: bool
    message: str
    dates: list[str]
    remedy: str
    supply: str
    household: str | None
    head: str                  # "1. 社会稳定风险评估（违反·严重）"
    lines: list[str]           # what follows the head: message, basis, dates, remedy
    inline: str                # a met requirement: its lines, to print after the head
    details: list[str]         # anything else: its lines, one paragraph each


@dataclass
class Part:
    key: str                   # authority, procedure, content
    heading: str               # "（一）主体与权限"
    summary: str
    facts: list[str]
    findings: list[Item]       # not "items": a template reads part.items as the dict method


@dataclass
class Opinion:
    lang: str
    title: str
    record_id: str
    file: str
    as_of: dt.date
    profile: str
    tool_version: str
    draft_notice: str
    unverified_notice: str
    unverified_rules: list[Line]
    matter: list[Line]
    bases: list[Basis]
    materials: list[Material]
    parts: list[Part]
    conclusion: str            # lawful, remedy_first, at_risk
    conclusion_text: str
    conclusion_reason: list[str]
    advice: list[str]
    headings: dict[str, str] = field(default_factory=dict)


# ----------------------------------------------------------------- the conclusion
def conclusion_of(findings: list[Finding]) -> str:
    """The documented mapping (module docstring): the worst unwaived finding decides."""
    if any(f.result == VIOLATED and f.severity == "blocking" for f in findings):
        return AT_RISK
    if any(f.result in (VIOLATED, NOT_EVALUABLE) for f in findings):
        return REMEDY_FIRST
    return LAWFUL


def _ids(findings: list[Finding], lang: str) -> str:
    return ("、" if lang == "zh" else ", ").join(dict.fromkeys(f.rule.id for f in findings))


def _reasons(findings: list[Finding], lang: str) -> list[str]:
    blocking = [f for f in findings if f.result == VIOLATED and f.severity == "blocking"]
    others = [f for f in findings if f.result == VIOLATED and f.severity != "blocking"]
    unknown = [f for f in findings if f.result == NOT_EVALUABLE]
    waived = [f for f in findings if f.result == WAIVED]
    out = []
    if blocking:
        out.append(text("why_at_risk", lang).format(n=len(blocking), rules=_ids(blocking, lang)))
    if others:
        out.append(text("why_violated", lang).format(n=len(others), rules=_ids(others, lang)))
    if unknown:
        out.append(text("why_not_evaluable", lang).format(n=len(unknown), rules=_ids(unknown, lang)))
    if not out:
        out.append(text("why_lawful", lang).format(n=sum(1 for f in findings if f.result == SATISFIED)))
    if waived:
        out.append(text("why_waived", lang).format(n=len(waived), rules=_ids(waived, lang)))
    return out


# ----------------------------------------------------------------- bases
_CN_DIGITS = {"零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_UNIT = re.compile(r"第（?([零一二两三四五六七八九十百]+)）?(部分|条|款|项)")
_LEVEL = {"部分": 0, "条": 1, "款": 2, "项": 3}


def _cn_number(word: str) -> int:
    total, digit = 0, 0
    for ch in word:
        if ch == "百":
            total += (digit or 1) * 100
            digit = 0
        elif ch == "十":
            total += (digit or 1) * 10
            digit = 0
        else:
            digit = _CN_DIGITS[ch]
    return total + digit


def _units(piece: str) -> list[tuple[str, str]] | None:
    """'第二十七条第一款' → [(第二十七条, 条), (第一款, 款)]; None when the piece is not just units."""
    out, pos = [], 0
    for m in _UNIT.finditer(piece):
        if m.start() != pos:
            return None
        out.append((m.group(0), m.group(2)))
        pos = m.end()
    return out if out and pos == len(piece) else None


def _article_key(article: str) -> tuple:
    """第十二条第一款 sorts as (12, 1); anything else keeps its place after the numbered ones."""
    units = _units(article)
    if units is None:
        return (1,)
    return (0, *(_cn_number(_UNIT.match(u).group(1)) for u, _ in units))


def _split_articles(article: str, lang: str) -> list[str]:
    """'第四条第一款、第八条' → 第四条第一款, 第八条; '第二十七条第一款、第二款' → 第二十七条第一款,
    第二十七条第二款 (a piece starting below the previous piece's level takes its head). A
    citation that is not a plain list of units (另见《…》, 至, a note) stays whole."""
    if lang != "zh":
        return [article]
    pieces = [a.strip() for a in article.split("、")]
    parsed = [_units(p) for p in pieces]
    if any(u is None for u in parsed):
        return [article]
    out, previous = [], []
    for units in parsed:
        level = _LEVEL[units[0][1]]
        head = [u for u in previous if _LEVEL[u[1]] < level]
        full = head + units
        out.append("".join(u for u, _ in full))
        previous = full
    return out


def bases(rules: list[Rule], lang: str) -> list[Basis]:
    """Each instrument once, with every article the rules cite, unverified ones marked."""
    grouped: dict[str, dict[str, bool]] = {}
    docs: dict[str, str | None] = {}
    for rule in sorted(rules, key=lambda r: r.id):
        src = rule.source
        name = src.name_en or src.name if lang == "en" else src.name
        docs.setdefault(name, src.doc)
        articles = grouped.setdefault(name, {})
        for article in _split_articles(src.article_en if lang == "en" else src.article, lang):
            articles[article] = articles.get(article, False) or rule.verified
    out = []
    mark = text("unverified_mark", lang)
    for name, articles in grouped.items():
        ordered = sorted(articles, key=_article_key) if lang == "zh" else list(articles)
        none_verified = not any(articles.values())
        shown = [a + ("" if articles[a] or none_verified else mark) for a in ordered]
        doc = docs[name]
        if lang == "zh":
            line = f"《{name}》" + (f"（{doc}）" if doc else "") + "、".join(shown)
        else:
            line = name + (f" ({doc})" if doc else "") + ", " + ", ".join(shown)
        if none_verified:
            line += mark
        out.append(Basis(name, ordered, none_verified, line))
    return out


# ----------------------------------------------------------------- matter and materials
def _when(step: Step, lang: str) -> str:
    start, end, date = step.get("start"), step.get("end"), step.get("date")
    if isinstance(start, RecordDate) and isinstance(end, RecordDate):
        span = i18n.text("cl_period", lang).format(start=start, end=end)
        return f"{span}（{date}）" if isinstance(date, RecordDate) and lang == "zh" else \
            f"{span} ({date})" if isinstance(date, RecordDate) else span
    value = date if isinstance(date, RecordDate) else start if isinstance(start, RecordDate) else end
    return str(value) if isinstance(value, RecordDate) else i18n.text("not_recorded", lang)


def _step_day(step: Step) -> tuple:
    for name in ("date", "start", "end"):
        value = step.get(name)
        if isinstance(value, RecordDate):
            return (0, value.first, value.last)
    return (1, dt.date.max, dt.date.max)


def materials(record: Record, as_of: dt.date, lang: str) -> list[Material]:
    out = []
    for step in sorted(record.steps, key=lambda s: (_step_day(s), s.kind)):
        label = i18n.step_label(step.kind, record.type, lang)
        when, doc, planned = _when(step, lang), str(step.get("doc") or ""), step.planned(as_of)
        sep = "，" if lang == "zh" else ", "
        line = f"{label}：{when}" if lang == "zh" else f"{label}: {when}"
        if doc:
            line += sep + doc
        if planned:
            line += text("material_planned", lang)
        out.append(Material(label, when, doc, planned, line))
    return out


def _level(level: str, lang: str) -> str:
    zh = {"city_government": "市级人民政府", "county_government": "县级人民政府",
          "county_level_city_government": "县级市人民政府",
          "district_government": "市辖区人民政府", "department": "政府部门", "other": "其他"}
    return level.replace("_", " ") if lang == "en" else zh.get(level, level)


def _paren(inner: str, lang: str) -> str:
    return f"（{inner}）" if lang == "zh" else f" ({inner})"


def _decision_date(record: Record, as_of: dt.date, lang: str) -> str:
    decisions = record.steps_of("decision")
    if not decisions or not isinstance(decisions[0].get("date"), RecordDate):
        return text("m_not_yet", lang)
    day = decisions[0].get("date")
    if day.first > as_of:
        return text("m_planned", lang).format(date=day)
    doc = decisions[0].get("doc")
    return f"{day}" + (_paren(doc, lang) if doc else "")


def matter(record: Record, as_of: dt.date, lang: str) -> list[Line]:
    lines = [Line(text("m_matter", lang), record.title), Line(text("m_id", lang), record.id),
             Line(text("m_type", lang), i18n.record_type(record.type, lang)),
             Line(text("m_issuer", lang), record.issuer.name + _paren(_level(record.issuer.level, lang), lang))]
    if record.department is not None:
        dept = record.department.name
        if record.department.designation_doc:
            dept += _paren(text("m_designation", lang).format(doc=record.department.designation_doc), lang)
        lines.append(Line(text("m_department", lang), dept))
    if record.implementing_unit is not None:
        unit = record.implementing_unit.name
        if record.implementing_unit.entrustment_doc:
            unit += _paren(text("m_entrustment", lang).format(doc=record.implementing_unit.entrustment_doc), lang)
        lines.append(Line(text("m_unit", lang), unit))
    lines.append(Line(text("m_decision", lang), _decision_date(record, as_of, lang)))
    return lines


# ----------------------------------------------------------------- the review, part by part
def _date_text(finding: Finding, record_type: str, lang: str) -> list[str]:
    """'调查登记起 2025-02-20': each step's date once (a one-day period is not repeated)."""
    out, seen = [], set()
    for d in finding.dates:
        if (d.step, d.date) in seen:
            continue
        seen.add((d.step, d.date))
        label = i18n.step_label(d.step, record_type, lang)
        if d.field in ("start", "end"):
            suffix = text(f"field_{d.field}", lang)
        else:
            suffix = "" if d.field == "date" else _paren(d.field, lang)
        out.append(f"{label}{suffix} {d.date}")
    return out


def _item(n: int, f: Finding, record_type: str, lang: str) -> Item:
    label = f.rule.label if lang == "zh" else f.rule.id  # English titles are phrased as defects
    if f.household:
        label = text("household", lang).format(id=f.household) + label
    result_text = text("met" if f.result == SATISFIED else f.result, lang)
    severity_text = i18n.text(f.severity, lang)
    basis = f.rule.basis(lang) + ("" if f.rule.verified else text("unverified_mark", lang))
    dates = _date_text(f, record_type, lang)
    sep = "、" if lang == "zh" else ", "
    steps = sep.join(i18n.step_label(k, record_type, lang) for k in f.steps) or label
    reason = next((n_ for n_ in f.notes if n_ != i18n.text("unverified", lang)), "")
    supply = text("supply", lang).format(steps=steps, reason=reason) if f.result == NOT_EVALUABLE else ""
    tag = result_text if f.result == SATISFIED else \
        f"{result_text}·{severity_text}" if lang == "zh" else f"{result_text}, {severity_text}"
    head = f"{n}. {label}" + _paren(tag, lang)
    basis_line = text("basis", lang).format(basis=basis)
    dates_line = text("dates", lang).format(dates=sep.join(dates)) if dates else ""
    if f.result == SATISFIED:  # one line: the procedure reads in date order, the basis is cited
        lines = [basis_line] + ([text("dates", lang).format(dates=sep.join(dates[:2]))] if dates else [])
    elif f.result == VIOLATED:
        lines = ([] if lang == "zh" else [f.rule.title.get(lang) + "."]) + [f.message, basis_line] + ([dates_line] if dates_line else []) + \
            [text("remedy", lang).format(remedy=f.remediation)]
    elif f.result == NOT_EVALUABLE:
        lines = [supply, basis_line] + ([dates_line] if dates_line else [])
    else:  # waived
        waiver = f.waiver or {}
        by = " ".join(str(x) for x in (waiver.get("approved_by"), waiver.get("doc")) if x) or "—"
        lines = [text("waiver", lang).format(reason=waiver.get("reason", ""), by=by), basis_line]
    return Item(rule=f.rule.id, label=label, result=f.result, result_text=result_text, severity=f.severity,
                severity_text=severity_text, basis=basis, verified=f.rule.verified, message=f.message,
                dates=dates, remedy=f.remediation if f.result == VIOLATED else "", supply=supply,
                household=f.household, head=head, lines=[line for line in lines if line],
                inline=("：" if lang == "zh" else ": ") + ("；" if lang == "zh" else "; ").join(lines)
        if f.result == SATISFIED else "",
                details=[] if f.result == SATISFIED else [line for line in lines if line])


_ORDER = {VIOLATED: 0, NOT_EVALUABLE: 1, WAIVED: 2, SATISFIED: 3}


def _part_order(key: str, f: Finding) -> tuple:
    """程序 reads in the order of the procedure (the first date involved); the other parts
    lead with what is wrong."""
    if key == PROCEDURE:
        return (f.first_date, -sev.rank(f.severity), f.rule.id, f.household or "")
    return (_ORDER[f.result], -sev.rank(f.severity), f.rule.id, f.household or "")


def _part_summary(items: list[Finding], lang: str) -> str:
    if not items:
        return text("part_none", lang)
    counts = {r: sum(1 for f in items if f.result == r) for r in (VIOLATED, NOT_EVALUABLE, WAIVED, SATISFIED)}
    if counts[SATISFIED] == len(items):
        return text("part_ok", lang).format(n=len(items))
    return text("part_issues", lang).format(violated=counts[VIOLATED], not_evaluable=counts[NOT_EVALUABLE],
                                            waived=counts[WAIVED], satisfied=counts[SATISFIED])


_PART_NUMBERS = ("（一）", "（二）", "（三）")


def parts(findings: list[Finding], record_type: str, lang: str) -> list[Part]:
    """主体与权限 and 程序 always; 内容 where a rule of that part applies."""
    out = []
    for key in PARTS:
        mine = sorted((f for f in findings if part_of(f.rule.id) == key), key=lambda f: _part_order(key, f))
        if key == CONTENT and not mine:
            continue
        number = _PART_NUMBERS[len(out)] if lang == "zh" else f"4.{len(out) + 1} "
        items = [_item(n, f, record_type, lang) for n, f in enumerate(mine, 1)]
        out.append(Part(key, number + text(f"part_{key}", lang), _part_summary(mine, lang), [], items))
    return out


def _authority_facts(matter_lines: list[Line], lang: str) -> list[str]:
    keys = {text(k, lang) for k in ("m_issuer", "m_department", "m_unit")}
    sep = "：" if lang == "zh" else ": "
    return [f"{line.label}{sep}{line.value}" for line in matter_lines if line.label in keys]


# ----------------------------------------------------------------- advice
def advice(findings: list[Finding], record_type: str, unverified: list[str], lang: str) -> list[str]:
    out = []
    for f in sorted(findings, key=Finding.sort_key):
        if f.result == VIOLATED:
            out.append(f"{f.rule.id}：{f.remediation}" if lang == "zh" else f"{f.rule.id}: {f.remediation}")
    for f in sorted(findings, key=Finding.sort_key):
        if f.result == NOT_EVALUABLE:
            sep = "、" if lang == "zh" else ", "
            steps = sep.join(i18n.step_label(k, record_type, lang) for k in f.steps) or f.rule.label
            label = f.rule.label if lang == "zh" else f.rule.title.get(lang)
            out.append(f"{f.rule.id}：" + text("supply_advice", lang).format(label=label, steps=steps)
                       if lang == "zh" else f"{f.rule.id}: " + text("supply_advice", lang).format(label=label, steps=steps))
    waived = [f for f in findings if f.result == WAIVED]
    if waived:
        out.append(text("advice_waived", lang).format(rules=_ids(waived, lang)))
    if unverified:
        out.append(text("advice_unverified", lang).format(rules="、".join(unverified) if lang == "zh"
                                                           else ", ".join(unverified)))
    if not out:
        out.append(text("advice_none", lang))
    return out


# ----------------------------------------------------------------- the whole opinion
def build_opinion(report: RecordReport, record: Record, as_of: dt.date, lang: str) -> Opinion:
    """The opinion for one checked record. `report` must come from Checker.check_loaded with
    include_all=True (satisfied results are what 程序合法 rests on)."""
    if report.error is not None:
        raise report.error
    applicable = [f for f in report.findings if f.result != NOT_APPLICABLE]
    rules = list({f.rule.id: f.rule for f in applicable}.values())
    unverified = sorted(r.id for r in rules if not r.verified)
    key = conclusion_of(applicable)
    matter_lines = matter(record, as_of, lang)
    review = parts(applicable, record.type, lang)
    for part in review:
        if part.key == AUTHORITY:
            part.facts = _authority_facts(matter_lines, lang)
    by_id = {r.id: r for r in rules}
    unverified_lines = [Line(rid, by_id[rid].basis(lang)) for rid in unverified]
    mats = materials(record, as_of, lang)
    if record.household_entries:
        n_steps = sum(len(h.steps) for h in record.household_entries)
        mats.append(Material("", "", "", False, text("household_steps", lang).format(
            n=len(record.household_entries), steps=n_steps)))
    return Opinion(
        lang=lang, title=text("title", lang).format(title=record.title), record_id=record.id, file=report.file,
        as_of=as_of, profile=report.profile or "", tool_version=__version__,
        draft_notice=text("draft", lang).format(version=__version__, file=report.file, id=record.id,
                                                as_of=as_of.isoformat(), profile=report.profile or ""),
        unverified_notice=(text("unverified_rules", lang).format(
            rules=("、" if lang == "zh" else ", ").join(line.label for line in unverified_lines))
            if unverified_lines else text("no_unverified", lang)),
        unverified_rules=unverified_lines, matter=matter_lines, bases=bases(rules, lang),
        materials=mats, parts=review, conclusion=key, conclusion_text=text(f"c_{key}", lang),
        conclusion_reason=_reasons(applicable, lang), advice=advice(applicable, record.type, unverified, lang),
        headings={k: text(k, lang) for k in ("h_matter", "h_bases", "h_materials", "h_review", "h_conclusion",
                                             "h_advice", "sign_advisor", "sign_date", "no_bases", "no_materials")})
