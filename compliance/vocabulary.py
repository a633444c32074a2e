"""The decision-record vocabulary: record types, step kinds, their Chinese labels and fields.

This is the single source for what a record may contain (see decision-record.md). The
models validate against it; the rule-file loader checks that rules only name kinds and
fields that exist here.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

RECORD_TYPES = {
    "expropriation_decision": "房屋征收决定",
    "compensation_decision": "房屋征收补偿决定",
    "major_matter": "重大事项决策",
}

# Field types of step fields. ("enum", values) and ("list", values or None for free text).
DATE, TEXT, INT, NUMBER, BOOL = "date", "text", "int", "number", "bool"


def enum(*values: str) -> tuple:
    return ("enum", values)


def listof(*values: str) -> tuple:
    return ("list", values or None)


COMMON_STEP_FIELDS = {"date": DATE, "start": DATE, "end": DATE, "doc": TEXT, "by": TEXT, "note": TEXT}


@dataclass(frozen=True)
class StepKind:
    name: str
    label: str
    fields: dict = field(default_factory=dict)

    @property
    def all_fields(self) -> dict:
        return {**COMMON_STEP_FIELDS, **self.fields}


def _k(name: str, label: str, **fields) -> StepKind:
    return StepKind(name, label, fields)


_RISK = _k("risk_assessment", "社会稳定风险评估", conclusion=enum("low", "medium", "high"),
           covers=listof("risk_points", "prevention_measures", "contingency_plan"))
_EXPERT = _k("expert_argumentation", "专家论证", signed_opinions=BOOL, conflicts=BOOL)
_RESEARCH = _k("investigation_research", "调查研究")
_OPINION = _k("public_opinion", "广泛征求社会意见", shortening_reason=TEXT)
_LEGAL = _k("legal_consultation", "法律顾问意见（事前法律咨询）",
            stage=enum("decision", "implementation", "litigation"))
_LEGALITY = _k("legality_review", "合法性审查", submitted=DATE,
               conclusion=enum("lawful", "unlawful", "revise"), counsel_opinion=BOOL)
_PARTY_GROUP = _k("party_group_meeting", "党组会议集体研究决定")
_PARTY_REPORT = _k("party_committee_report", "向同级党委请示报告")
_EXEC = _k("executive_meeting", "政府常务会议（全体会议）讨论决定", session=TEXT,
           meeting=enum("executive", "plenary"),
           materials=listof("draft", "comment_adoption", "expert_adoption", "risk_report", "legality_opinion"),
           plan_version=TEXT, dissent_recorded=BOOL)
_HEARING = _k("hearing", "听证会", notice_date=DATE, materials_sent=DATE, record_signed=BOOL,
              list_published=DATE, plan_revised=BOOL)
_IMPL = _k("implementation", "实施（签约、拨付、拆除等）", what=TEXT)
_COORD = _k("department_consultation", "部门协商")
_ADOPTION = _k("opinion_adoption", "意见归纳采纳情况")
_ARCHIVE = _k("archive", "决策过程记录归档", households_filed=INT)
_SWAP = _k("swap_housing_provided", "产权调换房屋/周转用房提供",
           location=enum("onsite", "nearby", "elsewhere"), transition=BOOL, value_date=DATE)
_RECHECK_REQ = _k("recheck_requested", "申请复核")
_REMINDER = _k("reminder_served", "催告书送达",
               includes=listof("deadline", "manner", "amount", "statement_and_defence"))
_VALUATION_SERVED = _k("valuation_report_served", "分户评估报告送达", value_date=DATE, issued=DATE,
                       rights_notice=BOOL, valuer_signatures=INT, sealed=BOOL,
                       recheck_waived=BOOL)
_RECHECK_RES = _k("recheck_result", "复核结果", outcome=enum("new_report", "unchanged"), served=DATE)
_APPR_REQ = _k("appraisal_requested", "申请鉴定", panel_size=INT, panel_valuers=INT)
_APPR_RES = _k("appraisal_result", "鉴定意见", outcome=enum("upheld", "corrected"))
_AGREEMENT_ITEMS = ("mode", "amount", "payment_deadline", "swap_location_area", "relocation_fee",
                    "temporary_resettlement", "business_loss", "relocation_deadline", "transition")
_PAID_ITEMS = listof("house_value", "relocation_fee", "temporary_resettlement", "business_loss")
_ENF_APP_FIELDS = dict(court=TEXT, court_level=enum("basic", "intermediate", "other"), applicant=TEXT,
                       head_signed=BOOL, sealed=BOOL,
                       court_designated=BOOL)  # the high court designated this court (法释〔2012〕4号 Art 1)

_ANNOUNCE_INCLUDES = listof("compensation_plan", "review_rights", "litigation_rights", "review_body", "deadlines")

EXPROPRIATION_KINDS = [
    _k("scope_determined", "征收范围确定"),
    _k("construction_freeze", "暂停办理相关手续书面通知", recipients=listof()),
    _k("survey", "调查登记", households_covered=INT),
    _k("survey_published", "调查结果公布", place=TEXT),
    _k("unregistered_determination", "未经登记建筑调查认定处理", buildings=INT, area_m2=NUMBER,
       outcome=enum("lawful", "temporary_valid", "illegal", "temporary_expired")),
    _k("post_scope_alteration", "范围确定后新建扩建改建或改变用途", compensated=BOOL),
    _k("plans_conformity", "符合规划", economic=TEXT, land_use=TEXT, urban_rural=TEXT, special=TEXT),
    _k("annual_plan", "纳入国民经济和社会发展年度计划", year=INT),
    _k("plan_drafted", "拟定征收补偿方案", signing_start=DATE, signing_end=DATE, signing_days=INT,
       options=listof("monetary", "property_swap"),
       items=listof("house_value", "relocation", "temporary_resettlement", "business_loss"),
       subsidy_rules=TEXT),
    _k("plan_submitted", "补偿方案报政府"),
    _k("plan_argumentation", "组织有关部门论证"),
    _k("plan_comment", "补偿方案公布征求意见", publisher=TEXT, channel=TEXT),
    _k("plan_feedback_published", "公布征求意见及修改情况"),
    _HEARING, _RISK, _EXPERT, _RESEARCH, _OPINION, _LEGAL, _LEGALITY,
    _k("funds_in_place", "补偿资金足额到位、专户存储", amount_cny=NUMBER, estimated_total_cny=NUMBER,
       account=TEXT, diverted=BOOL),
    _PARTY_GROUP, _PARTY_REPORT, _EXEC,
    _k("decision", "作出征收决定"),
    _k("decision_announced", "征收决定公告", place=TEXT, includes=_ANNOUNCE_INCLUDES, review_body=TEXT,
       court=TEXT, review_period_days=INT, suit_period_months=INT, plan_version=TEXT),
    _k("publicity", "宣传、解释工作"),
    _k("agency_selected", "选定房地产价格评估机构",
       method=enum("negotiation", "majority_vote", "lottery", "designated"), agency=TEXT,
       negotiation_failed=BOOL, votes_for=INT, votes_total=INT, certificate=TEXT, notary=TEXT,
       agencies=INT, lead=TEXT),
    _k("agency_engaged", "出具评估委托书、签订委托合同", contract=DATE, fee_payer=enum("department", "owner", "other")),
    _k("conflict_declaration", "评估机构及人员回避声明", conflicts=BOOL, recused=BOOL),
    _k("valuation_published", "分户初步评估结果公示", value_date=DATE),
    _k("household_compensation_published", "分户补偿情况公布"),
    _k("audit", "审计", results_published=BOOL),
    _k("coercion_incident", "暴力、威胁或违法停水停热停气停电停路等迫迁行为",
       what=enum("violence", "threat", "utility_cutoff", "road_cutoff", "developer_involved", "other")),
    _k("inspection_agreements", "征收协议签订专项检查"),
    _k("inspection_funds", "资金拨付专项检查"),
    _IMPL, _COORD, _ADOPTION, _ARCHIVE,
]

HOUSEHOLD_KINDS = [
    _VALUATION_SERVED, _RECHECK_REQ, _RECHECK_RES, _APPR_REQ, _APPR_RES,
    _k("agreement_signed", "补偿协议签订", includes=listof(*_AGREEMENT_ITEMS), party=TEXT, agent=TEXT),
    _k("compensation_paid", "补偿款支付", amount_cny=NUMBER, includes=_PAID_ITEMS),
    _k("site_inspection", "实地查勘", owner_signed=BOOL, witness=TEXT),
    _k("housing_security_provided", "住房保障"),
    _k("performance_decision", "要求履行协议的书面决定", served=DATE),  # served: reached the owner
    _k("compensation_deposited", "补偿款提存"),
    _SWAP,
    _k("relocated", "搬迁"),
    _REMINDER,
    _k("enforcement_application", "申请人民法院强制执行", **_ENF_APP_FIELDS),
    _k("court_ruling", "法院准予执行裁定", outcome=enum("granted", "refused"), filed=DATE, accepted=DATE),
    _k("demolished", "拆除", forced=BOOL, night=BOOL),
]

_COMP_INCLUDES = listof("mode", "amount", "payment_deadline", "swap_location_area", "relocation_fee",
                        "temporary_resettlement", "business_loss", "relocation_deadline", "transition")
_ATTACHMENTS = listof("compensation_amount", "account_number", "swap_location_area", "transition_housing",
                      "decision_and_evidence", "service_proof", "reminder_and_opinions", "risk_assessment",
                      "house_status", "respondent_info")

COMPENSATION_KINDS = [
    _VALUATION_SERVED, _RECHECK_REQ, _RECHECK_RES, _APPR_REQ, _APPR_RES,
    _k("department_report", "征收部门报请作出补偿决定"),
    _LEGALITY,
    _k("decision", "作出补偿决定", includes=_COMP_INCLUDES, rights_notice=BOOL,
       review_body=TEXT, court=TEXT),  # the review body and the court the decision names
    _k("decision_announced", "补偿决定公告", place=TEXT),
    _k("decision_served", "补偿决定送达", method=TEXT, proof=BOOL,
       rights_notice=BOOL),  # what was served told the owner of review/suit rights, bodies, deadlines
    _k("compensation_deposited", "补偿款提存/专户存入", amount_cny=NUMBER, account=TEXT),
    _SWAP,
    _k("review_filed", "申请行政复议", accepted=DATE),
    _k("review_decided", "复议决定",
       outcome=enum("upheld", "revoked", "changed", "confirmed_unlawful", "other"), served=DATE,
       extended=BOOL),  # the review period was extended (行政复议法 2023 Art 62)
    _k("suit_filed", "提起行政诉讼"),
    _k("judgment", "判决", instance=enum("first", "second", "retrial"),
       outcome=enum("upheld", "claim_dismissed", "revoked", "confirmed_unlawful", "other"), effective=DATE),
    _REMINDER,
    _k("enforcement_application", "申请人民法院强制执行", attachments=_ATTACHMENTS, **_ENF_APP_FIELDS),
    _k("court_ruling", "法院准予执行裁定", outcome=enum("granted", "refused"), filed=DATE, accepted=DATE),
    _k("demolished", "强制搬迁/拆除实施", forced=BOOL, night=BOOL),
    _k("coercion_incident", "暴力、威胁或违法停水停热停气停电停路等迫迁行为",
       what=enum("violence", "threat", "utility_cutoff", "road_cutoff", "developer_involved", "other")),
]

MAJOR_MATTER_KINDS = [
    _LEGAL, _RESEARCH, _OPINION, _RISK, _PARTY_GROUP, _EXEC,
    _k("decision", "作出决策"),
    _IMPL, _EXPERT, _LEGALITY, _PARTY_REPORT,
    _k("decision_announced", "决策公布", place=TEXT),
    _HEARING, _COORD, _ADOPTION, _ARCHIVE,
    _k("inspection_agreements", "征收协议签订专项检查"),
    _k("inspection_funds", "资金拨付专项检查"),
]

KINDS_BY_TYPE: dict[str, dict[str, StepKind]] = {
    "expropriation_decision": {k.name: k for k in EXPROPRIATION_KINDS},
    "compensation_decision": {k.name: k for k in COMPENSATION_KINDS},
    "major_matter": {k.name: k for k in MAJOR_MATTER_KINDS},
    "household": {k.name: k for k in HOUSEHOLD_KINDS},
}

# Chinese names of enumerated values (ledger drop-down lists, messages).
_LEVEL_WORDS = {"city_government": "市级人民政府", "county_government": "县级人民政府",
           "county_level_city_government": "县级市人民政府",
           "district_government": "市辖区人民政府", "department": "政府部门", "other": "其他"}
VALUE_WORDS: dict[str, dict[str, str]] = {
    "type": dict(RECORD_TYPES),
    "issuer.level": _LEVEL_WORDS,
    "public_interest": {"defense_foreign_affairs": "国防和外交", "infrastructure": "基础设施建设",
                        "public_utilities": "公共事业", "affordable_housing": "保障性安居工程",
                        "old_city_reconstruction": "旧城区改建", "other_statutory": "其他法定情形"},
    "category": {"important_decision": "重要决策", "major_project": "重大项目",
                 "large_expenditure": "大额资金支出", "other": "其他"},
    "risk_assessment.conclusion": {"low": "低风险", "medium": "中风险", "high": "高风险"},
    "risk_assessment.covers": {"risk_points": "风险点", "prevention_measures": "防范措施",
                               "contingency_plan": "处置预案"},
    "legality_review.conclusion": {"lawful": "合法", "unlawful": "不合法", "revise": "需修改"},
    "executive_meeting.meeting": {"executive": "常务会议", "plenary": "全体会议"},
    "executive_meeting.materials": {"draft": "决策草案", "comment_adoption": "公众意见采纳情况",
                                    "expert_adoption": "专家意见采纳情况", "risk_report": "风险评估报告",
                                    "legality_opinion": "合法性审查意见"},
    "legal_consultation.stage": {"decision": "决策阶段", "implementation": "实施阶段", "litigation": "诉讼阶段"},
    "decision_announced.includes": {"compensation_plan": "补偿方案", "review_rights": "行政复议权利",
                                    "litigation_rights": "行政诉讼权利", "review_body": "复议机关",
                                    "deadlines": "起诉复议期限"},
    "agency_selected.method": {"negotiation": "协商选定", "majority_vote": "多数决定", "lottery": "随机选定",
                               "designated": "指定"},
    "court_ruling.outcome": {"granted": "准予执行", "refused": "不准予执行"},
    "choice": {"monetary": "货币补偿", "property_swap": "房屋产权调换"},
}
BOOL_WORDS = {"是": True, "否": False, "true": True, "false": False, "yes": True, "no": False,
               "1": True, "0": False, "√": True, "×": False, "有": True, "无": False}

# Profile parameters' Chinese names (what the local rules must fix).
PARAM_WORDS = {
    "many_households_threshold": "被征收人较多的标准（户数）", "signing_period_days": "签约期限（日）",
    "valuation_publicity_days": "分户初步评估结果公示期（日）", "large_expenditure_threshold_cny": "大额支出标准（元）",
    "deciding_government": "作出征收决定的政府", "internal_procedure_adopted": "内部决策程序启用日期",
}

# The record's fields' Chinese names (ledger headers, checklist lines).
RECORD_FIELD_WORDS = {
    "major_decision": "列入重大行政决策目录", "uses_implementing_unit": "委托实施单位",
    "reference_date": "决定日期", "steps": "记录的步骤",
    "title": "标题",
    "jurisdiction": "参数配置",
    "issuer.name": "决定机关",
    "issuer.level": "决定机关层级",
    "issuer.superior": "上级政府",
    "department.name": "房屋征收部门",
    "department.designation_doc": "征收部门确定文件",
    "implementing_unit.name": "实施单位",
    "implementing_unit.entrustment_doc": "实施单位委托文件",
    "implementing_unit.nonprofit": "实施单位不以营利为目的",
    "public_interest": "公共利益类型",
    "public_interest_evidence": "公共利益依据",
    "dilapidation_evidence": "旧城区改建依据",
    "households": "被征收户数",
    "objecting_households": "认为方案不符合条例的户数",
    "unregistered_buildings": "未经登记建筑数",
    "category": "事项类别",
    "amount_cny": "金额（元）",
    "is_major_decision": "列入重大行政决策目录",
    "decision_catalog_doc": "决策目录文件",
    "undertaking_unit": "承办单位",
    "technical_matter": "专业性技术性事项",
    "parent": "所属征收决定编号",
    "household": "被征收户编号",
    "expropriation_decision.doc": "征收决定文号",
    "expropriation_decision.date": "征收决定日期",
    "expropriation_decision.announced": "征收决定公告日期",
    "expropriation_decision.issuer": "征收决定机关",
    "expropriation_decision.signing_end": "征收决定签约期限届满日",
    "signing_end": "签约期限届满日",
    "owner_unclear": "产权人不明确",
    "relocation_deadline": "搬迁期限",
    "residential": "住宅",
    "housing_security_eligible": "符合住房保障条件",
    "business_use": "经营用房",
    "choice": "补偿方式",
    "onsite_swap_requested": "要求在改建地段调换",
    "demolition_permit_date": "拆迁许可证日期",
}

# The fields' Chinese names: ledger headers, messages and period lines use them.
FIELD_WORDS = {
    "date": "日期", "start": "开始日期", "end": "结束日期", "doc": "文号", "recipients": "通知对象",
    "households_covered": "登记户数", "publisher": "发布机关", "channel": "发布渠道",
    "economic": "国民经济和社会发展规划文号", "land_use": "土地利用总体规划文号", "urban_rural": "城乡规划文号",
    "special": "专项规划文号", "compensated": "已予补偿", "notice_date": "通知日期", "materials_sent": "材料送达日期",
    "record_signed": "笔录已签字", "list_published": "名单公布日期", "plan_revised": "方案已据此修改",
    "conclusion": "结论", "covers": "涵盖内容", "signed_opinions": "专家签名意见", "conflicts": "存在利害关系",
    "shortening_reason": "缩短期限理由", "stage": "阶段", "submitted": "送审日期", "counsel_opinion": "含法律顾问意见",
    "amount_cny": "金额（元）", "estimated_total_cny": "测算总额（元）", "account": "账户", "diverted": "被挪用",
    "meeting": "会议类型", "materials": "上会材料", "plan_version": "方案版本", "dissent_recorded": "不同意见已记录",
    "session": "会次", "includes": "载明内容", "method": "方式", "what": "内容", "outcome": "结果",
    "value_date": "估价时点", "place": "地点", "year": "年度", "buildings": "建筑数", "area_m2": "面积（平方米）",
    "by": "办理人", "court_designated": "上级法院指定管辖", "extended": "已延长期限", "recused": "已回避",
    "recheck_waived": "放弃复核", "results_published": "结果已公开",
    "signing_start": "签约开始日期", "signing_end": "签约截止日期", "signing_days": "签约期限（日）",
    "options": "补偿方式", "items": "方案内容", "subsidy_rules": "补助奖励办法", "review_body": "复议机关",
    "court": "法院", "review_period_days": "复议期限（日）", "suit_period_months": "起诉期限（月）",
    "agency": "机构", "agencies": "候选机构", "negotiation_failed": "协商不成", "votes_for": "赞成票数",
    "votes_total": "应投票户数", "lead": "牵头机构", "notary": "公证", "certificate": "资质证书",
    "issued": "出具日期", "rights_notice": "告知权利", "valuer_signatures": "估价师签名", "sealed": "已盖章",
    "served": "送达日期", "panel_size": "专家人数", "panel_valuers": "专家估价师", "proof": "送达凭证",
    "location": "位置", "transition": "过渡安排", "accepted": "受理日期", "instance": "审级", "effective": "生效日期",
    "attachments": "附送材料", "court_level": "法院层级", "applicant": "申请人", "head_signed": "负责人签名",
    "filed": "立案日期", "forced": "强制", "night": "夜间", "contract": "合同", "fee_payer": "费用承担方",
    "households_filed": "归档户数", "agent": "代理人", "party": "签约方", "owner_signed": "被征收人签字",
    "witness": "见证人",
    # the household's own attributes, and fields the tool derives (compliance/derived.py)
    "residential": "住宅", "housing_security_eligible": "符合住房保障条件", "business_use": "经营用房",
    "owner_unclear": "产权人不明确", "onsite_swap_requested": "要求在改建地段调换", "signed_agreement": "已签订补偿协议",
    "cumulative_shortfall_cny": "累计到位资金缺口（元）", "on_record": "在案", "activity": "实施内容",
    "on_rest_day": "在法定休息日",
}


def field_word(field: str) -> str:
    """A field's Chinese name, step field or record field; the key itself when none is known."""
    return FIELD_WORDS.get(field) or RECORD_FIELD_WORDS.get(field) or field

