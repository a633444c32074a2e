"""Pydantic models of the decision-record format (decision-record.md, version 1).

Step kinds and their fields vary by record type, so a step is validated against the
vocabulary with the record type passed in the validation context.
"""
from __future__ import annotations

import datetime as dt
import difflib
import types
import typing
import math
import re
from typing import Annotated, Any, Literal

from pydantic import (AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, ValidationInfo,
                      model_validator)
from pydantic_core import PydanticCustomError

from . import vocabulary as voc
from .dates import DateError, RecordDate, parse_date
from .errors import shown

FORMAT = "decision-record/1"


def _date(value: Any) -> RecordDate:
    try:
        return parse_date(value)
    except DateError as e:
        raise PydanticCustomError("date", str(e)) from None


RDate = Annotated[RecordDate, BeforeValidator(_date)]


class DocNumber(str):
    """A document number (文号) in its standard spelling; `written` is what the file said."""

    written: str = ""


_DOC_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")
_DOC_YEAR = re.compile(r"^(\S.*?)\s*[\[［【〔〖(（]\s*(\d{4})\s*[\]］】〕〗)）]\s*(.*)$")


def normalise_doc(value: str) -> DocNumber:
    """卫政[2025]12号, 卫政（２０２５）１２号 → 卫政〔2025〕12号 (GB/T 9704: the year in 〔〕, ASCII digits)."""
    text = value.translate(_DOC_DIGITS).strip()
    m = _DOC_YEAR.match(text)
    if m:
        text = f"{m.group(1)}〔{m.group(2)}〕{m.group(3)}"
    out = DocNumber(text)
    out.written = value
    return out


DocText = Annotated[str, AfterValidator(normalise_doc)]


def suggest(word: str, choices) -> str:
    """' (did you mean 'x'?)' or ''."""
    if not isinstance(word, (str, int, float)) or len(str(word)) > 100:
        return ""
    match = difflib.get_close_matches(str(word), list(choices), n=1, cutoff=0.6)
    return f"; did you mean '{match[0]}'?" if match else ""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Issuer(_Strict):
    name: str
    level: Literal["city_government", "county_government", "county_level_city_government", "district_government",
                   "department", "other"]
    superior: str | None = None


class Department(_Strict):
    name: str
    designation_doc: DocText | None = None


class ImplementingUnit(_Strict):
    name: str
    entrustment_doc: DocText | None = None
    nonprofit: bool | None = None

    @model_validator(mode="before")
    @classmethod
    def _scalars(cls, data: Any) -> Any:
        return _guard_scalars(cls, data)


class ParentDecision(_Strict):
    doc: DocText | None = None
    date: RDate | None = None
    announced: RDate | None = None
    issuer: str | None = None
    signing_end: RDate | None = None


class Waiver(_Strict):
    rule: str
    reason: str
    approved_by: str | None = None
    doc: DocText | None = None
    expires: RDate | None = None


class Rectification(_Strict):
    """An entry of the rectification (整改) register: what the office does about a finding."""

    rule: str
    measure: str                      # 整改措施
    responsible: str | None = None    # 责任人
    due: RDate | None = None          # 整改期限
    household: str | None = None      # only this household's finding of the rule
    done: RDate | None = None         # 完成日期
    doc: DocText | None = None        # the document showing it done


def _scalar_kind(annotation: Any) -> str | None:
    args = [a for a in (getattr(annotation, "__args__", None) or (annotation,)) if a is not type(None)]
    if args == [bool]:
        return "bool"
    if args in ([int], [float]):
        return "number"
    return None


def _guard_scalars(cls: type[BaseModel], data: Any) -> Any:
    """No lax coercion where it would hide a typo: `households: yes` is not 1, and
    `is_major_decision: 1` or `"no"` is not a boolean (YAML's true/false, yes/no are)."""
    if not isinstance(data, dict):
        return data
    for name, info in cls.model_fields.items():
        value = data.get(name)
        if value is None:
            continue
        kind = _scalar_kind(info.annotation)
        if kind == "number" and isinstance(value, bool):
            raise PydanticCustomError("record", "{msg}", {"field": name, "msg": f"expected a number, not {value}"})
        if kind == "bool" and not isinstance(value, bool):
            raise PydanticCustomError("record", "{msg}", {
                "field": name, "msg": f"expected true or false, not {shown(value)}"})
    return data


