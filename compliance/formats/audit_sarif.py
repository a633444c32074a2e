"""The audit as SARIF 2.1.0, for code-scanning style tools.

The rules come from the rulebook (tool.driver.rules); each finding is a result located at
its record's file (a ledger row also gets the row as a logical location). A violation is
kind `fail` with level error (blocking, major) or warning (minor); not evaluable is kind
`review` (level none, as the spec requires for non-fail kinds); a waived finding carries
an accepted suppression with the waiver's reason. Inputs that could not be read are tool
execution notifications. Results are streamed; the invocation comes last.
"""
from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import quote

from ..fingerprint import SARIF_KEY
from .audit_base import AuditWriter, Spool, dates_text, error_text, rect_text

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
BASELINE_STATE = {"new": "new", "unchanged": "unchanged", "resolved": "absent"}   # SARIF's names
LEVEL = {"blocking": "error", "major": "error", "minor": "warning"}


def artifact_uri(file: str) -> str:
    path = Path(file)
    if path.is_absolute():
        return path.as_uri()
    return quote(path.as_posix())


def _dump(obj) -> str:
    return json.dumps(obj, ensure_ascii=False)


class Writer(AuditWriter):
    def begin(self) -> None:
        m = self.meta
        self.index = {r["id"]: i for i, r in enumerate(m.rules)}
        rules = [{
            "id": r["id"],
            "name": r["id"],
            "shortDescription": {"text": r["title"]},
            "fullDescription": {"text": f"{r['title']} — {r['basis']}"},
            "help": {"text": r["remedy"]},
            "defaultConfiguration": {"level": LEVEL[r["severity"]]},
            "properties": {"severity": r["severity"], "basis": r["basis"], "source": r["source"],
                           "verified": r["verified"]},
        } for r in m.rules]
        driver = {"name": "compliance", "version": m.tool_version, "semanticVersion": m.tool_version,
                  "language": "zh-CN" if m.lang == "zh" else "en", "rules": rules}
        self.out.write('{\n  "$schema": ' + _dump(SCHEMA) + ',\n  "version": "2.1.0",\n  "runs": [\n    {\n')
        self.out.write('      "tool": {"driver": ' + _dump(driver) + "},\n")
        self.out.write('      "columnKind": "unicodeCodePoints",\n      "results": [')
        self.first = True
        self.notifications = Spool()      # input errors can be many: kept on disk, not in memory
        self.first_notification = True

    def _notify(self, item: dict) -> None:
        self.notifications.write(("" if self.first_notification else ", ") + _dump(item))
        self.first_notification = False

    def _location(self, rec: dict) -> dict:
        loc: dict = {"physicalLocation": {"artifactLocation": {"uri": artifact_uri(rec["file"])}}}
        logical = []
        if rec.get("location"):
            logical.append({"name": rec["location"], "kind": "row"})
        if rec.get("id"):
            logical.append({"name": rec["id"], "fullyQualifiedName": rec["id"], "kind": "record"})
        if logical:
            loc["logicalLocations"] = logical
        return loc

    def record(self, rec: dict) -> None:
        if rec["status"] == "error":
            self._notify({"level": "error", "message": {"text": error_text(rec)},
                          "locations": [self._location(rec)], "descriptor": {"id": "input-error"}})
            return
        for f in rec["findings"]:
            result = {
                "ruleId": f["rule"],
                "kind": "fail" if f["result"] in ("violated", "waived") else "review",
                "level": LEVEL[f["severity"]] if f["result"] in ("violated", "waived") else "none",
                "message": {"text": f"{f['title']}：{f['message']}"},
                "locations": [self._location(rec)],
                "partialFingerprints": {SARIF_KEY: f.get("fingerprint"),
                                        "recordRule/v1": f"{rec.get('id')}/{f['rule']}/{f.get('household') or ''}"},
                "properties": {"result": f["result"], "severity": f["severity"], "basis": f["basis"],
                               "remediation": f["remediation"], "steps": f.get("steps", []), "dates": dates_text(f),
                               "record": rec.get("id"), "recordTitle": rec.get("title"),
                               "verified": f.get("verified")},
            }
            if f["rule"] in self.index:
                result["ruleIndex"] = self.index[f["rule"]]
            if f.get("household"):
                result["properties"]["household"] = f["household"]
            if f.get("rectification"):
                result["properties"]["rectification"] = {**f["rectification"],
                                                         "text": rect_text(f["rectification"], self.meta.lang)}
            self._baseline(result, f)
            if f["result"] == "waived":
                waiver = f.get("waiver") or {}
                result["suppressions"] = [{"kind": "external", "status": "accepted",
                                           "justification": waiver.get("reason") or ""}]
            self._write(result)
        for f in rec.get("resolved") or []:     # SARIF lists a result of the baseline no longer found as absent
            result = {"ruleId": f["rule"], "kind": "pass", "level": "none",
                      "message": {"text": f"{f.get('title', '')}"}, "locations": [self._location(rec)],
                      "partialFingerprints": {SARIF_KEY: f.get("fingerprint")},
                      "properties": {"record": rec.get("id"), "household": f.get("household"),
                                     "result": f.get("result"), "severity": f.get("severity")}}
            if f["rule"] in self.index:
                result["ruleIndex"] = self.index[f["rule"]]
            self._baseline(result, f)
            self._write(result)

    @staticmethod
    def _baseline(result: dict, f: dict) -> None:
        state = BASELINE_STATE.get(f.get("baseline_state"))
        if state:
            result["baselineState"] = state

    def _write(self, result: dict) -> None:
        self.out.write(("\n        " if self.first else ",\n        ") + _dump(result))
        self.first = False

    def end(self, summary: dict) -> None:
        for d in summary["duplicate_ids"]:
            self._notify({"level": "error", "descriptor": {"id": "duplicate-id"},
                          "message": {"text": f"{d['id']}: {'; '.join(d['places'])}"}})
        properties = {"asOf": self.meta.as_of, "year": self.meta.year,
                      "summary": {k: summary[k] for k in ("records", "pass", "incomplete", "fail", "error",
                                                         "excluded_by_year")}}
        if summary.get("baseline"):
            properties["baseline"] = {k: summary["baseline"][k] for k in ("file", "as_of", "new", "unchanged", "resolved")}
        self.out.write("\n      ],\n" if not self.first else "],\n")
        self.out.write('      "invocations": [{"executionSuccessful": true, "toolExecutionNotifications": [')
        self.notifications.copy_to(self.out)
        self.out.write('], "properties": ' + _dump(properties) + "}]\n    }\n  ]\n}\n")
