"""The identity of a rule set, written into reports so that a later run (a baseline, a
merge) can tell whether two reports were checked against the same rules, and if not,
which rules differ."""
from __future__ import annotations

import hashlib

from .rulebook import Rulebook


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def identity(book: Rulebook) -> dict:
    """{"digest": of the whole set, "rules": {id: digest of its definition}}."""
    rules = {r.id: _digest(r.model_dump_json())[:16] for r in book.rules}
    return {"digest": _digest("".join(f"{k}={v};" for k, v in sorted(rules.items())))[:32], "rules": rules}


def differences(old: dict | None, new: dict | None) -> dict[str, list[str]]:
    """Rules only in `old` (removed), only in `new` (added), and in both but changed;
    nothing when either side does not name its rules (it cannot be told)."""
    if not old or not new:
        return {"removed": [], "added": [], "changed": []}
    a, b = (old or {}).get("rules") or {}, (new or {}).get("rules") or {}
    return {"removed": sorted(set(a) - set(b)), "added": sorted(set(b) - set(a)),
            "changed": sorted(k for k in set(a) & set(b) if a[k] != b[k])}
