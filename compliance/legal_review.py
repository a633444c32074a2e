"""The sign-off sheet for the legal advisor (docs/legal-review.md), generated from the rule
files so that it never drifts: every interpretation choice (each rule's `note`), every
assumption (start dates, derived defaults, the stage table), every unverified rule and what
would verify it."""
from __future__ import annotations

from . import derived
from .rule_model import Rule
from .rulebook import Rulebook

# Principles applied to every record; each is documented in docs/decision-record.md ("How
# rules read a record"). The field-level readings come from compliance/derived.py.
DERIVED_READINGS = (
    ("Later steps prove earlier stages",
     "A stage whose own step is absent (or undated) but which a later step proves is taken as "
     "reached, its date unknown but not after the earliest proving step (table below). Its "
     "step has `on_record: false`; a rule that needs the step itself on record says so."),
    ("Before the decision",
     "Steps required before the matter is decided (risk assessment, legal consultation, "
     "investigation, public opinion) are checked against each 党组 meeting, 常务会议 and "
     "decision on record, so they must precede the first of them."),
    ("Undated decision",
     "An undated decision that a later step proves is judged, for a rule's start date, as made "
     "on the day of the earliest proving step."),
    ("Rest days",
     "A period given to someone to act ends on the next working day when its last day is a "
     "rest day (调休 days are working days); a maximum that limits the administration and a "
     "lead time (`no_rollover` in a rule) keep their calendar last day."),
    ("Unknown start dates",
     "A rule whose start date no source gives (`effective: {from: unknown}`) applies to every "
     "record; its findings say so. For the internal procedure a profile may name the adoption "
     "date (`internal_procedure_adopted`)."),
)


def _cell(text: str | None) -> str:
    return " ".join((text or "").split()).replace("|", "\\|")


def _rule_line(rule: Rule) -> str:
    return f"**{rule.id}** ({rule.label}; {rule.basis('zh')})"


def render(book: Rulebook) -> str:
    rules = sorted(book.rules, key=lambda r: r.id)
    out = ["# Legal review of the rule base", "",
           "Generated from the rule files by `compliance rules review`; do not edit by hand "
           "(a test compares this file with the rules). A legal advisor signs off the rule "
           "base by reviewing each section below.", "",
           f"{len(rules)} rules, {sum(1 for r in rules if not r.verified)} of them unverified.", "",
           "## 1. Readings applied to every record", ""]
    out += [f"- **{title}.** {text}" for title, text in DERIVED_READINGS]
    out += ["", "### Fields the tool reads into a record (compliance/derived.py)", "",
            "| step | field | reading |", "|---|---|---|"]
    for reading in derived.READINGS:
        out.append(f"| {', '.join(reading.kinds)} | {reading.field} ({reading.mode}) | {_cell(reading.meaning)} |")
    for (record_type, kind), (alias, meaning) in derived.KIND_ALIASES.items():
        out.append(f"| {kind} ({record_type}) | counts as {alias} | {_cell(meaning)} |")
    for name, (_, meaning) in derived.HOUSEHOLD_READINGS.items():
        out.append(f"| household | {name} | {_cell(meaning)} |")
    for kind, name, _, meaning in derived.COMPUTED_FIELDS:
        out.append(f"| {'every step' if kind == '*' else kind} | {name} | {_cell(meaning)} |")
    out += ["", "### Stages proven by later steps (rules/_stages.yaml)", "",
            "| record type | stage | proven by | why |", "|---|---|---|---|"]
    for record_type in ("expropriation_decision", "compensation_decision", "major_matter"):
        for stage, spec in book.stages.for_type(record_type).items():
            out.append(f"| {record_type} | {stage} | {', '.join(spec.proven_by)} | {_cell(spec.why)} |")
    out += ["", "## 2. Start dates", "", "| rule | in force from | to |", "|---|---|---|"]
    for rule in rules:
        start = rule.effective.start_text()
        if not rule.effective.start_known:
            start = "unknown (applies to every record" + (
                f"; profile `{rule.effective.set_by}` may name it)" if rule.effective.set_by else ")")
        out.append(f"| {rule.id} | {start} | {rule.effective.to or ''} |")
    out += ["", "## 3. Unverified rules and what would verify them", ""]
    for rule in rules:
        if not rule.verified:
            out.append(f"- {_rule_line(rule)}: {_cell(rule.verification_text('zh')) or '原文未核读'}")
    out += ["", "## 4. Interpretation choices (each rule's note)", ""]
    for rule in rules:
        if rule.note:
            out.append(f"- {_rule_line(rule)}: {_cell(rule.note_text('zh'))}")
    out += ["", "## 5. Rules that record data cannot check", ""]
    for rule in rules:
        if rule.informational:
            out.append(f"- {_rule_line(rule)}: {_cell(rule.informational_text('zh'))}")
    out += ["", "## Sign-off", "", "法律顾问：＿＿＿＿＿＿　　日期：＿＿＿＿＿＿", ""]
    return "\n".join(out)
