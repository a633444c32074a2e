"""The audit as CSV: one row per finding, and one row for each record without findings
(passed, error, or left out by --year), so every input is in the file.

Spreadsheets run a cell that starts with = + - @ (or a tab or carriage return) as a
formula, so such cells get a leading apostrophe: a record title can never run in Excel.
"""
from __future__ import annotations

import csv

from .. import i18n
from .audit_base import AuditWriter, dates_text, error_text, label, rect_label, type_label

COLUMNS = ("col_file", "col_location", "col_id", "col_type", "col_record_title", "col_status", "col_decision_date",
           "col_rule", "col_title", "col_result", "col_severity", "col_basis", "col_verified", "col_household",
           "col_steps", "col_dates", "col_message", "col_remedy", "col_waiver", "col_notes",
           "col_baseline_state", "col_fingerprint", "col_rect_state", "col_measure", "col_responsible", "col_due")
TRACKING = 6        # the last columns: baseline state, fingerprint and the rectification entry
_DANGEROUS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_DANGEROUS) else text


class Writer(AuditWriter):
    def begin(self) -> None:
        self.csv = csv.writer(self.out)
        self.csv.writerow([self.meta.t(c) for c in COLUMNS])

    def _row(self, values: list) -> None:
        self.csv.writerow([neutralise(v) for v in values])

    def _head(self, rec: dict, status: str) -> list:
        lang = self.meta.lang
        return [rec["file"], rec.get("location"), rec.get("id"), type_label(rec.get("type"), lang) if rec.get("type") else "",
                rec.get("title"), label(status, lang), rec.get("decision_date")]

    def _tracking(self, f: dict) -> list:
        lang, entry = self.meta.lang, f.get("rectification") or {}
        return [label(f["baseline_state"], lang) if f.get("baseline_state") else "", f.get("fingerprint"),
                rect_label(entry["state"], lang) if entry else "", entry.get("measure"), entry.get("responsible"),
                entry.get("due")]

    def record(self, rec: dict) -> None:
        lang = self.meta.lang
        head = self._head(rec, rec["status"])
        notes = "；".join(rec.get("notes") or [])
        for f in rec.get("resolved") or []:      # in the baseline, no longer found
            self._row(head + [f["rule"], f.get("title"), "", label(f["severity"], lang) if f.get("severity") else "",
                              "", "", f.get("household")] + [""] * 6 + self._tracking(f))
        if not rec["findings"]:
            message = error_text(rec) if rec["status"] == "error" else ""
            if not rec.get("resolved"):
                self._row(head + [""] * 9 + [message, "", "", notes] + [""] * TRACKING)
            return
        for f in rec["findings"]:
            waiver = f.get("waiver") or {}
            self._row(head + [
                f["rule"], f["title"], label(f["result"], lang), label(f["severity"], lang), f["basis"],
                label("yes" if f.get("verified") else "no", lang), f.get("household"),
                "、".join(i18n.step_label(k, rec.get("type") or "", lang) for k in f.get("steps", [])),
                dates_text(f), f["message"], f["remediation"], waiver.get("reason"),
                "；".join((f.get("notes") or []) + (rec.get("notes") or []))] + self._tracking(f))

    def excluded(self, item: dict) -> None:
        self._row(self._head(item, "excluded") + [""] * (13 + TRACKING))
