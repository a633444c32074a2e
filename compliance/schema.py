"""JSON Schema of the decision-record format, built from the models and the vocabulary."""
from __future__ import annotations

from typing import Any

from . import vocabulary as voc
from .models import FORMAT, Record

DATE_SCHEMA = {
    "type": "string",
    "description": "2025-03-01, 2025年3月1日, 2025/3/1, 2025.3.1; 2025-03 or 2025年3月 when only the month is known",
    "pattern": r"^\d{4}([-/.]\d{1,2}([-/.]\d{1,2})?|年\d{1,2}月(\d{1,2}日)?)$",
}


def _field_schema(ftype: Any) -> dict:
    if ftype == voc.DATE:
        return dict(DATE_SCHEMA)
    if ftype == voc.TEXT:
        return {"type": ["string", "number"]}
    if ftype == voc.INT:
        return {"type": "integer", "minimum": 0}
    if ftype == voc.NUMBER:
        return {"type": "number", "minimum": 0}
    if ftype == voc.BOOL:
        return {"type": "boolean"}
    tag, values = ftype
    if tag == "enum":
        return {"enum": list(values)}
    items = {"enum": list(values)} if values else {"type": "string"}
    return {"type": "array", "items": items}


def step_schema(scope: str, kind: voc.StepKind) -> dict:
    names = sorted({kind.name, kind.label} | {a for a, k in voc.kind_aliases(scope).items() if k == kind.name})
    props = {"kind": {"enum": names, "description": kind.label}}
    props.update({name: _field_schema(t) for name, t in kind.all_fields.items()})
    return {"type": "object", "title": f"{kind.name} {kind.label}", "properties": props,
            "required": ["kind"], "additionalProperties": False}


def _steps(scope: str) -> dict:
    return {"type": "array", "items": {"anyOf": [step_schema(scope, k) for k in voc.KINDS_BY_TYPE[scope].values()]}}


def record_schema() -> dict:
    """The record model's JSON Schema, every reference resolved inline (dates as date strings),
    with the steps of each record type discriminated by `kind`."""
    schema = _inline(Record.model_json_schema())
    props = schema["properties"]
    props["format"] = {"const": FORMAT}
    props["steps"] = {"type": "array", "description": "the procedure, in any order"}
    entry = props["household_entries"]
    entry = entry["anyOf"][0] if "anyOf" in entry else entry      # an optional list
    entry["items"]["properties"]["steps"] = _steps("household")
    schema["allOf"] = [{"if": {"properties": {"type": {"const": t}}},
                        "then": {"properties": {"steps": _steps(t)}}} for t in voc.RECORD_TYPES]
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "decision-record/1"
    return schema


def _inline(schema: dict) -> dict:
    """Resolve every `$ref` against `$defs` (none is left dangling); a RecordDate becomes the
    date-string schema, since records write dates as text."""
    defs = schema.pop("$defs", {})

    def resolve(node: Any) -> Any:
        if isinstance(node, dict):
            if "$ref" in node:
                name = node["$ref"].split("/")[-1]
                return dict(DATE_SCHEMA) if name == "RecordDate" else resolve(defs[name])
            if node.get("title") == "RecordDate" or "first" in node.get("properties", {}):
                return dict(DATE_SCHEMA)
            return {k: resolve(v) for k, v in node.items()}
        if isinstance(node, list):
            return [resolve(v) for v in node]
        return node
    return resolve(schema)
