"""Local parameter profiles: the numbers the law leaves to local rules.

A profile is a YAML file: `profile: NAME`, optional `extends: OTHER`, and any of the
parameters. Each number is a number or `unknown`.
"""
from __future__ import annotations

import datetime as dt
from importlib import resources
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, ValidationError

from ..errors import InputError
from ..loader import load_data

Unknown = Literal["unknown"]


class ProfileFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    profile: str
    extends: str | None = None
    description: str | None = None
    many_households_threshold: int | Unknown | None = None
    signing_period_days: int | Unknown | None = None
    valuation_publicity_days: int | Unknown | None = None
    large_expenditure_threshold_cny: float | Unknown | None = None
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


def _read(name_or_file: str) -> tuple[ProfileFile, str]:
    path = Path(name_or_file)
    if name_or_file in shipped_profiles():
        traversable = resources.files(__package__) / f"{name_or_file}.yaml"
        with resources.as_file(traversable) as real:
            data, _ = load_data(real)
        source = f"profile {name_or_file}"
    elif path.suffix in (".yaml", ".yml") or path.exists():
        data, _ = load_data(path)
        source = str(path)
    else:
        raise InputError(f"--profile {name_or_file}",
                         f"no such profile; shipped profiles: {', '.join(shipped_profiles())}, or give a YAML file")
    try:
        return ProfileFile.model_validate(data), source
    except ValidationError as e:
        err = e.errors()[0]
        where = ".".join(str(k) for k in err["loc"])
        raise InputError(source, f"{err['msg']}", where) from None


def load_profile(name_or_file: str, _seen: tuple = ()) -> Profile:
    spec, source = _read(name_or_file)
    if spec.profile in _seen:
        raise InputError(source, f"profile {spec.profile!r} extends itself through {' → '.join(_seen)}")
    values = {}
    if spec.extends:
        values = load_profile(spec.extends, _seen + (spec.profile,)).model_dump()
    for key, value in spec.model_dump(exclude={"profile", "extends"}).items():
        if value is not None:
            values[key] = None if value == "unknown" else value
    values["name"] = spec.profile
    return Profile.model_validate(values)
