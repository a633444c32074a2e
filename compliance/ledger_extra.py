"""What a ledger row cannot hold in its columns, carried in one JSON cell (其他内容（JSON）).

Waivers, household entries, record fields without a column, and every step that does not
fit its kind's columns (a field without a column such as `note` or `by`, or a text holding
the step separator ；, a newline or leading/trailing spaces) go to this cell, so that a
record written by `export` reads back as the same record. The cell is read back by
merging its keys into the row's data before validation: a key given both in a column
and in the cell is an error.
"""
from __future__ import annotations

import datetime as dt
import json
from typing import Any

from pydantic import BaseModel

from .dates import RecordDate
from .models import Step

EXTRA_HEADER = "其他内容（JSON）"
EXTRA_KEY = "extra"
EXTRA = "json"                      # the column's type
UNSAFE_IN_STEP_TEXT = "；;\n\r、,，/"   # separators of steps and of list items in step columns


def plain(value: Any) -> Any:
    """A record's value as the YAML/JSON data that would give it back."""
    if isinstance(value, Step):
        return {"kind": value.kind, **{k: plain(v) for k, v in value.fields.items()}}
    if isinstance(value, BaseModel):
        out = {}
        for name, info in type(value).model_fields.items():
            v = getattr(value, name)
            if v is None or v == [] or (not info.is_required() and v == info.default):
                continue
            out[name] = plain(v)
        return out
    if isinstance(value, RecordDate):
        return str(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, str):
        return str(value)             # DocNumber and other str subclasses as plain text
    return value


def text_survives(value: Any, in_step: bool) -> bool:
    """Whether a value written to a cell reads back the same (cells are stripped; step
    cells are split on ；, newlines and list separators)."""
    items = value if isinstance(value, (list, tuple)) else [value]
    for item in items:
        if isinstance(item, str):
            if item != item.strip() or not item:
                return False
            if in_step and any(c in item for c in UNSAFE_IN_STEP_TEXT):
                return False
        elif isinstance(item, float) and (item != item or item in (float("inf"), float("-inf"))):
            return False
    return True


def step_fits(step: Step, columns: set[tuple[str, str]]) -> bool:
    return all((step.kind, f) in columns and text_survives(v, in_step=True) for f, v in step.fields.items())


def dumps(extra: dict) -> str | None:
    return json.dumps(extra, ensure_ascii=False, separators=(",", ":")) if extra else None


def loads(text: Any) -> dict:
    """The cell → a mapping; ValueError with the fix."""
    if not isinstance(text, str):
        raise ValueError(f"{EXTRA_HEADER} must hold a JSON object such as {{\"waivers\": [...]}}")
    try:
        data = json.loads(text)
    except (ValueError, RecursionError) as e:
        raise ValueError(f"{EXTRA_HEADER} is not valid JSON ({str(e)[:80]}); fix it or clear the cell") from None
    if not isinstance(data, dict):
        raise ValueError(f"{EXTRA_HEADER} must hold a JSON object such as {{\"waivers\": [...]}}")
    return data


def merge(data: dict, extra: dict, path: str = "") -> None:
    """Merge the cell's keys into the row's data; ValueError on a key given twice."""
    for key, value in extra.items():
        where = f"{path}.{key}" if path else key
        if path == "" and key in ("format", "type"):
            raise ValueError(f"{EXTRA_HEADER}: `{key}` is set by the sheet, not here")
        if path == "" and key == "steps":
            if not isinstance(value, list):
                raise ValueError(f"{EXTRA_HEADER}: `steps` must be a list")
            data.setdefault("steps", []).extend(value)
        elif isinstance(value, dict) and isinstance(data.get(key), dict):
            merge(data[key], value, where)
        elif key in data:
            raise ValueError(f"{EXTRA_HEADER}: `{where}` is also given in its column; keep one")
        else:
            data[key] = value
