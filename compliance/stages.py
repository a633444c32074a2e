"""Later steps prove earlier stages: the table in rules/_stages.yaml, and what it infers.

A stage (a step kind such as `decision`) has been reached when its own step is present or a
step that can only follow it is. Where the stage's own step is absent, or present without a
date, its date is unknown but bounded: on or before the earliest step that proves it. The
table is data a legal advisor reads and signs off (docs/legal-review.md lists it); this
module only applies it.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from . import vocabulary as voc
from .dates import RecordDate, bounded_date
from .errors import InputError
from .loader import line_of, load_data

STAGES_FILE = "_stages.yaml"
_FORMAT = "stages/1"


class Stage(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    proven_by: tuple[str, ...]
    why: str


class StageTable(BaseModel):
    """{record type: {stage kind: Stage}}."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)
    format: str = Field(pattern=f"^{_FORMAT}$")
    expropriation_decision: dict[str, Stage] = Field(default_factory=dict)
    compensation_decision: dict[str, Stage] = Field(default_factory=dict)
    major_matter: dict[str, Stage] = Field(default_factory=dict)

    def for_type(self, record_type: str) -> dict[str, Stage]:
        return getattr(self, record_type)

    def problems(self) -> list[tuple[list, str]]:
        """Every kind the table names must be a step kind of its record type."""
        out = []
        for record_type in voc.RECORD_TYPES:
            kinds = voc.rule_kinds(record_type)
            for stage, spec in self.for_type(record_type).items():
                if stage not in kinds:
                    out.append(([record_type, stage], f"{stage!r} is not a step kind of {record_type}"))
                for i, later in enumerate(spec.proven_by):
                    if later not in kinds:
                        out.append(([record_type, stage, "proven_by", i],
                                    f"{later!r} is not a step kind of {record_type}"))
        return out


def load_stage_table(directory: Path) -> StageTable:
    path = directory / STAGES_FILE
    if not path.is_file():
        return StageTable(format=_FORMAT)     # a rules directory without the table infers nothing
    data, _ = load_data(path)
    try:
        table = StageTable.model_validate(data)
    except ValidationError as e:
        err = e.errors()[0]
        keys = list(err["loc"])
        where = ".".join(str(k) for k in keys)
        raise InputError(str(path), err["msg"], where) from None
    problems = table.problems()
    if problems:
        keys, message = problems[0]
        text = path.read_text(encoding="utf-8")
        line = line_of(path, text, keys)
        where = ".".join(str(k) for k in keys)
        raise InputError(str(path), message, f"{line} ({where})" if line else where)
    return table


# ----------------------------------------------------------------- inference
@dataclass(frozen=True)
class Proof:
    """A stage reached without its own dated step: the steps that prove it and the bound."""

    kind: str
    household: str | None
    provers: tuple[str, ...]          # kinds of the proving steps (for messages)
    bound: dt.date | None             # the stage's day is on or before this one; None: no dated prover


def _earliest_day(dates: Iterable[RecordDate | None]) -> dt.date | None:
    days = [d.last for d in dates if isinstance(d, RecordDate)]
    return min(days) if days else None


def _step_day(fields: dict) -> RecordDate | None:
    value = fields.get("date") or fields.get("start")
    return value if isinstance(value, RecordDate) else None


def infer(stages: dict[str, Stage], steps: list[tuple[str | None, str, dict]],
          own: str | None) -> list[Proof]:
    """Stages proven by later steps. `steps` are (household, kind, fields) of done steps.

    A household stage is proven within its household; a record stage by any step. Inferred
    stages prove in turn (a court ruling proves an application, which proves the decision),
    so the table is applied until nothing changes; a stage's bound is the earliest dated step
    among everything that proves it, directly or through a chain."""
    real = [(h, k, _step_day(f)) for h, k, f in steps]
    proofs: dict[tuple[str | None, str], Proof] = {}
    while True:
        known = real + [(p.household, p.kind, bounded_date(p.bound)) for p in proofs.values()]
        found: dict[tuple[str | None, str], Proof] = {}
        for stage, spec in stages.items():
            household_stage = stage in voc.HOUSEHOLD_KIND_NAMES
            scopes = sorted({h for h, _, _ in known}, key=lambda h: h or "") if household_stage else [own]
            for scope in scopes:
                provers = [(k, d) for h, k, d in known
                           if k in spec.proven_by and (h == scope or not household_stage)]
                own_steps = [d for h, k, d in real if k == stage and h == scope]
                if not provers or (own_steps and all(d is not None for d in own_steps)):
                    continue          # not reached, or its own dated step is on record
                found[(scope, stage)] = Proof(stage, scope, tuple(sorted({k for k, _ in provers})),
                                              _earliest_day(d for _, d in provers))
        if found == proofs:
            return list(proofs.values())
        proofs = found