def _coerce(ftype: Any, value: Any) -> Any:
    """Validate one kind-specific step field against its vocabulary type."""
    if ftype == voc.DATE:
        return _date(value)
    if ftype == voc.TEXT:
        if isinstance(value, (str, int, float)) and not isinstance(value, bool):
            return str(value)
        raise ValueError("expected text")
    if ftype == voc.INT:
        if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
            return value
        raise ValueError("expected a whole number, 0 or more")
    if ftype == voc.NUMBER:
        if isinstance(value, float) and not math.isfinite(value):
            raise ValueError(f"{value} is not a number a record can hold; write a number or leave the field out")
        if isinstance(value, (int, float)) and not isinstance(value, bool) and value >= 0:
            return value
        raise ValueError("expected a number, 0 or more")
    if ftype == voc.BOOL:
        if isinstance(value, bool):
            return value
        raise ValueError("expected true or false")
    tag, allowed = ftype
    if tag == "enum":
        if isinstance(value, str) and value in allowed:
            return value
        raise ValueError(f"{shown(value)} is not one of: {', '.join(allowed)}{suggest(value, allowed)}")
    if not isinstance(value, list):
        raise ValueError("expected a list, e.g. [a, b]")
    for item in value:
        if allowed is not None and not (isinstance(item, str) and item in allowed):
            raise ValueError(f"{shown(item)} is not one of: {', '.join(allowed)}{suggest(item, allowed)}")
        if allowed is None and not isinstance(item, str):
            raise ValueError(f"{shown(item)}: expected text")
    return tuple(value)


class Step(BaseModel):
    """One procedural step. `fields` holds the kind-specific fields, already validated."""

    model_config = ConfigDict(frozen=True)

    kind: str
    written_kind: str
    fields: dict[str, Any] = Field(default_factory=dict)

    @model_validator(mode="before")
    @classmethod
    def _resolve(cls, data: Any, info: ValidationInfo) -> Any:
        if isinstance(data, Step):
            return data
        if not isinstance(data, dict):
            raise PydanticCustomError("step", "a step must be a mapping such as {kind: decision, date: 2025-04-25}")
        scope = (info.context or {}).get("step_scope", "expropriation_decision")
        kinds = voc.KINDS_BY_TYPE[scope]
        if "kind" not in data:
            raise PydanticCustomError("step", "the step has no `kind`")
        written = data["kind"]
        if not isinstance(written, str):
            raise PydanticCustomError("step", "{msg}", {"field": "kind", "msg": (
                f"`kind` must be the name of a step kind such as decision, not {shown(written)}")})
        try:
            name = voc.resolve_kind(scope, written)
        except voc.KindError as e:
            raise PydanticCustomError("step", "{msg}", {"field": "kind", "msg": str(e)}) from None
        allowed = kinds[name].all_fields
        unknown = [key for key in data if key != "kind" and key not in allowed]
        if unknown:
            key = unknown[0]
            more = f" (and {len(unknown) - 1} more unknown field{'s' if len(unknown) > 2 else ''})" \
                if len(unknown) > 1 else ""
            raise PydanticCustomError("step", "{msg}", {
                "field": key, "msg": f"unknown field {shown(key)} for step kind '{name}'{suggest(key, allowed)}{more}"})
        values: dict[str, Any] = {}
        for key, value in data.items():
            if key == "kind":
                continue
            if value is None:
                continue
            try:
                values[key] = _coerce(allowed[key], value)
                if key == "doc":
                    values[key] = normalise_doc(values[key])
            except (ValueError, PydanticCustomError) as e:
                msg = e.message() if isinstance(e, PydanticCustomError) else str(e)
                raise PydanticCustomError("step", "{msg}", {"field": key, "msg": msg}) from None
        start, end = values.get("start"), values.get("end")
        if start and end and end.last < start.first:
            raise PydanticCustomError("step", "{msg}", {
                "field": "end", "msg": f"the period ends ({end}) before it starts ({start}); fix start or end"})
        return {"kind": name, "written_kind": str(written), "fields": values}

    def get(self, name: str, default: Any = None) -> Any:
        return self.fields.get(name, default)

    def planned(self, as_of: dt.date) -> bool:
        """Dated after as-of: planned, not done (decision-record.md)."""
        dates = [v for k, v in self.fields.items() if k in ("date", "start") and isinstance(v, RecordDate)]
        return bool(dates) and min(d.first for d in dates) > as_of


