"""The checklist as JSON (cli-contract.md, `compliance-checklist/1`)."""
from __future__ import annotations

import json
from typing import Any

from ..checklist import Checklist


def as_dict(cl: Checklist) -> dict[str, Any]:
    """The JSON checklist report (cli-contract.md, `compliance-checklist/1`)."""
    return {
        "format": "compliance-checklist/1",
        "record": cl.record_id,
        "gate": cl.gate,
        "as_of": cl.as_of.isoformat(),
        "ready": cl.ready,
        "earliest_date": cl.earliest_date.isoformat() if cl.earliest_date else None,
        "items": [{
            "rule": i.rule.id,
            "status": i.status,
            "title": i.rule.title.get(cl.lang),
            "basis": i.rule.basis(cl.lang),
            "steps": i.steps,
            "due": i.due.isoformat() if i.due else None,
            "detail": i.detail,
        } for i in cl.items],
    }


def render(cl: Checklist) -> str:
    return json.dumps(as_dict(cl), ensure_ascii=False, indent=2)


def write(cl: Checklist, out) -> None:
    """The format protocol (formats/__init__.py)."""
    out.stream.write(render(cl) + "\n")
