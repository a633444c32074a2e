"""A plain, obviously correct evaluation of the rule files, used only to test the engine.

It reads the same rule models and the facts' plain values (dates as day intervals), and
decides each condition with ordinary Python and Kleene three-valued logic (True / None /
False). It shares no arithmetic with the product: its own operator table, and its own
period ends computed from the base dates with a literal holiday table (the State Council
notices for 2024-2026), so a wrong period end or a wrong operator in the product shows up
as a mismatch.
"""
from __future__ import annotations

import calendar
import datetime as dt
import re

from compliance.engine.compile import when_check
from compliance.facts import prop
from compliance.vocabulary import HOUSEHOLD_KIND_NAMES
from compliance.rule_model import Check, Condition, Rule

OPS = {"not_after": "<=", "before": "<", "not_before": ">=", "after": ">",
       "at_most": "<=", "less_than": "<", "at_least": ">=", "more_than": ">"}
RANK = {"violated": 3, "not_evaluable": 2, "satisfied": 1, "not_applicable": 0}
DAY_MIN, DAY_MAX = 0, 10_000_000
BOUND_LOW = dt.date(1900, 1, 1).toordinal()     # how the facts write "on or before" (no lower end)

# 国务院办公厅关于部分节假日安排的通知, 2024-2026: weekdays off, and weekend days worked (调休).
HOLIDAYS = {
    2024: ("01-01 02-12 02-13 02-14 02-15 02-16 04-04 04-05 05-01 05-02 05-03 06-10 09-16 09-17 "
           "10-01 10-02 10-03 10-04 10-07", "02-04 02-18 04-07 04-28 05-11 09-14 09-29 10-12"),
    2025: ("01-01 01-28 01-29 01-30 01-31 02-03 02-04 04-04 05-01 05-02 05-05 06-02 10-01 10-02 10-03 "
           "10-06 10-07 10-08", "01-26 02-08 04-27 09-28 10-11"),
    2026: ("01-01 01-02 02-16 02-17 02-18 02-19 02-20 02-23 04-06 05-01 05-04 05-05 06-19 09-25 10-01 "
           "10-02 10-05 10-06 10-07", "01-04 02-14 02-28 05-09 09-20 10-10"),
}


class Uncovered(Exception):
    pass


def workday(day: dt.date) -> bool:
    if day.year not in HOLIDAYS:
        raise Uncovered(day.year)
    off, worked = HOLIDAYS[day.year]
    md = day.strftime("%m-%d")
    return md in worked.split() or (day.weekday() < 5 and md not in off.split())


def period_end(start: dt.date, amount: int, unit: str, include_start: bool, rollover: bool) -> dt.date:
    """The last day of a period, as a court counts it (written out again, on purpose)."""
    if unit == "working_days":
        day, n = start, (1 if include_start and workday(start) else 0)
        while n < amount:
            day += dt.timedelta(days=1)
            n += workday(day)
        return day
    if unit == "days":
        end = start + dt.timedelta(days=amount - include_start)
    else:
        months = amount * (12 if unit == "years" else 1)
        year, month = start.year + (start.month - 1 + months) // 12, (start.month - 1 + months) % 12 + 1
        end = dt.date(year, month, min(start.day, calendar.monthrange(year, month)[1])) - dt.timedelta(days=include_start)
    while rollover and not workday(end):
        end += dt.timedelta(days=1)
    return end


def shifted(source: dict, field: str, periods, params: dict, counting: str) -> tuple[int, int]:
    """The [lo, hi] of a date field plus periods, from the field's own interval."""
    name = prop(field)
    if source[name + "_known"] != 1:
        return DAY_MIN, DAY_MAX
    lo, hi = source[name + "_lo"], source[name + "_hi"]

    def end(day_ordinal: int) -> int | None:
        day = dt.date.fromordinal(day_ordinal)
        for spec in periods:
            amount = spec.amount
            if spec.param:
                p = params[spec.param]
                if p["lo"] != p["hi"]:
                    return None
                amount = int(p["lo"])
            day = period_end(day, amount, spec.unit, counting == "include_start_day", spec.rollover)
        return day.toordinal()
    try:
        top = end(hi)
        if lo == BOUND_LOW:
            return (DAY_MIN, top) if top is not None else (DAY_MIN, DAY_MAX)
        bottom = end(lo)
    except Uncovered:
        return DAY_MIN, DAY_MAX
    return (DAY_MIN, DAY_MAX) if bottom is None or top is None else (bottom, top)


def k_and(values):
    values = list(values)
    if any(v is False for v in values):
        return False
    if all(v is True for v in values):
        return True
    return None


def k_best(values):
    values = list(values)
    if any(v is True for v in values):
        return True
    if any(v is None for v in values):
        return None
    return False


def _ref_interval(cond: Condition, anchor: dict, rec: dict, params: dict, counting: str):
    ref = cond.ref
    if ref.kind == "literal":
        v = ref.value.toordinal() if hasattr(ref.value, "toordinal") else ref.value
        return v, v
    if ref.kind == "param":
        p = params[ref.field]
        return p["lo"], p["hi"]
    source = anchor if ref.alias != "record" else rec
    if ref.alias == "record" and anchor.get("t") == "rec":
        source = anchor
    if ref.period:
        lo, hi = shifted(source, ref.field, ref.period, params, counting)
    else:
        lo, hi = source[prop(ref.field) + "_lo"], source[prop(ref.field) + "_hi"]
    if ref.factor is not None:
        lo, hi = lo * ref.factor, hi * ref.factor
    return lo, hi