class HouseholdEntry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    compensation_decision: str | None = None
    residential: bool | None = None
    housing_security_eligible: bool | None = None
    business_use: bool | None = None
    choice: Literal["monetary", "property_swap"] | None = None
    owner_unclear: bool | None = None
    onsite_swap_requested: bool | None = None
    steps: list[Step] = Field(default_factory=list)

    @model_validator(mode="before")
    @classmethod
    def _scalars(cls, data: Any) -> Any:
        return _guard_scalars(cls, data)


class Record(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    format: str
    id: str = Field(min_length=1)
    type: Literal["expropriation_decision", "compensation_decision", "major_matter"]
    title: str
    jurisdiction: str = "national"
    issuer: Issuer
    department: Department | None = None
    implementing_unit: ImplementingUnit | None = None
    public_interest: Literal["defense_foreign_affairs", "infrastructure", "public_utilities",
                             "affordable_housing", "old_city_reconstruction", "other_statutory"] | None = None
    public_interest_evidence: str | None = None
    dilapidation_evidence: str | None = None
    households: int | None = Field(default=None, ge=0)
    objecting_households: int | None = Field(default=None, ge=0)
    unregistered_buildings: int | None = Field(default=None, ge=0)
    is_major_decision: bool | None = None
    decision_catalog_doc: DocText | None = None
    undertaking_unit: str | None = None
    technical_matter: bool | None = None
    category: Literal["important_decision", "major_project", "large_expenditure", "other"] | None = None
    amount_cny: float | None = Field(default=None, ge=0)
    parent: str | None = None
    expropriation_decision: ParentDecision | None = None
    household: str | None = None
    signing_end: RDate | None = None
    owner_unclear: bool | None = None
    relocation_deadline: RDate | None = None
    residential: bool | None = None
    housing_security_eligible: bool | None = None
    business_use: bool | None = None
    choice: Literal["monetary", "property_swap"] | None = None
    onsite_swap_requested: bool | None = None
    demolition_permit_date: RDate | None = None
    steps: list[Step]
    household_entries: list[HouseholdEntry] = Field(default_factory=list)
    waivers: list[Waiver] = Field(default_factory=list)
    rectifications: list[Rectification] = Field(default_factory=list)

    @model_validator(mode="before")
    @classmethod
    def _check_format_and_type(cls, data: Any, info: ValidationInfo) -> Any:
        if not isinstance(data, dict):
            raise PydanticCustomError("record", "a decision record must be a mapping of fields")
        fmt = data.get("format")
        if fmt != FORMAT:
            raise PydanticCustomError("record", "{msg}", {"field": "format", "msg": _format_message(fmt)})
        _guard_scalars(cls, data)
        if info.context is not None and isinstance(data.get("type"), str) and data["type"] in voc.RECORD_TYPES:
            info.context["step_scope"] = data["type"]
        return data

    @model_validator(mode="after")
    def _check_type_fields(self) -> "Record":
        required = {
            "expropriation_decision": ("department", "public_interest", "households"),
            "compensation_decision": ("parent", "household"),
            "major_matter": ("category",),
        }[self.type]
        for name in required:
            if getattr(self, name) is None:
                raise PydanticCustomError("record", "{msg}", {
                    "field": name, "msg": f"`{name}` is required for a {self.type} record"})
        if self.type != "expropriation_decision" and self.household_entries:
            raise PydanticCustomError("record", "{msg}", {
                "field": "household_entries", "msg": "household_entries belong to an expropriation_decision record"})
        if (self.households is not None and self.objecting_households is not None
                and self.objecting_households > self.households):
            raise PydanticCustomError("record", "{msg}", {
                "field": "objecting_households",
                "msg": f"{self.objecting_households} objecting households exceed the {self.households} households in scope"})
        return self

    def steps_of(self, kind: str) -> list[Step]:
        return [s for s in self.steps if s.kind == kind]


def _format_message(fmt: Any) -> str:
    if fmt is None:
        return f"missing `format: {FORMAT}` at the top of the file"
    m = re.fullmatch(r"decision-record/(\d+)(?:\.\d+)*", fmt.strip()) if isinstance(fmt, str) else None
    if m and int(m.group(1)) > 1:
        return (f"this file is {fmt}, a newer format than this tool reads ({FORMAT}); "
                "update the tool, or write the record in version 1")
    return f"unsupported format {shown(fmt)}: this tool reads `format: {FORMAT}`{suggest(fmt, [FORMAT])}"


def validate_record(data: Any) -> Record:
    """Validate raw YAML/JSON data; household steps use the household vocabulary."""
    if isinstance(data, dict) and isinstance(data.get("household_entries"), list):
        # Household entries have their own step vocabulary, so validate them first.
        validated = []
        for i, entry in enumerate(data["household_entries"]):
            try:
                validated.append(HouseholdEntry.model_validate(entry, context={"step_scope": "household"}))
            except ValidationError as e:
                raise NestedValidationError(("household_entries", i), e) from None
        data = {**data, "household_entries": validated}
    return Record.model_validate(data, context={})


class NestedValidationError(Exception):
    """A ValidationError from a part validated on its own, with that part's location."""

    def __init__(self, prefix: tuple, error: ValidationError):
        super().__init__(str(error))
        self.prefix = prefix
        self.error = error


def normalised_dates(record: Record) -> list[str]:
    """Where a date or a document number was written in another spelling (2025年3月1日,
    full-width digits, 卫政[2025]12号), say what it was read as, with its place."""
    notes: list[str] = []

    def visit(value: Any, where: str) -> None:
        from .i18n import Bilingual
        if (isinstance(value, RecordDate) and value.form != "iso") or \
                (isinstance(value, DocNumber) and value.written != str(value)):
            notes.append(Bilingual(f"「{value.written}」读作 {value}（{where}）", f"{where}: {value.written} → {value}"))

    def walk_model(model: BaseModel, prefix: str) -> None:
        for name in type(model).model_fields:
            value = getattr(model, name)
            where = f"{prefix}.{name}" if prefix else name
            if isinstance(value, Step):
                continue
            if isinstance(value, BaseModel):
                walk_model(value, where)
            elif isinstance(value, list):
                for i, item in enumerate(value):
                    if isinstance(item, Step):
                        for key, field_value in item.fields.items():
                            visit(field_value, f"{where}[{i}].{key}")
                    elif isinstance(item, BaseModel):
                        walk_model(item, f"{where}[{i}]")
            else:
                visit(value, where)

    walk_model(record, "")
    return notes


# ----------------------------------------------------------------- the record's fields, as rules see them
_NOT_FOR_RULES = {"format", "id", "title", "steps", "household_entries", "waivers", "rectifications"}


def _plain_annotation(annotation: Any) -> Any:
    """Optional[X] and Annotated[X, ...] -> X."""
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin in (typing.Union, types.UnionType):
        inner = [a for a in args if a is not type(None)]
        return _plain_annotation(inner[0]) if len(inner) == 1 else annotation
    if origin is Annotated:
        return _plain_annotation(args[0])
    return annotation


def _rule_type(annotation: Any) -> Any:
    if annotation is RecordDate:
        return voc.DATE
    if annotation is bool:
        return voc.BOOL
    if annotation is int:
        return voc.INT
    if annotation is float:
        return voc.NUMBER
    if typing.get_origin(annotation) is Literal:
        return voc.enum(*typing.get_args(annotation))
    return voc.TEXT


def record_field_types(model: type[BaseModel] | None = None, prefix: str = "") -> dict[str, Any]:
    """Every field of the record a rule may test (`record.issuer.level`), with its type: taken
    from the record model itself, so the rules and the format never disagree."""
    out: dict[str, Any] = {}
    for name, info in (model or Record).model_fields.items():
        if not prefix and name in _NOT_FOR_RULES:
            continue
        annotation = _plain_annotation(info.annotation)
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            out.update(record_field_types(annotation, f"{prefix}{name}."))
        else:
            out[prefix + name] = _rule_type(annotation)
    return out
