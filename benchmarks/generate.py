"""Seeded generator of realistic, messy decision-record files for the audit benchmark.

Starts from the compliant example records shipped with the rules (all three record types)
and changes them the way files written by hand differ: steps missing, duplicated or out of
order, dates moved, known only to the month or written 2025年3月1日 / 2025/3/1, Chinese
kind labels instead of kind names, document numbers missing, flow or block YAML, some
JSON, CRLF line ends, a BOM, GB18030 files, and — with `broken` > 0 — a few files that
cannot be read or validated. Decisions fall in 2024-2026, so `--year` has work to do.

    python benchmarks/generate.py OUT_DIR -n 1000 [--seed 7] [--broken 0.01]
"""
from __future__ import annotations

import argparse
import copy
import datetime as dt
import json
import random
import re
from pathlib import Path

import yaml

from compliance import vocabulary as voc
from compliance.loader import load_data
from compliance.rulebook import bundled_rules_dir

EXAMPLES = {  # example file -> weight (expropriation decisions dominate a year's work)
    "expropriation.yaml": 4, "expropriation-households.yaml": 1, "major_matter.yaml": 3,
    "d713-major-matter.yaml": 1, "compensation.yaml": 3,
}
DISTRICTS = [("卫滨区", "WB"), ("红旗区", "HQ"), ("牧野区", "MY"), ("凤泉区", "FQ"), ("新乡县", "XX"), ("获嘉县", "HJ")]
ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
DATE_TYPES = (voc.DATE,)


def load_bases() -> dict[str, dict]:
    root = bundled_rules_dir() / "_examples"
    return {name: load_data(root / name)[0] for name in EXAMPLES if (root / name).exists()}


def _shift(value: str, days: int) -> str:
    return (dt.date.fromisoformat(value) + dt.timedelta(days=days)).isoformat()


def _respell(rng: random.Random, value: str) -> str:
    """The same day written as people write it."""
    d = dt.date.fromisoformat(value)
    roll = rng.random()
    if roll < 0.04:
        return value[:7]                                   # known only to the month
    if roll < 0.09:
        return f"{d.year}年{d.month}月{d.day}日"
    if roll < 0.12:
        return f"{d.year}/{d.month}/{d.day}"
    return value


def _dates_of(kind_fields: dict) -> set[str]:
    return {name for name, ftype in kind_fields.items() if ftype in DATE_TYPES}


def mutate_steps(rng: random.Random, steps: list[dict], scope: str, year_shift: int) -> list[dict]:
    kinds = voc.KINDS_BY_TYPE[scope]
    labels = voc.kind_aliases(scope)
    by_name = {v: k for k, v in labels.items() if k == kinds[v].label} if labels else {}
    out = []
    for step in steps:
        if rng.random() < 0.10:                             # a step not done (or not recorded)
            continue
        step = dict(step)
        kind = kinds.get(step["kind"])
        if kind is None:
            out.append(step)
            continue
        dates = _dates_of(kind.all_fields)
        jitter = rng.randint(-40, 40) if rng.random() < 0.25 else 0
        for key in list(step):          # one shift for the whole step keeps its periods in order
            value = step[key]
            if key in dates and isinstance(value, str) and ISO_DAY.match(value):
                step[key] = _respell(rng, _shift(value, year_shift + jitter))
        if "doc" in step and rng.random() < 0.08:
            del step["doc"]
        if "date" in step and rng.random() < 0.03:
            del step["date"]                                # done, date unknown
        if rng.random() < 0.10 and step["kind"] in by_name:
            step["kind"] = by_name[step["kind"]]            # 社会稳定风险评估 instead of risk_assessment
        out.append(step)
        if rng.random() < 0.02:
            out.append(dict(step))                          # copied twice
    if rng.random() < 0.3:
        rng.shuffle(out)                                    # steps in no particular order
    return out


def _shift_record_dates(rng: random.Random, data: dict, days: int) -> None:
    for key in ("signing_end", "relocation_deadline", "demolition_permit_date"):
        if isinstance(data.get(key), str) and ISO_DAY.match(data[key]):
            data[key] = _shift(data[key], days)
    parent = data.get("expropriation_decision")
    if isinstance(parent, dict):
        for key, value in list(parent.items()):
            if isinstance(value, str) and ISO_DAY.match(value):
                parent[key] = _shift(value, days)
    for waiver in data.get("waivers") or []:
        if isinstance(waiver.get("expires"), str) and ISO_DAY.match(waiver["expires"]):
            waiver["expires"] = _shift(waiver["expires"], days)


