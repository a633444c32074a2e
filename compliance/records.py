"""Load one decision record: read → parse → validate, or a one-line InputError."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from pydantic import BaseModel, ValidationError

from .errors import InputError
from .loader import line_of, parse, read_text
from .models import NestedValidationError, Record, normalised_dates, suggest, validate_record


@dataclass
class LoadedRecord:
    path: Path
    record: Record
    notes: list[str] = field(default_factory=list)


def load_record(path: Path) -> LoadedRecord:
    text, notes = read_text(path)
    data = parse(path, text)
    try:
        record = validate_record(data)
    except NestedValidationError as e:
        raise _input_error(path, text, e.error, e.prefix) from None
    except ValidationError as e:
        raise _input_error(path, text, e) from None
    return LoadedRecord(path, record, notes + normalised_dates(record))


def path_string(keys) -> str:
    out = ""
    for key in keys:
        out += f"[{key}]" if isinstance(key, int) else (f".{key}" if out else str(key))
    return out


def _input_error(path: Path, text: str, error: ValidationError, prefix: tuple = ()) -> InputError:
    err = error.errors()[0]
    keys = list(prefix) + [k for k in err["loc"] if not (isinstance(k, str) and k.startswith("function-"))]
    ctx = err.get("ctx") or {}
    if "field" in ctx:
        keys.append(ctx["field"])
    message = ctx.get("msg") or err["msg"]
    if err["type"] == "extra_forbidden":
        model = _model_at(Record, keys[:-1])
        message = "unknown field" + (suggest(keys[-1], model.model_fields) if model else "")
    elif err["type"] == "missing":
        message = "required field is missing"
    elif err["type"] == "model_type" and not keys:
        message = "a decision record must be a mapping of fields, not a list or a single value"
    location = path_string(keys) or None
    line = line_of(path, text, keys) if keys else None
    if line and location:
        location = f"{line} ({location})"
    more = error.error_count() - 1
    if more > 0:
        message += f" (and {more} more problem{'s' if more > 1 else ''})"
    return InputError(str(path), message, location or line)


def _model_at(model: type[BaseModel], keys: list) -> type[BaseModel] | None:
    for key in keys:
        if isinstance(key, int):
            continue
        info = model.model_fields.get(key)
        if info is None:
            return None
        ann = info.annotation
        candidates = [a for a in getattr(ann, "__args__", (ann,)) if isinstance(a, type) and issubclass(a, BaseModel)]
        if not candidates:
            inner = [a for arg in getattr(ann, "__args__", ()) for a in getattr(arg, "__args__", ())]
            candidates = [a for a in inner if isinstance(a, type) and issubclass(a, BaseModel)]
        if not candidates:
            return None
        model = candidates[0]
    return model