def cond_value(cond: Condition, w: dict, anchor: dict, rec: dict, params: dict,
               counting: str = "exclude_start_day"):
    f = prop(cond.field)
    if cond.op in OPS:
        op = OPS[cond.op]
        r_lo, r_hi = _ref_interval(cond, anchor, rec, params, counting)
        w_lo, w_hi = shifted(w, cond.field, cond.shift, params, counting) if cond.shift else (w[f + "_lo"], w[f + "_hi"])
        sure = {"<=": w_hi <= r_lo, "<": w_hi < r_lo, ">=": w_lo >= r_hi, ">": w_lo > r_hi}[op]
        poss = {"<=": w_lo <= r_hi, "<": w_lo < r_hi, ">=": w_hi >= r_lo, ">": w_hi > r_lo}[op]
        return True if sure else (None if poss else False)
    known = w[f + "_known"] == 1
    value = cond.ref.value
    if cond.op == "has":
        return True if known == bool(value) else None
    if not known:
        return None
    if cond.op == "is":
        return w[f] == value
    if cond.op == "in":
        return w[f] in value
    if cond.op == "contains":
        return value in w[f]
    if cond.op == "contains_all":
        return all(v in w[f] for v in value)
    if cond.op == "lacks":
        return value not in w[f]
    if cond.op == "matches":
        return re.fullmatch(value.replace("%", "\\"), w[f]) is not None
    if cond.op == "same_as":
        source = anchor if cond.ref.alias != "record" else rec
        other = prop(cond.ref.field)
        if source[other + "_known"] != 1:
            return None
        return w[f] == source[other]
    raise AssertionError(cond.op)


def check_results(check: Check, facts: list[dict], households: dict | None = None, household=None,
                  counting: str = "exclude_start_day") -> str:
    rec = next(f for f in facts if f["t"] == "rec")
    steps = [f for f in facts if f["t"] == "step"]
    params = {f["name"]: f for f in facts if f["t"] == "param"}
    now = next(f for f in facts if f["t"] == "now")
    households = households or {}
    if check.each == "record":
        anchors = [rec] if household is None else []
    else:
        anchors = [s for s in steps if s["kind"] == check.each and households.get(s["id"]) == household
                   and all(cond_value(c, s, s, rec, params, counting) is True for c in check.anchor_filter)]
    if check.forbidden:
        return "violated" if anchors else "not_applicable"
    results = []
    for a in anchors:
        values, any_witness = [], False
        for branch in check.branches:
            candidates = [a] if branch.kinds == ("same",) else [s for s in steps if s["kind"] in branch.kinds]
            if check.each in HOUSEHOLD_KIND_NAMES and set(branch.kinds) <= HOUSEHOLD_KIND_NAMES:
                candidates = [s for s in candidates if s["household"] == a["household"]]
            any_witness = any_witness or bool(candidates)
            values += [k_and(cond_value(c, w, a, rec, params, counting) for c in branch.conditions) for w in candidates]
        best = k_best(values)
        due_state = "none"
        if check.due:
            ref = check.due_ref
            due_lo, due_hi = shifted(a, ref.field, ref.period, params, counting)
            if now["day_lo"] > due_hi:
                due_state = "passed"
            elif now["day_hi"] > due_lo:
                due_state = "maybe"
            else:
                due_state = "not_yet"
        if best is True:
            results.append("satisfied")
        elif best is None:
            results.append("not_applicable" if due_state == "not_yet" else "not_evaluable")
        elif check.missing == "not_applicable" and not any_witness and "same" not in check.need_kinds:
            results.append("not_applicable")
        elif due_state == "not_yet":
            results.append("not_applicable")
        elif due_state == "maybe":
            results.append("not_evaluable")
        else:
            results.append("violated")
    return max(results, key=RANK.__getitem__) if results else "not_applicable"


def rule_result(rule: Rule, facts: list[dict], households: dict | None = None, household=None,
                counting: str = "exclude_start_day") -> str:
    """The rule's result for the record (household None) or for one household's own steps."""
    record_type = next(f for f in facts if f["t"] == "rec")["type"]
    when = check_results(when_check(rule), facts, counting=counting)
    if when not in ("satisfied", "not_evaluable"):
        return "not_applicable"
    def gated(c):
        result = check_results(c, facts, households, household, counting)
        if not c.when:
            return result
        cond = check_results(Check(each="record", need="same", where=c.when), facts, counting=counting)
        if cond in ("violated", "not_applicable"):
            return "not_applicable"
        if cond == "not_evaluable" and result == "violated":
            return "not_evaluable"
        return result
    result = max((gated(c) for c in rule.checks if c.applies_to_type(record_type)),
                 key=RANK.__getitem__, default="not_applicable")
    if result == "violated" and when == "not_evaluable":
        return "not_evaluable"
    return result
