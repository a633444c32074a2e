"""The JSON report of cli-contract.md (`compliance-report/1`)."""
from __future__ import annotations

import json

from ..findings import Finding
from ..fingerprint import fingerprint
from ..report import RecordReport, Report


def finding_dict(f: Finding, lang: str, record_id: str | None = None) -> dict:
    out = {
        "fingerprint": fingerprint(record_id, f.rule.id, f.household, f.anchor),
        "anchor": f.anchor,
        "rule": f.rule.id,
        "result": f.result,
        "severity": f.severity,
        "title": f.rule.title.get(lang),
        "basis": f.rule.basis(lang),
        "steps": f.steps,
        "message": f.message,
        "remediation": f.remediation,
        "verified": f.rule.verified,
        "dates": [d.as_dict() for d in f.dates],
    }
    if f.household is not None:
        out["household"] = f.household
    if f.waiver is not None:
        out["waiver"] = f.waiver
    if f.rectification is not None:
        out["rectification"] = f.rectification
    if f.notes:
        out["notes"] = f.notes
    if f.periods:
        out["periods"] = [p.as_dict() for p in f.periods]
    if f.explanation:
        out["explanation"] = f.explanation
    return out


def record_dict(r: RecordReport, lang: str) -> dict:
    return {
        "file": r.file,
        "id": r.id,
        "type": r.type,
        "title": r.title,
        "profile": r.profile,
        "status": r.status,
        "error": r.error.as_dict(lang) if r.error else None,
        "findings": [finding_dict(f, lang, r.id) for f in r.findings],
        "notes": r.notes,
        "rectifications": r.rectifications,
    }


def render(report: Report) -> str:
    doc = {
        "format": "compliance-report/1",
        "tool_version": report.tool_version,
        "as_of": report.as_of.isoformat(),
        "lang": report.lang,
        "records": [record_dict(r, report.lang) for r in report.records],
        "summary": report.summary(),
    }
    return json.dumps(doc, ensure_ascii=False, indent=2)


def write(report: Report, out) -> None:
    """The format protocol (formats/__init__.py)."""
    out.stream.write(render(report) + "\n")