# A household entry's (or a compensation decision's) own facts, as a pseudo step kind rules
# can anchor on: `each: household`.
HOUSEHOLD_ATTRIBUTES = {"residential": BOOL, "housing_security_eligible": BOOL, "business_use": BOOL,
                        "choice": enum("monetary", "property_swap"), "owner_unclear": BOOL,
                        "onsite_swap_requested": BOOL}
HOUSEHOLD_PSEUDO = StepKind("household", "被征收户", HOUSEHOLD_ATTRIBUTES)
HOUSEHOLD_KIND_NAMES = frozenset(k.name for k in HOUSEHOLD_KINDS) | {"household"}


def rule_kinds(record_type: str) -> dict[str, StepKind]:
    """Kinds a rule may name for a record type: an expropriation decision's own steps and,
    through its household entries, the per-household steps; `household` for the household."""
    kinds = dict(KINDS_BY_TYPE[record_type])
    if record_type == "expropriation_decision":
        kinds.update(KINDS_BY_TYPE["household"])
    if record_type in ("expropriation_decision", "compensation_decision"):
        kinds["household"] = HOUSEHOLD_PSEUDO
    return kinds


# `implementation.what` is free text; this maps it to an activity rules can test.
IMPLEMENTATION_ACTIVITIES = {
    "agreement_signing": ("agreement_signing", "签约", "签订协议", "协议签订", "补偿协议"),
    "disbursement": ("disbursement", "拨付", "支付", "付款", "资金"),
    "demolition": ("demolition", "拆除", "搬迁"),
    "contract_award": ("contract_award", "合同", "发包", "招标", "采购"),
}


