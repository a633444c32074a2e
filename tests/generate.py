"""Seeded generator of messy records: the compliant examples, mutated the way real files differ."""
from __future__ import annotations

import copy
import datetime as dt
import random

from compliance import vocabulary as voc
from compliance.loader import load_data
from compliance.rulebook import bundled_rules_dir

BASES = ("expropriation.yaml", "major_matter.yaml", "expropriation-households.yaml", "compensation.yaml")


def load_bases() -> dict[str, dict]:
    return {name: load_data(bundled_rules_dir() / "_examples" / name)[0] for name in BASES}


def _shift(value, days: int):
    day = dt.date.fromisoformat(str(value)) if len(str(value)) == 10 else None
    return (day + dt.timedelta(days=days)).isoformat() if day else value


def mutate_step(rng: random.Random, step: dict, kinds: dict) -> dict:
    step = dict(step)
    fields = kinds[step["kind"]].all_fields
    for key in list(step):
        if key == "kind":
            continue
        ftype = fields[key]
        roll = rng.random()
        if roll < 0.05:
            del step[key]
        elif ftype == voc.DATE and roll < 0.30:
            step[key] = _shift(step[key], rng.randint(-45, 45))
        elif ftype == voc.DATE and roll < 0.34:
            step[key] = str(step[key])[:7]
        elif ftype == voc.BOOL and roll < 0.2:
            step[key] = not step[key]
        elif isinstance(ftype, tuple) and ftype[0] == "enum" and roll < 0.2:
            step[key] = rng.choice(ftype[1])
        elif isinstance(ftype, tuple) and ftype[0] == "list" and ftype[1] and roll < 0.2:
            step[key] = rng.sample(list(ftype[1]), rng.randint(0, len(ftype[1])))
        elif ftype in (voc.INT, voc.NUMBER) and roll < 0.2:
            step[key] = rng.choice([0, 1, 100, 312, 180000000, 186000000, 200000000])
    if "start" in step and "end" in step and str(step["end"]) < str(step["start"]):
        step["start"], step["end"] = step["end"], step["start"]
    if rng.random() < 0.05:
        step.pop("date", None)
    return step


def mutate_steps(rng: random.Random, steps: list[dict], kinds: dict) -> list[dict]:
    out = []
    for step in steps:
        if rng.random() < 0.12:
            continue
        out.append(mutate_step(rng, step, kinds) if rng.random() < 0.5 else step)
        if rng.random() < 0.03:
            out.append(dict(step))
    if rng.random() < 0.2:
        extra = rng.choice(list(kinds.values()))
        out.append({"kind": extra.name, "date": f"2025-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"})
    return out


def generate(rng: random.Random, bases: dict[str, dict]) -> tuple[dict, dict, dt.date]:
    """(record data, profile overrides, as_of)."""
    base = copy.deepcopy(bases[rng.choice(BASES)])
    base["steps"] = mutate_steps(rng, base["steps"], voc.KINDS_BY_TYPE[base["type"]])
    for entry in base.get("household_entries", []):
        entry["steps"] = mutate_steps(rng, entry["steps"], voc.KINDS_BY_TYPE["household"])
        for attr in ("residential", "business_use", "onsite_swap_requested", "owner_unclear"):
            if rng.random() < 0.2:
                entry[attr] = rng.choice([True, False])
    if base["type"] == "compensation_decision":
        for attr in ("owner_unclear", "business_use"):
            if rng.random() < 0.2:
                base[attr] = rng.choice([True, False])
    if base["type"] == "expropriation_decision":
        base["households"] = rng.choice([5, 60, 120, 312, 900])
        base["objecting_households"] = rng.randint(0, base["households"])
        base["public_interest"] = rng.choice(["old_city_reconstruction", "affordable_housing", "infrastructure"])
        base["unregistered_buildings"] = rng.choice([0, 0, 3])
        if rng.random() < 0.2:
            base["implementing_unit"] = {"name": "某征收服务中心", "entrustment_doc": "卫征委〔2025〕1号",
                                         "nonprofit": rng.choice([True, False])}
        for key in ("public_interest_evidence", "dilapidation_evidence"):
            if rng.random() < 0.1:
                base.pop(key, None)
    elif base["type"] == "major_matter":
        base["category"] = rng.choice(["important_decision", "major_project", "large_expenditure", "other"])
        base["amount_cny"] = rng.choice([5_000_000, 35_000_000])
    if base["type"] != "compensation_decision":
        base["is_major_decision"] = rng.choice([True, False, None])
        if base["is_major_decision"] is None:
            del base["is_major_decision"]
        base["technical_matter"] = rng.choice([True, False])
    base["issuer"] = dict(base["issuer"], level=rng.choice(
        ["district_government", "department", "city_government", base["issuer"]["level"]]))
    profile = {
        "many_households_threshold": rng.choice([None, 100, 500]),
        "large_expenditure_threshold_cny": rng.choice([None, 10_000_000]),
        "period_counting": rng.choice(["exclude_start_day", "include_start_day"]),
    }
    as_of = dt.date(2025, 3, 1) + dt.timedelta(days=rng.randint(0, 660))
    return base, profile, as_of
