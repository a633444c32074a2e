"""Stable identity of a finding across runs (docs/cli-contract.md, "Fingerprints").

A finding is the same finding next year when it concerns the same record, rule and
household and is anchored on the same step: its kind and date, or, for an undated step,
its position among the steps of that kind. Wording, step order in the file and the tool's
version do not enter the hash, so a reworded message or a reordered file keeps it; this
is what SARIF calls a partial fingerprint.
"""
from __future__ import annotations

import hashlib
import json
from typing import Any, Iterable

VERSION = "v1"
SARIF_KEY = f"recordRuleAnchor/{VERSION}"


def _day(step: Any) -> Any:
    return step.get("date") or step.get("start")


def _content(step: Any) -> str:
    return json.dumps(step.fields, sort_keys=True, default=str, ensure_ascii=False)


def anchor_label(step: Any, peers: Iterable[Any]) -> str | None:
    """'decision@2025-06-09', or 'survey#2' for the second undated survey step (undated
    steps of a kind ordered by content, so the file's order does not matter)."""
    if step is None:
        return None
    day = _day(step)
    if day is not None:
        return f"{step.kind}@{day}"
    undated = sorted({_content(p) for p in peers if p.kind == step.kind and _day(p) is None} | {_content(step)})
    return f"{step.kind}#{undated.index(_content(step)) + 1}"


def fingerprint(record_id: str | None, rule: str, household: str | None, anchor: str | None) -> str:
    """A short hex digest of the finding's identity."""
    key = "\x1f".join((VERSION, record_id or "", rule, household or "", anchor or ""))
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]
