"""Which part of a legality-review opinion a rule belongs to: 主体与权限, 程序 or 内容.

A table, not logic: keyed by rule id. A rule not listed is procedural (程序), which is what
most rules check (presence, order and timing of steps). tests/test_opinion_docx.py fails
when a key names no rule, so the table follows renamed or removed rules.
"""
from __future__ import annotations

AUTHORITY, PROCEDURE, CONTENT = "authority", "procedure", "content"
PARTS = (AUTHORITY, PROCEDURE, CONTENT)

# Who decides, who acts for whom, which body reviews or hears the case.
_AUTHORITY = (
    "D590-04-DECIDER",       # decider: city or county government
    "D590-04-DEPT",          # expropriation department designated by that government
    "D590-05-AGENT",         # implementing unit: written entrustment, non-profit
    "D590-19-QUALIFIED",     # appraisal agency's qualification
    "D590-25-AGMT-PARTY",    # who signs the compensation agreement
    "D590-26-BODY",          # who makes the compensation decision
    "D590-28-APPLICANT",     # who applies for court enforcement
    "ARL-24-BODY",           # administrative review body named to the owners
    "ALL-15-COURT",          # court named to the owners
    "SPC12-01-COURT",        # court applied to for enforcement
    "D713-11-LEAD",          # the decision's undertaking unit
    "EVAL-03-RECUSAL",       # appraisers with an interest step aside
)

# What a document or a plan must say (rather than when a step happens).
_CONTENT = (
    "D590-08-PUBLIC-INTEREST", "D590-08-OLDCITY", "D590-09-PLANS", "XX-SPECIAL-PLAN",
    "D590-13-CONTENT", "D590-13-PLAN-FINAL",
    "D590-16-FREEZE-1Y", "D590-16-NO-COMP",
    "D590-17-ITEMS", "D590-17-REWARD", "D590-18-HOUSING", "D590-19-VALUE-DATE", "EVAL-10-DATE",
    "D590-21-CHOICE", "D590-21-ONSITE", "D590-22-FEES", "D590-23-BUSINESS",
    "D590-25-AGMT-CONTENT", "D590-26-CONTENT", "D590-26-RIGHTS", "D590-26-SIGN-PERIOD",
    "D590-28-ATTACH", "SPC12-02-MATERIALS", "SPC12-02-SIGNED", "AEL-35-REMIND-CONTENT",
    "D713-17-HEARING-RECORD", "D713-29-PACKAGE", "D713-30-MINUTES", "EVAL-17-SIGN",
    "XX-150",
)

PART_OF: dict[str, str] = {**{rid: AUTHORITY for rid in _AUTHORITY}, **{rid: CONTENT for rid in _CONTENT}}


def part_of(rule_id: str) -> str:
    return PART_OF.get(rule_id, PROCEDURE)
