"""Local parameter profiles: the numbers the law leaves to local rules.

A profile is a YAML file: `profile: NAME`, optional `extends: OTHER`, and any of the
parameters. Each number is a number or `unknown`.
"""
from __future__ import annotations

import datetime as dt
from importlib import resources
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictFloat, StrictInt, ValidationError

from ..errors import InputError
from ..loader import load_data

Unknown = Literal["unknown"]
# Counts of households or days are whole numbers from 1; an amount is positive. `true` is
# not a number (YAML reads `yes` as true), so the types are strict.
Count = Annotated[StrictInt, Field(ge=1)]
Amount = Annotated[StrictInt | StrictFloat, Field(gt=0)]


class ProfileFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    profile: str
    extends: str | None = None
    description: str | None = None
    many_households_threshold: Count | Unknown | None = None
    signing_period_days: Count | Unknown | None = None
    valuation_publicity_days: Count | Unknown | None = None
    large_expenditure_threshold_cny: Amount | Unknown | None = None
    deciding_government: Literal["city", "district"] | Unknown | None = None
    period_counting: Literal["exclude_start_day", "include_start_day"] | None = None
    internal_procedure_adopted: dt.date | Unknown | None = None   # when the office adopted its procedure


class Profile(BaseModel):
    """A resolved profile: every parameter has a value or None (unknown)."""

    model_config = ConfigDict(frozen=True)

    name: str
    description: str = ""
    many_households_threshold: int | None = None
    signing_period_days: int | None = None
    valuation_publicity_days: int | None = None
    large_expenditure_threshold_cny: float | None = None
    deciding_government: str | None = None
    period_counting: Literal["exclude_start_day", "include_start_day"] = "exclude_start_day"
    internal_procedure_adopted: dt.date | None = None


def shipped_profiles() -> list[str]:
    return sorted(p.name[:-5] for p in resources.files(__package__).iterdir() if p.name.endswith(".yaml"))


def _read(name_or_file: str, base: Path | None = None) -> tuple[ProfileFile, str, Path | None]:
    """The profile file, its name for messages, and its directory (where a relative
    `extends:` is resolved; None for a shipped profile)."""
    path = Path(name_or_file)
    if base is not None and not path.is_absolute() and name_or_file not in shipped_profiles():
        path = base / path
    if name_or_file in shipped_profiles():
        traversable = resources.files(__package__) / f"{name_or_file}.yaml"
        with resources.as_file(traversable) as real:
            data, _ = load_data(real)
        source, folder = f"profile {name_or_file}", None
    elif path.suffix in (".yaml", ".yml") or path.exists():
        data, _ = load_data(path)
        source, folder = str(path), path.parent
    else:
        raise InputError(f"--profile {name_or_file}",
                         f"no such profile; shipped profiles: {', '.join(shipped_profiles())}, or give a YAML file")
    try:
        return ProfileFile.model_validate(data), source, folder
    except ValidationError as e:
        raise InputError(source, *_problem(e, data)) from None


_NUMBERS = ("many_households_threshold", "signing_period_days", "valuation_publicity_days",
            "large_expenditure_threshold_cny")


def _problem(e: ValidationError, data) -> tuple[tuple[str, str], str]:
    """The first problem as ((zh, en) message, key): a wrong number says what is allowed, a
    misspelt parameter gets a suggestion."""
    from ..models import suggest
    errors = e.errors()
    key = str(errors[0]["loc"][0]) if errors[0]["loc"] else ""
    value = data.get(key) if isinstance(data, dict) else None
    if key in _NUMBERS:
        zh, en = (("正数", "a positive amount") if key == "large_expenditure_threshold_cny"
                  else ("从 1 起的整数", "a whole number from 1"))
        return (f"{value!r} 不可用；请写{zh}，或 `unknown`", f"{value!r} is not allowed; write {en}, or `unknown`"), key
    if errors[0]["type"] == "extra_forbidden":
        hint = suggest(key, ProfileFile.model_fields)
        zh_hint = f"；是否应为 '{hint.split(chr(39))[1]}'？" if hint else ""
        return (f"未知参数 {key!r}{zh_hint}", f"unknown parameter {key!r}{hint}"), key
    return errors[0]["msg"], ".".join(str(k) for k in errors[0]["loc"])


def load_profile(name_or_file: str, _seen: tuple = (), _base: Path | None = None) -> Profile:
    spec, source, folder = _read(name_or_file, _base)
    if spec.profile in _seen:
        raise InputError(source, f"profile {spec.profile!r} extends itself through {' → '.join(_seen)}")
    values = {}
    if spec.extends:
        values = load_profile(spec.extends, _seen + (spec.profile,), folder).model_dump()
    for key, value in spec.model_dump(exclude={"profile", "extends"}).items():
        if value is not None:
            values[key] = None if value == "unknown" else value
    values["name"] = spec.profile
    return Profile.model_validate(values)
