"""Chinese wording of the input-error messages (validation of records and profiles).

The validators phrase their messages in English, where they are raised; this table gives
each its Chinese form, matched by pattern, so that a record's errors read in the user's
language (`--lang en` keeps the English). A message without a pattern stays as it is: the
test of every error in zh (tests/test_chinese_output.py) lists the ones still missing.
"""
from __future__ import annotations

import functools
import re

_FIELD_WORDS = {"date": "日期", "start": "开始日期", "end": "结束日期", "doc": "文号", "kind": "步骤类型"}

# (pattern on the English message, Chinese template with the pattern's groups)
PATTERNS: tuple[tuple[str, str], ...] = (
    (r"(?P<v>.+) is not a real date \(check the day and month\)", "{v} 不是真实存在的日期（请核对年月日）"),
    (r"(?P<v>.+) is not a real month", "{v} 不是真实存在的月份"),
    (r"(?P<v>.+): year (?P<y>\d+) is outside (?P<a>\d+)-(?P<b>\d+); check for a typo",
     "{v}：年份 {y} 不在 {a}—{b} 之间，请检查是否笔误"),
    (r"(?P<v>.+) is not a date: write 2025-03-01.*", "{v} 不是日期：请写作 2025-03-01（或 2025年3月1日、2025/3/1、2025.3.1；"
                                                     "只知道月份时写 2025-03）"),
    (r"expected a date such as 2025-03-01, got (?P<v>.+)", "应为日期（如 2025-03-01），实际为 {v}"),
    (r"(?P<v>.+) was read as a number: write 2025-03 for a month.*", "{v} 被读作数字：只知道月份时请写作 2025-03（或加引号）"),
    (r"(?P<v>.+) is a number, not a date.*", "{v} 是数字而不是日期：请写作 2025-03-01（只知道月份时写 2025-03）"),
    (r"unknown field (?P<f>\S+) for step kind '(?P<k>[^']+)'(?:; did you mean '(?P<s>[^']+)'\?)?(?: \(and (?P<n>\d+) more unknown fields?\))?",
     "步骤「{k_label}」没有字段 {f}{s_hint}{n_hint}"),
    (r"unknown field(?:; did you mean '(?P<s>[^']+)'\?)?", "未知字段{s_hint}"),
    (r"required field `(?P<f>[^`]+)` is missing; add it", "缺少必填字段 `{f}`，请补上"),
    (r"`(?P<f>[^`]+)` is required for a (?P<t>\w+) record", "{t_label}记录必须填写 `{f}`"),
    (r"(?P<v>.+) is not one of: (?P<a>.+?)(?:; did you mean '(?P<s>[^']+)'\?)?", "{v} 不是可选值之一（可选：{a}）{s_hint}"),
    (r"(?P<v>.+): expected text", "{v}：应为文字"),
    (r"expected text", "应为文字"),
    (r"expected a whole number", "应为整数"),
    (r"expected a number, not (?P<v>.+)", "应为数字，实际为 {v}"),
    (r"expected a number", "应为数字"),
    (r"expected true or false, not (?P<v>.+)", "应为 true 或 false（是/否），实际为 {v}"),
    (r"expected true or false", "应为 true 或 false（是/否）"),
    (r"expected a list, e\.g\. \[a, b\]", "应为列表，如 [a, b]"),
    (r"expected a mapping such as \{name: \.\.\., \.\.\.\}", "应为键值映射，如 {{name: ..., ...}}"),
    (r"must not be empty", "不能为空"),
    (r"the period ends \((?P<e>[^)]+)\) before it starts \((?P<s>[^)]+)\); fix start or end",
     "期间的结束日期（{e}）早于开始日期（{s}）；请改正开始或结束日期"),
    (r"a step must be a mapping such as \{kind: decision, date: 2025-04-25\}",
     "每个步骤应为键值映射，如 {{kind: decision, date: 2025-04-25}}"),
    (r"the step has no `kind`", "该步骤没有 `kind`（步骤类型）"),
    (r"`kind` must be the name of a step kind such as decision, not (?P<v>.+)", "`kind` 应为步骤类型名称（如 decision），而不是 {v}"),
    (r"a decision record must be a mapping of fields.*", "决定记录应为字段的键值映射（format:、id:、type: ……）"),
    (r"missing `format: decision-record/1` at the top of the file", "文件开头缺少 `format: decision-record/1`"),
    (r"unsupported format (?P<v>.+?): this tool reads `format: decision-record/1`.*",
     "不支持的格式 {v}：本工具读取 `format: decision-record/1`"),
    (r"household_entries belong to an expropriation_decision record", "household_entries（分户记录）只属于房屋征收决定记录"),
    (r"(?P<a>\d+) objecting households exceed the (?P<b>\d+) households in scope",
     "认为补偿方案不符合规定的户数（{a}）超过征收范围内的户数（{b}）"),
    (r"`steps` must be a list of steps.*", "`steps` 应为步骤列表，每行以 `- {{kind: ..., date: ...}}` 开头"),
    (r"(?P<v>.+) is not a number a record can hold; write a number or leave the field out",
     "{v} 不是可记录的数字；请填写数字或删去该字段"),
)
_COMPILED = tuple((re.compile(p), t) for p, t in PATTERNS)


@functools.cache
def _kind_labels() -> dict[str, str]:
    """Every step kind's Chinese label (built once)."""
    from . import vocabulary as voc
    return {k.name: k.label for scope in ("household", "compensation_decision", "major_matter",
                                          "expropriation_decision") for k in voc.KINDS_BY_TYPE[scope].values()}


def translate(message: str) -> str | None:
    """The Chinese form of an English input-error message, or None when the table has none.
    A message already in Chinese (a pair written as `zh / en`) gives its Chinese half."""
    if " / " in message and re.search(r"[\u4e00-\u9fff]", message.split(" / ", 1)[0]):
        return message.split(" / ", 1)[0]
    from . import vocabulary as voc
    for pattern, template in _COMPILED:
        m = pattern.fullmatch(message.strip())
        if not m:
            continue
        groups = {k: (v or "") for k, v in m.groupdict().items()}
        groups["s_hint"] = f"；是否应为 '{groups['s']}'？" if groups.get("s") else ""
        groups["n_hint"] = f"（另有 {groups['n']} 个未知字段）" if groups.get("n") else ""
        groups["t_label"] = voc.RECORD_TYPES.get(groups.get("t", ""), groups.get("t", ""))
        groups["k_label"] = _kind_labels().get(groups.get("k", ""), groups.get("k", ""))
        return template.format(**groups)
    return None


def english(message: str) -> str:
    """The English half of a `zh / en` message (other messages are English already)."""
    if " / " in message and re.search(r"[\u4e00-\u9fff]", message.split(" / ", 1)[0]):
        return message.split(" / ", 1)[1]
    return message


def pair(message: str) -> tuple[str, str]:
    """(zh, en) of a validator's message; the English stands in where no Chinese is known."""
    return translate(message) or message, english(message)
