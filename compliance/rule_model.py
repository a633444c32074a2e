"""The rule-file language: pydantic models of a rule, its checks and conditions, and what a
condition may compare with. Data only; loading is rulebook.py, vocabulary checks are
rule_validation.py.

A rule file says what a source requires; it holds no Python. The language is small:

- `applies_to`: record types; `when`: conditions on the record (all must hold);
- `checks`: each check says "for each ANCHOR step (or the record), a NEED step must
  exist WHERE conditions hold", optionally with alternatives (`any_of`), a `due` date
  before which a missing step is not yet a violation, and what a wholly missing step
  means (`missing`).

Conditions compare a field of the needed step with a literal, a profile parameter
(`param.NAME`), a field of the anchor or of the record (`decision.date`,
`record.households`), optionally shifted by a period (`plan_comment.start + 30 days`).
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from . import derived
from .models import record_field_types
from .periods import PeriodSpec
from .severity import Severity, most_serious

RULE_ID = re.compile(r"^[A-Z][A-Z0-9]*(-[A-Z0-9]+)+$")

DATE_OPS = {"not_after": "<=", "before": "<", "not_before": ">=", "after": ">"}
NUMBER_OPS = {"at_most": "<=", "less_than": "<", "at_least": ">=", "more_than": ">"}
VALUE_OPS = ("is", "in", "contains", "contains_all", "lacks", "has", "same_as", "matches")
ALL_OPS = tuple(DATE_OPS) + tuple(NUMBER_OPS) + VALUE_OPS

# Record fields a rule may test, with their types (dotted paths are nested fields): the record
# model's own fields, and those the facts layer computes (compliance/derived.py).
RECORD_FIELDS: dict[str, Any] = {**record_field_types(),
                                 **{name: t for kind, name, t, _ in derived.COMPUTED_FIELDS if kind == "record"}}
# Fields the facts layer derives for steps (compliance/derived.py: the one table of them).
DERIVED_STEP_FIELDS = derived.new_step_fields()
# Fields every step has: false for a stage that only a later step proves (rules/_stages.yaml).
DERIVED_COMMON_FIELDS = {name: t for kind, name, t, _ in derived.COMPUTED_FIELDS if kind == "*"}
PARAMETERS = ("many_households_threshold", "signing_period_days", "valuation_publicity_days",
              "large_expenditure_threshold_cny")
# Profile parameters that are days: the date the office adopted its internal procedure.
DATE_PARAMETERS = ("internal_procedure_adopted",)


class Text(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    zh: str
    en: str

    def get(self, lang: str) -> str:
        return self.en if lang == "en" else self.zh


def _bilingual(value: "Text | str | None", lang: str) -> str | None:
    if value is None or isinstance(value, str):
        return value
    return value.get(lang)


class Source(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    name: str                      # 国有土地上房屋征收与补偿条例
    doc: str | None = None         # 国务院令第590号
    article: str                   # 第十二条第一款 (条/款/项)
    article_en: str                # Art 12(1)
    name_en: str | None = None

    def basis(self, lang: str = "zh") -> str:
        if lang == "en":
            return f"{self.name_en or self.name}, {self.article_en}"
        return f"《{self.name}》{self.article}"


@dataclass(frozen=True)
class Ref:
    """What a condition compares with: a literal, a parameter, or a field (+ a period)."""

    kind: Literal["literal", "param", "field"]
    value: Any = None              # literal value
    alias: str | None = None       # 'record' or a step kind (the anchor)
    field: str | None = None
    period: tuple[PeriodSpec, ...] = ()   # applied in turn: `+ 6 months + 3 months`
    factor: float | None = None

    def __str__(self) -> str:
        if self.kind == "literal":
            return str(self.value)
        if self.kind == "param":
            return f"param.{self.field}"
        text = f"{self.alias}.{self.field}"
        for spec in self.period:
            text += f" + {spec}"
        if self.factor is not None:
            text += f" * {self.factor:g}"
        return text


_REF = re.compile(r"^\s*([a-z_]+)\.([a-z_.]+)\s*((?:\+\s*[^+*]+?\s*)*)(?:\*\s*([0-9.]+))?\s*$")
_FIELD_SHIFT = re.compile(r"^\s*([a-z_.]+)\s*((?:\+\s*[^+*]+?\s*)*)$")


def parse_periods(text: str | None) -> tuple[PeriodSpec, ...]:
    """'+ 6 months + 3 months' -> the periods, in order."""
    return tuple(PeriodSpec.parse(p) for p in (text or "").split("+") if p.strip())


_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def parse_ref(value: Any) -> Ref:
    if isinstance(value, (bool, int, float)) or isinstance(value, (list, tuple)):
        return Ref("literal", value)
    if isinstance(value, dt.date):
        return Ref("literal", value)
    text = str(value)
    if _ISO_DAY.match(text):  # a fixed day, e.g. a statute's commencement
        return Ref("literal", dt.date.fromisoformat(text))
    m = _REF.match(text)
    if not m:
        return Ref("literal", text)
    alias, field, periods, factor = m.groups()
    if alias == "param":
        return Ref("param", field=field)
    return Ref("field", alias=alias, field=field, period=parse_periods(periods),
               factor=float(factor) if factor else None)


@dataclass(frozen=True)
class Condition:
    field: str
    op: str
    ref: Ref
    shift: tuple[PeriodSpec, ...] = ()  # the tested field plus periods: `date + 10 working_days`


def conditions(spec: dict[str, dict[str, Any]] | None) -> tuple[Condition, ...]:
    out = []
    for key, ops in (spec or {}).items():
        m = _FIELD_SHIFT.match(str(key))
        if not m:
            raise ValueError(f"{key!r} is not a field, or a field plus periods such as 'date + 10 working_days'")
        field, shift = m.group(1), parse_periods(m.group(2))
        if shift and not all(op in DATE_OPS for op in (ops or {})):
            raise ValueError(f"{key!r}: a shifted date can only be compared with dates")
        if not isinstance(ops, dict):
            raise ValueError(f"condition on {field!r} must map an operator to a value, e.g. {{not_after: decision.date}}")
        for op, value in ops.items():
            if op not in ALL_OPS:
                raise ValueError(f"unknown operator {op!r} on {field!r}; use one of: {', '.join(ALL_OPS)}")
            ref = Ref("literal", value) if op in ("is", "in", "contains", "contains_all", "lacks", "has", "matches") \
                else parse_ref(value)
            out.append(Condition(field, op, ref, shift))
    return tuple(out)


class Branch(BaseModel):
    """One way to satisfy a check: a step of one of the `need` kinds, where conditions hold."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    need: str | list[str]
    where: dict[str, dict[str, Any]] = Field(default_factory=dict)

    @cached_property  # the model is frozen: computed once
    def kinds(self) -> tuple[str, ...]:
        return tuple(self.need) if isinstance(self.need, list) else (self.need,)

    @cached_property  # the model is frozen: computed once
    def conditions(self) -> tuple[Condition, ...]:
        return conditions(self.where)


