"""Comparing an audit with an earlier one (--baseline): each finding of this run is `new`
or `unchanged`, and a finding of the baseline no longer reported is `resolved` — SARIF's
baselineState. Findings are matched by fingerprint within their record (by record id).

A record of the baseline that this run did not check (not given, left out by --year, or
unreadable now) is `absent`, never resolved. What the two runs do not share (rules added,
removed or changed, another profile, a baseline without fingerprints) is said in notes,
and findings of rules one side does not have are `not_compared`.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from . import ruleset
from .formats.audit_base import place
from .report_file import read_report
from .tracking_i18n import text

NEW, UNCHANGED, RESOLVED, NOT_COMPARED = "new", "unchanged", "resolved", "not_compared"
STATES = (NEW, UNCHANGED, RESOLVED)
COMPARED_RESULTS = ("violated", "not_evaluable", "waived")


def _key(f: dict, legacy: bool) -> str:
    """A baseline without fingerprints (an older version) is matched on rule and household."""
    return f"{f.get('rule')}/{f.get('household') or ''}" if legacy else f.get("fingerprint", "")


@dataclass
class Baseline:
    file: str
    tool_version: str | None
    as_of: str | None
    profile: str | None
    rule_set: dict | None
    records: dict[str, dict]                       # id -> {place, profile, findings: {key: finding}}
    legacy: bool = False                           # no fingerprints: matched on rule and household


def load(path: Path) -> Baseline:
    """Read a JSON report as a baseline; an input error (exit 2) if it is not one."""
    data = read_report(path, "--baseline")
    findings = [f for r in data["records"] for f in r["findings"]]
    legacy = bool(findings) and not all(f.get("fingerprint") for f in findings)
    records: dict[str, dict] = {}
    for rec in data["records"]:
        if not rec.get("id") or rec.get("status") == "error":
            continue
        entry = records.setdefault(rec["id"], {"place": place(rec) if rec.get("file") else rec["id"],
                                               "profile": rec.get("profile"), "findings": {}})
        for f in rec["findings"]:
            if f.get("result") in COMPARED_RESULTS:
                entry["findings"].setdefault(_key(f, legacy), []).append(f)   # a list: keys may repeat (legacy)
    return Baseline(str(path), data.get("tool_version"), data.get("as_of"), data.get("profile"),
                    data.get("rule_set"), records, legacy)


def _brief(f: dict) -> dict:
    return {k: f.get(k) for k in ("fingerprint", "rule", "title", "severity", "result", "household", "anchor")
            if f.get(k) is not None}


@dataclass
class Comparison:
    """This run against a baseline, one record at a time."""

    baseline: Baseline
    lang: str
    rule_set: dict | None = None
    profile: str | None = None
    tool_version: str | None = None
    counts: Counter = field(default_factory=Counter)
    by_rule: dict[str, Counter] = field(default_factory=dict)
    titles: dict[str, str] = field(default_factory=dict)
    by_record: list[dict] = field(default_factory=list)
    seen: dict[str, str] = field(default_factory=dict)          # id -> why it is not compared ('' if compared)
    profiles_differ: int = 0

    def __post_init__(self) -> None:
        diff = ruleset.differences(self.baseline.rule_set, self.rule_set)
        self.removed, self.added = set(diff["removed"]), set(diff["added"])
        self.changed = diff["changed"]

    def _comparable(self, rule: str) -> bool:
        return rule not in self.added and rule not in self.removed

    def compare(self, rec: dict) -> None:
        """Set `baseline_state` on each finding and list the resolved ones as `resolved`."""
        rid = rec.get("id")
        if not rid or rec.get("status") == "error" or rid in self.seen:
            if rid and rid not in self.seen:
                self.seen[rid] = "error"
            for f in rec["findings"]:
                f["baseline_state"] = NOT_COMPARED
            self.count(rec)
            return
        self.seen[rid] = ""
        old = self.baseline.records.get(rid)
        remaining = {k: list(v) for k, v in old["findings"].items()} if old else {}
        if old and old.get("profile") and rec.get("profile") and old["profile"] != rec["profile"]:
            self.profiles_differ += 1
        for f in rec["findings"]:
            if f["result"] not in COMPARED_RESULTS or not self._comparable(f["rule"]):
                f["baseline_state"] = NOT_COMPARED
                continue
            matches = remaining.get(_key(f, self.baseline.legacy))
            f["baseline_state"] = UNCHANGED if matches and matches.pop() else NEW
        rec["resolved"] = [{**_brief(f), "baseline_state": RESOLVED if self._comparable(f.get("rule", "")) else NOT_COMPARED}
                           for left in remaining.values() for f in left]
        self.count(rec)

    def count(self, rec: dict) -> None:
        """Add a record's states to the counts (also for records of a report read back)."""
        mine = Counter()
        for f in list(rec["findings"]) + list(rec.get("resolved") or []):
            st = f.get("baseline_state")
            if st is None:
                continue
            self.counts[st] += 1
            if st in STATES:
                mine[st] += 1
                self.by_rule.setdefault(f["rule"], Counter())[st] += 1
                self.titles.setdefault(f["rule"], f.get("title") or f["rule"])
        if mine:
            self.by_record.append({"id": rec.get("id"), "place": place(rec), **{s: mine[s] for s in STATES}})

    def excluded(self, item: dict) -> None:
        if item.get("id"):
            self.seen.setdefault(item["id"], "excluded")

    def notes(self) -> list[str]:
        b, t = self.baseline, lambda key, **kw: text(key, self.lang).format(**kw)
        out = []
        if b.tool_version and self.tool_version and b.tool_version != self.tool_version:
            out.append(t("bl_version", old=b.tool_version, new=self.tool_version))
        if b.legacy:
            out.append(t("bl_legacy"))
        if b.rule_set is None:
            out.append(t("bl_no_rule_set"))
        if self.removed:
            out.append(t("bl_rules_removed", rules="、".join(sorted(self.removed))))
        if self.added:
            out.append(t("bl_rules_added", rules="、".join(sorted(self.added))))
        if self.changed:
            out.append(t("bl_rules_changed", rules="、".join(self.changed)))
        if (b.profile or None) != (self.profile or None):
            out.append(t("bl_profile", old=b.profile or "-", new=self.profile or "-"))
        if self.profiles_differ:
            out.append(t("bl_record_profiles", n=self.profiles_differ))
        return out

    def absent(self) -> list[dict]:
        out = []
        for rid, old in self.baseline.records.items():
            why = self.seen.get(rid)
            if why is None or why in ("error", "excluded"):
                out.append({"id": rid, "place": old["place"], "reason": why or "not_checked",
                            "findings": sum(len(v) for v in old["findings"].values())})
        return out

    def as_dict(self) -> dict:
        rows = [{"rule": r, "title": self.titles.get(r, r), **{s: c[s] for s in STATES}} for r, c in self.by_rule.items()]
        rows.sort(key=lambda r: (-r[NEW], -r[UNCHANGED], -r[RESOLVED], r["rule"]))
        return {"file": self.baseline.file, "tool_version": self.baseline.tool_version, "as_of": self.baseline.as_of,
                **{s: self.counts[s] for s in STATES}, NOT_COMPARED: self.counts[NOT_COMPARED],
                "by_rule": rows, "by_record": list(self.by_record), "absent": self.absent(), "notes": self.notes()}


class Replayed(Comparison):
    """The comparison rebuilt from reports that were each compared with a baseline
    (`report merge`): counts from the records' states, notes and absent records from the
    reports' summaries (a record absent from one part may be in another)."""

    def __init__(self, sections: list[dict], lang: str):
        first = sections[0]
        super().__init__(Baseline(first.get("file", ""), first.get("tool_version"), first.get("as_of"), None, None, {}),
                         lang)
        self._notes = list(dict.fromkeys(n for s in sections for n in s.get("notes") or []))
        self._absent = {a["id"]: a for s in sections for a in s.get("absent") or []}

    def replay(self, rec: dict) -> None:
        if rec.get("id"):
            self.seen[rec["id"]] = ""
        self.count(rec)

    def notes(self) -> list[str]:
        return self._notes

    def absent(self) -> list[dict]:
        return [a for rid, a in self._absent.items() if rid not in self.seen or a["reason"] != "not_checked"]
