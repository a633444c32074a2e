"""Load one decision record: read → parse → validate, or a one-line InputError.

Whatever a file holds, `load_record` returns a validated record or raises `InputError`
naming the file, the place (line:col and the field path, e.g. `12:5 (steps[4].date)`) and
the fix; nothing else escapes it (tests/test_properties.py and the fuzz target hold it to
that).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import BaseModel, ValidationError

from .errors import InputError, shown
from . import messages_zh
from .loader import field_path, line_of, parse, read_text
from .models import NestedValidationError, Record, normalised_dates, suggest, validate_record


@dataclass
class LoadedRecord:
    path: Path
    record: Record
    notes: list[str] = field(default_factory=list)


_START = "a decision record starts with `format: decision-record/1`"


_LEDGER_SUFFIXES = (".xlsx", ".xlsm", ".xls")


def load_record(path: Path) -> LoadedRecord:
    if path.suffix.lower() in _LEDGER_SUFFIXES:
        raise InputError(str(path), ("这是 Excel 台账，不是单份决定记录；请用 `compliance audit` 检查台账",
                                     "this is an Excel ledger, not one decision record; check it with "
                                     "`compliance audit`"))
    if path.is_dir():
        raise InputError(str(path), ("这是目录，不是文件；要检查目录中的全部记录，请用 `compliance audit`",
                                     "this is a directory, not a file; to check every record in it, use "
                                     "`compliance audit`"))
    try:
        text, notes = read_text(path)
    except InputError as e:
        if e.message == "the file is empty":
            raise InputError(e.file, f"the file is empty; {_START}") from None
        raise
    data = parse(path, text)
    if data is None:
        raise InputError(str(path), f"the file holds no data (only comments or `---`); {_START}")
    if not isinstance(data, dict):
        what = "a list" if isinstance(data, list) else f"a single value ({type(data).__name__})"
        raise InputError(str(path), f"a decision record must be a mapping of fields (format:, id:, type:, ...), "
                         f"not {what}", "1:1")
    _check_size(path, text, data)
    try:
        record = validate_record(data)
    except NestedValidationError as e:
        raise _input_error(path, text, e.error, e.prefix) from None
    except ValidationError as e:
        raise _input_error(path, text, e) from None
    return LoadedRecord(path, record, notes + normalised_dates(record))


# Checking time grows with the square of the number of steps (the engine joins steps
# pairwise; per-household findings scan every fact): about 1.6 s for 1,000 steps, 9 s for
# 2,000 households with one step each, a minute for 4,000. These limits keep a check within
# seconds and a hostile file from running for hours; COMPLIANCE_MAX_HOUSEHOLD_STEPS raises
# the second for a large project.
MAX_STEPS = 1_000
DEFAULT_MAX_HOUSEHOLD_STEPS = 2_000


def max_household_steps() -> int:
    from .loader import env_limit
    return env_limit("COMPLIANCE_MAX_HOUSEHOLD_STEPS", DEFAULT_MAX_HOUSEHOLD_STEPS, "a count such as 2000")


def _check_size(path: Path, text: str, data: dict) -> None:
    steps = data.get("steps")
    if isinstance(steps, list) and len(steps) > MAX_STEPS:
        line = line_of(path, text, ["steps", MAX_STEPS])
        raise InputError(str(path), f"the record lists {len(steps):,} steps, over the limit of {MAX_STEPS:,} for one "
                         "record; a record is one decision's procedure: split it",
                         f"{line} (steps[{MAX_STEPS}])" if line else f"steps[{MAX_STEPS}]")
    entries = data.get("household_entries")
    if isinstance(entries, list):
        total, limit = 0, max_household_steps()
        for i, entry in enumerate(entries):
            steps_of_entry = entry.get("steps") if isinstance(entry, dict) else None
            # an entry counts at least once: thousands of entries without steps cost time too
            total += max(1, len(steps_of_entry)) if isinstance(steps_of_entry, list) else 1
            if total > limit:
                line = line_of(path, text, ["household_entries", i])
                where = f"household_entries[{i}]"
                raise InputError(str(path), f"the household entries list more than {limit:,} steps (an entry counts at least once) in all; split "
                                 "the record by groups of households (each household is checked on its own), or "
                                 "raise COMPLIANCE_MAX_HOUSEHOLD_STEPS (checking then takes minutes)",
                                 f"{line} ({where})" if line else where)


def _input_error(path: Path, text: str, error: ValidationError, prefix: tuple = ()) -> InputError:
    """Every problem pydantic found, each with its place and a Chinese and English message."""
    problems = [_problem(path, text, err, prefix) for err in error.errors()]
    (message, location), *more = problems
    return InputError(str(path), message, location, more)


def _problem(path: Path, text: str, err: dict, prefix: tuple) -> tuple[tuple[str, str], str | None]:
    keys = list(prefix) + [k for k in err["loc"] if not (isinstance(k, str) and k.startswith("function-"))]
    ctx = err.get("ctx") or {}
    if "field" in ctx:
        keys.append(ctx["field"])
    message = ctx.get("msg") or _FRIENDLY.get(err["type"]) or err["msg"]
    if err["type"] == "extra_forbidden":
        model = _model_at(Record, keys[:-1])
        message = "unknown field" + (suggest(keys[-1], model.model_fields) if model else "")
    elif err["type"] == "missing":
        message = f"required field `{keys[-1]}` is missing; add it" if keys else "required field is missing"
    elif err["type"] == "model_type" and not keys:
        message = "a decision record must be a mapping of fields, not a list or a single value"
    elif err["type"] == "literal_error":
        allowed = re.findall(r"'([^']*)'", str(ctx.get("expected", "")))
        message = f"{shown(err.get('input'))} is not one of: {', '.join(allowed)}{suggest(err.get('input'), allowed)}"
    elif err["type"] == "list_type" and keys == ["steps"]:
        message = "`steps` must be a list of steps, each line starting with `- {kind: ..., date: ...}`"
    location = field_path(keys) or None
    line = line_of(path, text, keys) if keys else None
    if line and location:
        location = f"{line} ({location})"
    return messages_zh.pair(str(message)), location or line


_FRIENDLY = {
    "string_type": "expected text",
    "int_type": "expected a whole number",
    "int_parsing": "expected a whole number",
    "int_from_float": "expected a whole number",
    "float_type": "expected a number",
    "float_parsing": "expected a number",
    "bool_type": "expected true or false",
    "bool_parsing": "expected true or false",
    "list_type": "expected a list, e.g. [a, b]",
    "dict_type": "expected a mapping such as {name: ..., ...}",
    "model_type": "expected a mapping such as {name: ..., ...}",
    "model_attributes_type": "expected a mapping such as {name: ..., ...}",
    "string_too_short": "must not be empty",
}


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
