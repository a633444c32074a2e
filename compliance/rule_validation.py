"""Checks that every kind, field, operator and reference a rule names exists for the record
types it applies to (the vocabulary). Used when rules are loaded and by `rules lint`."""
from __future__ import annotations

import datetime as dt
from typing import Any

from . import vocabulary as voc
from .rule_model import (DATE_OPS, DATE_PARAMETERS, DERIVED_COMMON_FIELDS, DERIVED_STEP_FIELDS, NUMBER_OPS,
                         PARAMETERS, RECORD_FIELDS, Condition, Rule, conditions)


def field_type(scope: str, kind: str, field: str) -> Any:
    if kind == "record":
        return RECORD_FIELDS.get(field)
    kinds = voc.rule_kinds(scope)
    if kind not in kinds:
        return None
    return {**kinds[kind].all_fields, **DERIVED_STEP_FIELDS.get(kind, {}), **DERIVED_COMMON_FIELDS}.get(field)


def validate_against_vocabulary(rule: Rule) -> None:
    """Every kind, field and reference a rule names must exist for each record type it applies to."""
    for scope in rule.applies_to:
        kinds = voc.rule_kinds(scope)

        def need_kind(kind: str, what: str) -> None:
            if kind != "record" and kind not in kinds:
                raise ValueError(f"{what} {kind!r} is not a step kind of {scope}")

        def check_condition(cond: Condition, subject: str, anchor: str) -> None:
            ftype = field_type(scope, subject, cond.field)
            if ftype is None:
                raise ValueError(f"{subject!r} has no field {cond.field!r} (in {scope})")
            if cond.shift and ftype != voc.DATE:
                raise ValueError(f"{subject}.{cond.field}: a period can only be added to a date")
            for spec in cond.shift + (cond.ref.period if cond.ref.kind == "field" else ()):
                if spec.param and spec.param not in PARAMETERS:
                    raise ValueError(f"unknown parameter {spec.param!r} in a period")
            if cond.op in DATE_OPS and ftype != voc.DATE:
                raise ValueError(f"{cond.op} compares dates; {subject}.{cond.field} is not a date")
            if cond.op in NUMBER_OPS and ftype not in (voc.INT, voc.NUMBER):
                raise ValueError(f"{cond.op} compares numbers; {subject}.{cond.field} is not a number")
            if cond.op in ("contains", "contains_all", "lacks") and not (isinstance(ftype, tuple) and ftype[0] == "list"):
                raise ValueError(f"{cond.op} needs a list field; {subject}.{cond.field} is not a list")
            ref = cond.ref
            if ref.kind == "param" and ref.field not in PARAMETERS + DATE_PARAMETERS:
                raise ValueError(f"unknown parameter {ref.field!r}; known: {', '.join(PARAMETERS)}")
            if ref.kind == "field":
                if ref.alias not in ("record", anchor):
                    raise ValueError(f"{ref} may only refer to the anchor ({anchor}) or the record")
                rtype = field_type(scope, ref.alias, ref.field)
                if rtype is None:
                    raise ValueError(f"{ref.alias!r} has no field {ref.field!r} (in {scope})")
                if ref.period and rtype != voc.DATE:
                    raise ValueError(f"{ref}: a period can only be added to a date")
            if cond.op == "matches" and ftype not in (voc.TEXT,) and not (isinstance(ftype, tuple) and ftype[0] == "enum"):
                raise ValueError(f"matches needs a text field; {subject}.{cond.field} is not text")
            if cond.op in ("is", "in", "same_as") and ftype in (voc.DATE, voc.INT, voc.NUMBER):
                # dates and numbers are intervals in the facts ([lo, hi]); equality has no property to read
                raise ValueError(f"{cond.op} compares text, yes/no and choices; the {subject} field {cond.field!r} "
                                 f"is a {'date' if ftype == voc.DATE else 'number'}: use not_before and not_after "
                                 "(or at_least and at_most) with the same value")
            if cond.op == "same_as" and ref.kind == "field" and \
                    field_type(scope, ref.alias, ref.field) in (voc.DATE, voc.INT, voc.NUMBER):
                raise ValueError(f"same_as compares text, yes/no and choices; {str(ref)!r} is a date or a number")
            if cond.op in DATE_OPS and ref.kind == "literal" and not isinstance(ref.value, dt.date):
                raise ValueError(f"{cond.field} {cond.op}: compare with a field such as decision.date "
                                 "or a day written YYYY-MM-DD")

        for cond in rule.when_conditions:
            check_condition(cond, "record", "record")
        for check in rule.checks:
            if not check.applies_to_type(scope):
                continue
            if check.each == "record" and check.each_where:
                raise ValueError("each_where filters steps; for conditions on the record use `when`")
            need_kind(check.each, "each:")
            for cond in conditions(check.when):
                check_condition(cond, "record", "record")
            for cond in check.anchor_filter:
                if cond.ref.kind != "literal":
                    raise ValueError("each_where compares with literal values only")
                check_condition(cond, check.each, check.each)
            for branch in check.branches:
                for kind in branch.kinds:
                    if kind == "same":
                        if len(branch.kinds) > 1:
                            raise ValueError("`need: same` cannot be combined with other kinds")
                        subject = check.each
                    elif kind == "record":
                        raise ValueError("use `each: record` with `need: same` to test the record's own fields")
                    else:
                        need_kind(kind, "need:")
                        subject = kind
                    for cond in branch.conditions:
                        check_condition(cond, subject, check.each)
            if check.due:
                ref = check.due_ref
                if field_type(scope, check.each, ref.field) != voc.DATE:
                    raise ValueError(f"due: {ref.alias}.{ref.field} is not a date")