class Check(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    each: str = "record"
    each_where: dict[str, dict[str, Any]] = Field(default_factory=dict)
    need: str | list[str] | None = None
    where: dict[str, dict[str, Any]] = Field(default_factory=dict)
    any_of: list[Branch] = Field(default_factory=list)
    forbidden: bool = False          # no step of the `each` kind may exist at all
    missing: Literal["violated", "not_applicable"] = "violated"
    due: str | None = None
    when: dict[str, dict[str, Any]] = Field(default_factory=dict)  # this check applies only then
    severity: Severity | None = None
    message: Text | None = None
    only_for: list[Literal["expropriation_decision", "compensation_decision", "major_matter"]] | None = None

    def applies_to_type(self, record_type: str) -> bool:
        return self.only_for is None or record_type in self.only_for

    @model_validator(mode="after")
    def _one_form(self) -> "Check":
        if self.forbidden:
            if self.need is not None or self.any_of or self.where or self.each == "record":
                raise ValueError("a `forbidden` check names only the forbidden step kind in `each`")
            return self
        if (self.need is None) == (not self.any_of):
            raise ValueError("a check has either `need` (with optional `where`) or `any_of`, not both")
        if self.any_of and self.where:
            raise ValueError("put `where` inside each `any_of` branch")
        if self.due:
            ref = parse_ref(self.due)
            if ref.kind != "field" or ref.alias != self.each or not ref.period:
                raise ValueError(f"`due` must be '{self.each}.FIELD + N unit', got {self.due!r}")
        return self

    @cached_property  # the model is frozen: computed once
    def branches(self) -> tuple[Branch, ...]:
        if self.forbidden:
            return ()
        if self.any_of:
            return tuple(self.any_of)
        return (Branch(need=self.need, where=self.where),)

    @cached_property  # the model is frozen: computed once
    def anchor_filter(self) -> tuple[Condition, ...]:
        return conditions(self.each_where)

    @cached_property  # the model is frozen: computed once
    def due_ref(self) -> Ref | None:
        return parse_ref(self.due) if self.due else None

    @cached_property  # the model is frozen: computed once
    def need_kinds(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(k for b in self.branches for k in b.kinds))

    @cached_property
    def missing_is_not_applicable(self) -> bool:
        """A wholly missing step is left to other rules (compared with the record itself, never)."""
        return self.missing == "not_applicable" and self.need_kinds != ("same",)


class Effective(BaseModel):
    """When a rule applies. `from: unknown` where no source gives the start date: the rule then
    applies to every record, and each finding says that the start date is not known, unless
    the profile parameter named in `set_by` gives it."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)
    from_: dt.date | Literal["unknown"] = Field(alias="from")
    to: dt.date | None = None
    set_by: Literal["internal_procedure_adopted"] | None = None

    @property
    def start_known(self) -> bool:
        return self.from_ != "unknown"

    def start_text(self) -> str:
        return self.from_.isoformat() if isinstance(self.from_, dt.date) else "unknown"


class RuleTest(BaseModel):
    """A rule's own example: a case record, changed, and the result it must give."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    name: str
    case: str                                  # file name in the rules' _examples/
    remove: list[str] = Field(default_factory=list)      # step kinds to delete
    add: list[dict[str, Any]] = Field(default_factory=list)  # steps to append
    change: list[dict[str, Any]] = Field(default_factory=list)  # {kind, set: {...}, unset: [...]}
    set: dict[str, Any] = Field(default_factory=dict)    # top-level fields
    profile: str | None = None
    as_of: dt.date | None = None
    expect: Literal["violated", "satisfied", "not_evaluable", "not_applicable", "waived"]


class Rule(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    title: Text
    label: str
    source: Source
    severity: Severity
    verified: bool
    verification_note: Text | str | None = None    # {zh, en}; a plain string is English only
    catalog_section: str
    effective: Effective
    applies_to: list[Literal["expropriation_decision", "compensation_decision", "major_matter"]]
    when: dict[str, dict[str, Any]] = Field(default_factory=dict)
    checks: list[Check] = Field(default_factory=list)
    # a catalog row that record data cannot check (e.g. how periods are computed): listed,
    # never evaluated; the text says why
    informational: Text | str | None = None
    message: Text
    remedy: Text
    note: Text | str | None = None                 # {zh, en}; a plain string is English only
    tests: list[RuleTest] = Field(default_factory=list)

    @field_validator("id")
    @classmethod
    def _id_shape(cls, v: str) -> str:
        if not RULE_ID.match(v):
            raise ValueError(f"{v!r} is not a catalog id such as D590-12-SSRA")
        return v

    @model_validator(mode="after")
    def _checked_or_informational(self) -> "Rule":
        if bool(self.checks) == bool(self.informational):
            raise ValueError("a rule has `checks`, or is `informational` with the reason it cannot be checked")
        return self

    @cached_property  # the model is frozen: computed once
    def when_conditions(self) -> tuple[Condition, ...]:
        return conditions(self.when)

    def basis(self, lang: str = "zh") -> str:
        return self.source.basis(lang)

    def note_text(self, lang: str) -> str | None:
        """The interpretation note in the language asked for (English where no Chinese is given)."""
        return _bilingual(self.note, lang)

    def informational_text(self, lang: str) -> str | None:
        """Why record data cannot check this row, in the language asked for."""
        return _bilingual(self.informational, lang)

    def verification_text(self, lang: str) -> str | None:
        """What an advisor must confirm, in the language asked for."""
        return _bilingual(self.verification_note, lang)

    def check_severity(self, check: Check) -> str:
        return check.severity or self.severity

    def severity_of(self, checks: list[Check]) -> str:
        """The most serious severity of the given checks (the rule's own when none)."""
        return most_serious((self.check_severity(c) for c in checks), default=self.severity)