def make_record(rng: random.Random, bases: dict[str, dict], n: int) -> dict:
    name = rng.choices(list(bases), weights=[EXAMPLES[b] for b in bases])[0]
    data = copy.deepcopy(bases[name])
    district, code = rng.choice(DISTRICTS)
    year_shift = rng.choice([-365, 0, 0, 0, 365])
    data["id"] = f"{code}-{2025 + year_shift // 365}-{data['type'][:2].upper()}-{n:05d}"
    data["title"] = f"{district}{data['title'][3:]}" if len(data.get("title", "")) > 3 else data.get("title", "")
    data["steps"] = mutate_steps(rng, data["steps"], data["type"], year_shift)
    _shift_record_dates(rng, data, year_shift)
    for entry in data.get("household_entries") or []:
        entry["steps"] = mutate_steps(rng, entry["steps"], "household", year_shift)
    if data["type"] == "expropriation_decision":
        data["households"] = rng.choice([12, 60, 120, 312, 900])
        data["objecting_households"] = rng.randint(0, data["households"] // 2 + (data["households"] // 2 if rng.random() < 0.1 else 0))
    elif data["type"] == "major_matter":
        data["category"] = rng.choice(["important_decision", "major_project", "large_expenditure", "other"])
        data["amount_cny"] = rng.choice([800_000, 5_000_000, 35_000_000])
    if rng.random() < 0.15:
        data.pop("waivers", None)
    return data


def _broken(rng: random.Random, data: dict, n: int) -> tuple[str, bytes]:
    """A file that must be reported as an error, not crash the batch."""
    kind = rng.choice(["yaml", "typo", "date", "binary", "empty", "format"])
    if kind == "yaml":
        return "yaml", b"format: decision-record/1\nid: [unclosed\nsteps: {\n"
    if kind == "binary":
        return "yaml", bytes(rng.randrange(256) for _ in range(200)) + b"\x00"
    if kind == "empty":
        return "yaml", b""
    data = copy.deepcopy(data)
    if kind == "typo":
        data["stpes"] = data.pop("steps")
    elif kind == "date":
        data["steps"].append({"kind": "decision", "date": "2025-02-30"})
    else:
        data["format"] = "decision-record/0"
    return "yaml", yaml.safe_dump(data, allow_unicode=True, sort_keys=False).encode()


def render(rng: random.Random, data: dict) -> tuple[str, bytes]:
    """(suffix, bytes) of a record file in one of the spellings offices produce."""
    roll = rng.random()
    if roll < 0.10:
        return "json", json.dumps(data, ensure_ascii=False, indent=2).encode()
    flow = roll < 0.55
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, default_flow_style=None if flow else False,
                          width=200)
    text = f"# {data.get('title', '')}\n" + text
    if rng.random() < 0.05:
        text = text.replace("\n", "\r\n")
    if rng.random() < 0.02:
        return "yaml", text.encode("gb18030")
    raw = text.encode()
    if rng.random() < 0.02:
        raw = b"\xef\xbb\xbf" + raw
    return ("yml" if rng.random() < 0.2 else "yaml"), raw


def generate(out: Path, n: int, seed: int = 7, broken: float = 0.01) -> list[Path]:
    rng = random.Random(seed)
    bases = load_bases()
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(n):
        data = make_record(rng, bases, i)
        suffix, raw = _broken(rng, data, i) if rng.random() < broken else render(rng, data)
        district = data["id"].split("-")[0]
        folder = out / district / data["id"].split("-")[1]
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{data['id']}.{suffix}"
        path.write_bytes(raw)
        paths.append(path)
    return paths


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("-n", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--broken", type=float, default=0.01, help="share of files that cannot be read or validated")
    args = ap.parse_args()
    paths = generate(args.out, args.n, args.seed, args.broken)
    print(f"{len(paths)} files in {args.out}")


if __name__ == "__main__":
    main()
