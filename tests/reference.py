"""A plain, obviously correct evaluation of the rule files, used only to test the engine.

It reads the same rule models and the same facts as the engine, and decides each
condition with ordinary Python and Kleene three-valued logic (True / None / False).
"""
from __future__ import annotations

import re

from compliance.engine.compile import when_check
from compliance.facts import period_prop, prop
from compliance.vocabulary import HOUSEHOLD_KIND_NAMES
from compliance.rulebook import DATE_OPS, NUMBER_OPS, Check, Condition, Rule

OPS = {**DATE_OPS, **NUMBER_OPS}
RANK = {"violated": 3, "not_evaluable": 2, "satisfied": 1, "not_applicable": 0}


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


def _ref_interval(cond: Condition, anchor: dict, rec: dict, params: dict):
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
    name = period_prop(ref.field, ref.period) if ref.period else prop(ref.field)
    lo, hi = source[name + "_lo"], source[name + "_hi"]
    if ref.factor is not None:
        lo, hi = lo * ref.factor, hi * ref.factor
    return lo, hi


def cond_value(cond: Condition, w: dict, anchor: dict, rec: dict, params: dict):
    f = period_prop(cond.field, cond.shift) if cond.shift else prop(cond.field)
    if cond.op in OPS:
        op = OPS[cond.op]
        r_lo, r_hi = _ref_interval(cond, anchor, rec, params)
        w_lo, w_hi = w[f + "_lo"], w[f + "_hi"]
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


def check_results(check: Check, facts: list[dict], households: dict | None = None, household=None) -> str:
    rec = next(f for f in facts if f["t"] == "rec")
    steps = [f for f in facts if f["t"] == "step"]
    params = {f["name"]: f for f in facts if f["t"] == "param"}
    now = next(f for f in facts if f["t"] == "now")
    households = households or {}
    if check.each == "record":
        anchors = [rec] if household is None else []
    else:
        anchors = [s for s in steps if s["kind"] == check.each and households.get(s["id"]) == household
                   and all(cond_value(c, s, s, rec, params) is True for c in check.anchor_filter)]
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
            values += [k_and(cond_value(c, w, a, rec, params) for c in branch.conditions) for w in candidates]
        best = k_best(values)
        due_state = "none"
        if check.due:
            ref = check.due_ref
            name = period_prop(ref.field, ref.period)
            if now["day_lo"] > a[name + "_hi"]:
                due_state = "passed"
            elif now["day_hi"] > a[name + "_lo"]:
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


def rule_result(rule: Rule, facts: list[dict], households: dict | None = None, household=None) -> str:
    """The rule's result for the record (household None) or for one household's own steps."""
    record_type = next(f for f in facts if f["t"] == "rec")["type"]
    when = check_results(when_check(rule), facts)
    if when not in ("satisfied", "not_evaluable"):
        return "not_applicable"
    def gated(c):
        result = check_results(c, facts, households, household)
        if not c.when:
            return result
        cond = check_results(Check(each="record", need="same", where=c.when), facts)
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
