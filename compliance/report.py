"""The check pipeline for a set of files, and the report model every format renders.

load → validate → facts → engine → findings. Each input file appears in the report,
checked or as an error with its reason; nothing is dropped.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from . import __version__, i18n
from .errors import EngineError, InputError
from .evaluate import NOT_EVALUABLE, SATISFIED, VIOLATED, Evaluator
from .findings import Finding, apply_waivers, make_finding
from .profiles import Profile, load_profile
from .records import LoadedRecord, load_record
from . import rectification, severity, waivers
from .vocabulary import HOUSEHOLD_KIND_NAMES


@dataclass
class RecordReport:
    file: str
    id: str | None = None
    type: str | None = None
    title: str | None = None
    profile: str | None = None
    findings: list[Finding] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    error: InputError | None = None
    rectifications: list[dict] = field(default_factory=list)   # the record's entries with their state
    satisfied_rules: list[str] = field(default_factory=list)   # rules that held (the audit summary counts them)

    @property
    def status(self) -> str:
        if self.error is not None:
            return "error"
        if any(f.result == VIOLATED for f in self.findings):
            return "fail"
        if any(f.result == NOT_EVALUABLE for f in self.findings):
            return "incomplete"
        return "pass"

    def count(self, result: str, severity: str | None = None) -> int:
        return sum(1 for f in self.findings if f.result == result and (severity is None or f.severity == severity))


@dataclass
class Report:
    as_of: dt.date
    lang: str
    records: list[RecordReport]
    tool_version: str = __version__

    def summary(self) -> dict[str, int]:
        out = {"records": len(self.records), "pass": 0, "incomplete": 0, "fail": 0, "error": 0}
        for r in self.records:
            out[r.status] += 1
        return out

    def exit_code(self, fail_on: str) -> int:
        return severity.exit_code((f.severity for r in self.records for f in r.findings if f.result == VIOLATED),
                                  fail_on, input_errors=any(r.error for r in self.records))


class Checker:
    """Checks record files against a rulebook; never shared between processes (the engine is not)."""

    def __init__(self, evaluator: Evaluator):
        self.evaluator = evaluator
        self._profiles: dict[str, Profile] = {}
        self._household_rules: dict[str, bool] = {}     # record type -> whether a rule reads households

    def _checks_households(self, record_type: str) -> bool:
        if record_type not in self._household_rules:
            self._household_rules[record_type] = any(
                k in HOUSEHOLD_KIND_NAMES for r in self.evaluator.rulebook.for_type(record_type)
                for c in r.checks for k in (c.each, *c.need_kinds))
        return self._household_rules[record_type]

    def profile(self, name: str) -> Profile:
        if name not in self._profiles:
            self._profiles[name] = load_profile(name)
        return self._profiles[name]

    def check_file(self, path: Path, as_of: dt.date, lang: str, profile: str | None = None,
                   include_all: bool = False, explain: bool = False) -> RecordReport:
        try:
            loaded = load_record(path)
        except InputError as e:
            return RecordReport(file=str(path), error=e)
        return self.check_loaded(loaded, as_of, lang, profile, include_all, explain)

    def check_loaded(self, loaded: LoadedRecord, as_of: dt.date, lang: str, profile: str | None = None,
                     include_all: bool = False, explain: bool = False) -> RecordReport:
        record = loaded.record
        report = RecordReport(file=str(loaded.path), id=record.id, type=record.type, title=record.title,
                              notes=[i18n.localize(n, lang) for n in loaded.notes])
        try:
            known = self.evaluator.rulebook.by_id()
            waivers.check_rule_ids(record, known, str(loaded.path))
            prof = self.profile(profile or record.jurisdiction)
            report.profile = prof.name
            results, facts = self.evaluator.evaluate(record, prof, as_of)
        except InputError as e:
            report.error = e
            return report
        except EngineError as e:
            report.error = InputError(str(loaded.path), str(e))
            return report
        report.notes += [i18n.localize(n, lang) for n in facts.notes]
        if not self.evaluator.rulebook.for_type(record.type):
            report.notes.append(i18n.localize(i18n.Bilingual(
                f"本规则集没有适用于{i18n.record_type(record.type, 'zh')}记录的规则：未作任何检查",
                f"no rules for {record.type} records in this rule set: nothing was checked"), lang))
        if record.household_entries and not self._checks_households(record.type):
            report.notes.append(i18n.localize(i18n.Bilingual(
                "分户记录已读取并校验，但本规则集没有检查分户记录的规则",
                "household_entries are read and validated, but no rule in this rule set checks them"), lang))
        report.satisfied_rules = sorted({r.rule.id for r in results if r.result == SATISFIED})
        findings = [make_finding(r, record, facts, prof, lang, explain) for r in results
                    if include_all or r.result in (VIOLATED, NOT_EVALUABLE)]
        apply_waivers(findings, record, as_of, lang)
        report.rectifications = rectification.apply(findings, record, as_of)
        report.findings = sorted(findings, key=Finding.sort_key)
        return report


def check_files(checker: Checker, paths: list[Path], as_of: dt.date, lang: str, profile: str | None,
                include_all: bool, explain: bool = False) -> Report:
    records = [checker.check_file(p, as_of, lang, profile, include_all, explain) for p in paths]
    return Report(as_of, lang, records)
