"""Wording of year-over-year tracking (baseline comparison, rectifications, merged
reports), Chinese by default and English with --lang en. Other keys fall back to i18n."""
from __future__ import annotations

from . import i18n

_TEXT = {
    # baseline states (SARIF baselineState)
    "new": ("新发现", "new"),
    "unchanged": ("仍未整改", "unchanged"),
    "resolved": ("已整改", "resolved"),
    "not_compared": ("未比较", "not compared"),
    # rectification entries
    "rect_in_progress": ("整改中", "being rectified"),
    "rect_overdue": ("逾期未整改", "overdue"),
    "rect_not_cured": ("整改后仍违反", "rectified, still violated"),
    "rect_rectified": ("已整改", "rectified"),
    "rect_open": ("待整改", "open"),
    "bl_heading": ("整改情况", "Rectification status"),
    "bl_lead": ("与基线相比：新发现 {new}，仍未整改 {unchanged}，已整改 {resolved}",
                "Against the baseline: {new} new, {unchanged} unchanged, {resolved} resolved"),
    "bl_against": ("基线：{file}（检查基准日 {as_of}，compliance {version}）",
                   "Baseline: {file} (as of {as_of}, compliance {version})"),
    "bl_by_rule": ("按规则", "By rule"),
    "bl_by_record": ("按记录", "By record"),
    "bl_absent_heading": ("基线中有、本次未比较的记录（不计为已整改）",
                          "Records of the baseline not compared in this run (not counted as resolved)"),
    "bl_reason_not_checked": ("本次未检查", "not checked in this run"),
    "bl_reason_excluded": ("按年度排除", "left out by --year"),
    "bl_reason_error": ("本次无法读取", "could not be read in this run"),
    "bl_resolved_in_record": ("已整改（基线中有，本次未发现）", "resolved (in the baseline, not found now)"),
    "bl_version": ("基线由 compliance {old} 生成，本次为 {new}：提示语可能不同，按指纹比较",
                   "the baseline was written by compliance {old}, this is {new}: wording may differ; "
                   "findings are compared by fingerprint"),
    "bl_legacy": ("基线没有指纹（旧版本生成）：只能按记录、规则和户比较，同一规则的多个问题无法区分",
                  "the baseline has no fingerprints (an older version): findings are matched on record, rule and "
                  "household only; several findings of one rule cannot be told apart"),
    "bl_no_rule_set": ("基线未载明规则集：规则的增删改无法判断", "the baseline does not name its rule set: "
                       "rules added, removed or changed since cannot be told"),
    "bl_rules_removed": ("基线的规则已删除，其问题未比较：{rules}", "rules of the baseline no longer exist; "
                         "their findings are not compared: {rules}"),
    "bl_rules_added": ("新增规则，其问题未比较：{rules}", "rules new since the baseline; their findings are not "
                       "compared: {rules}"),
    "bl_rules_changed": ("规则已修改，结果变化可能源于规则而非记录：{rules}", "rules changed since the baseline; "
                         "a change in their findings may come from the rule, not the record: {rules}"),
    "bl_profile": ("基线使用参数配置 {old}，本次为 {new}：依赖参数的结论可能因此不同",
                   "the baseline used profile {old}, this run {new}: findings that depend on parameters may differ "
                   "for that reason"),
    "bl_record_profiles": ("{n} 份记录的参数配置与基线不同", "{n} record(s) were checked with another profile than "
                           "in the baseline"),
    "rect_heading": ("整改台账", "Rectification register"),
    "rect_lead": ("整改中 {in_progress}，逾期未整改 {overdue}，整改后仍违反 {not_cured}，已整改 {rectified}",
                  "{in_progress} being rectified, {overdue} overdue, {not_cured} still violated after rectification, "
                  "{rectified} rectified"),
    "col_baseline_state": ("与基线比较", "Baseline"),
    "col_fingerprint": ("指纹", "Fingerprint"),
    "col_new": ("新发现", "New"),
    "col_unchanged": ("仍未整改", "Unchanged"),
    "col_resolved": ("已整改", "Resolved"),
    "col_measure": ("整改措施", "Measure"),
    "col_responsible": ("责任人", "Responsible"),
    "col_due": ("整改期限", "Due"),
    "col_done": ("完成日期", "Done"),
    "col_done_doc": ("完成文件", "Document"),
    "col_rect_state": ("整改状态", "Rectification"),
    "col_problem": ("存在问题", "Problem"),
    "col_reason": ("原因", "Reason"),
    "merge_duplicate": ("记录 {id} 同时出现在 {first} 和 {second}：只计一次", "record {id} is in both {first} and "
                        "{second}: counted once"),
    "merge_inputs": ("合并自 {n} 份报告", "merged from {n} reports"),
}


def text(key: str, lang: str) -> str:
    return i18n.pick(_TEXT[key], lang) if key in _TEXT else i18n.text(key, lang)