def implementation_activity(what: str | None) -> str | None:
    if not what:
        return None
    for activity, words in IMPLEMENTATION_ACTIVITIES.items():
        if any(w in what for w in words):
            return activity
    return "other"


def _label_aliases(label: str) -> set[str]:
    """Accepted spellings of a Chinese label (decision-record.md, `kind`)."""
    out = {label}
    outside = re.sub(r"（[^）]*）|\([^)]*\)", "", label).strip()
    out.add(outside)
    prefix = re.split(r"[（(]", label)[0].strip()
    out.add(prefix)
    for text in (outside, prefix):
        parts = re.split(r"[、/]", text)
        if len(parts) > 1:
            out.update(p.strip() for p in parts)
    return {a for a in out if a}


# The names officials write for steps, beside the formal labels (decision-record.md, `kind`):
# from the office's report, the statutes and the example records; `type:kind` keys hold names
# for one record type only. A name listed for several kinds of one record type is ambiguous
# there and refused with the candidates.
COMMON_NAMES: dict[str, tuple[str, ...]] = {
    "party_group_meeting": ("党组会议", "党组会", "中心党组会议", "党组集体研究", "党组研究", "党组集体决策"),
    "executive_meeting": ("常务会议", "常务会", "政府常务会议", "区政府常务会议", "市政府常务会议", "政府全体会议",
                          "全体会议", "常务会议研究"),
    "risk_assessment": ("风险评估", "稳评", "社稳评估", "社会稳定风险评估报告", "重大事项风险评估", "稳定风险评估"),
    "legal_consultation": ("法律咨询", "事前法律咨询", "法律顾问意见", "法律意见"),
    "investigation_research": ("调研", "调查研究"),
    "public_opinion": ("征求意见", "征求社会意见", "公开征求意见", "征求公众意见"),
    "plan_comment": ("征求意见", "方案征求意见", "补偿方案征求意见", "公开征求意见"),
    "decision": ("决定", "作出决定"),
    "expropriation_decision:decision": ("征收决定", "房屋征收决定", "作出房屋征收决定"),
    "compensation_decision:decision": ("补偿决定", "征收补偿决定", "作出补偿决定"),
    "major_matter:decision": ("决策", "作出决策"),
    "decision_announced": ("公告", "决定公告", "公布决定"),
    "expropriation_decision:decision_announced": ("征收公告", "房屋征收决定公告"),
    "compensation_decision:decision_announced": ("补偿决定公告",),
    "major_matter:decision_announced": ("决策公布", "公布决策"),
    "decision_served": ("送达", "决定送达", "补偿决定送达"),
    "funds_in_place": ("资金到位", "补偿资金到位", "资金足额到位", "专户存储", "补偿资金专户存储"),
    "hearing": ("听证", "听证会", "举行听证"),
    "legality_review": ("合法性审查", "合法性审核", "法制审核"),
    "expert_argumentation": ("专家论证", "专家论证会"),
    "agency_selected": ("选定评估机构", "评估机构选定", "确定评估机构"),
    "valuation_report_served": ("评估报告送达", "分户评估报告送达", "送达评估报告"),
    "agreement_signed": ("签约", "签订协议", "补偿协议", "签订补偿协议"),
    "compensation_paid": ("支付补偿款", "补偿款支付", "付款"),
    "reminder_served": ("催告", "催告书", "送达催告书"),
    "enforcement_application": ("申请强制执行", "申请法院强制执行", "强制执行申请", "申请人民法院强制执行"),
    "court_ruling": ("准予执行裁定", "法院裁定", "执行裁定", "裁定"),
    "demolished": ("拆除", "强拆", "强制拆除", "强制搬迁"),
    "review_filed": ("申请复议", "申请行政复议", "行政复议申请"),
    "review_decided": ("复议决定", "行政复议决定"),
    "suit_filed": ("起诉", "提起诉讼", "提起行政诉讼"),
    "judgment": ("判决", "法院判决"),
    "construction_freeze": ("暂停办理", "暂停办理相关手续"),
    "survey": ("调查登记", "入户调查"),
    "plan_drafted": ("拟定补偿方案", "补偿方案"),
    "relocated": ("搬迁", "腾房", "交房"),
}


class KindError(ValueError):
    """A step name that is no kind of the record type, or could be two of them."""


@functools.lru_cache(maxsize=None)
def _names(record_type: str) -> dict[str, frozenset[str]]:
    """Every accepted name -> the kinds it may mean for this record type."""
    kinds = KINDS_BY_TYPE[record_type]
    out: dict[str, set[str]] = {}
    for kind in kinds.values():
        out.setdefault(kind.name, set()).add(kind.name)
        for alias in _label_aliases(kind.label):
            out.setdefault(alias, set()).add(kind.name)
    for key, names in COMMON_NAMES.items():
        scope, _, kind = key.rpartition(":")
        if kind in kinds and scope in ("", record_type):
            for name in names:
                out.setdefault(name, set()).add(kind)
    # a formal label or kind name is never ambiguous: it means its own kind
    formal = {n: k.name for k in kinds.values() for n in (k.name, k.label)}
    return {n: frozenset({formal[n]}) if n in formal else frozenset(ks) for n, ks in out.items()}


def resolve_kind(record_type: str, written: str) -> str:
    """The kind a written name means for a record type. Raises KindError: unknown (with a
    suggestion of the same meaning only), or ambiguous (with the candidates)."""
    text = str(written).strip()
    kinds = _names(record_type).get(text)
    if kinds is not None and len(kinds) == 1:
        return next(iter(kinds))
    labels = KINDS_BY_TYPE[record_type]
    if kinds:
        options = "、".join(f"{k}（{labels[k].label}）" for k in sorted(kinds))
        raise KindError(f"「{text}」可能指{options}，请写明其中之一 / {text!r} could mean {', '.join(sorted(kinds))}: "
                        "write one of them")
    # a name of another record type's step: say where it belongs, never suggest a look-alike
    # here (it would be a step of another meaning)
    elsewhere = sorted(t for t in KINDS_BY_TYPE if t != record_type and text in _names(t))
    if elsewhere:
        where = "、".join(RECORD_TYPES.get(t, "被征收户（household_entries）") for t in elsewhere)
        raise KindError(f"「{text}」是{where}的步骤，不是本类记录的步骤 / {text!r} is a step of "
                        f"{', '.join(elsewhere)} records, not of this record type")
    # a typo: suggest the closest name, but only one whose kind is unambiguous here
    import difflib
    candidates = [n for n, ks in _names(record_type).items() if len(ks) == 1]
    match = difflib.get_close_matches(text, candidates, n=1, cutoff=0.6)
    hint = f"；是否应为「{match[0]}」？" if match else ""
    raise KindError(f"「{text}」不是本类记录的步骤{hint} / unknown step kind {text!r} for this record"
                    + (f"; did you mean '{match[0]}'?" if match else ""))


@functools.lru_cache(maxsize=None)
def kind_aliases(record_type: str) -> dict[str, str]:
    """Every unambiguous name -> kind, for one record type (labels, their parts, common names)."""
    return {n: next(iter(ks)) for n, ks in _names(record_type).items() if len(ks) == 1 and n not in KINDS_BY_TYPE[record_type]}
