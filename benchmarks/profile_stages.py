"""Where an audit's time goes, stage by stage, without a profiler's overhead.

Wraps the pipeline's functions with timers (in this process only; nothing is changed on
disk), runs `audit` with one process over a corpus and prints milliseconds per record
for each stage next to the parse-only floor.

    python benchmarks/profile_stages.py DIR [--engine]

--engine also splits the engine's time into the C calls and the decoding of the matches
(the timers add a little overhead of their own).
"""
from __future__ import annotations

import datetime as dt
import functools
import io
import sys
import time
from collections import defaultdict
from pathlib import Path

import yaml

import compliance.audit as audit
import compliance.evaluate as evaluate
import compliance.records as records
import compliance.report as report
from compliance.formats.audit_base import AuditMeta, rule_rows, writer_class
from compliance.rulebook import load_rulebook

SPENT: dict[str, float] = defaultdict(float)


def timed(name: str, fn):
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        t = time.perf_counter()
        try:
            return fn(*args, **kwargs)
        finally:
            SPENT[name] += time.perf_counter() - t
    return wrapper


def instrument() -> None:
    records.read_text = timed("read + decode", records.read_text)
    records.parse = timed("YAML parse", records.parse)
    records.validate_record = timed("validate (pydantic)", records.validate_record)
    records.normalised_dates = timed("validate (pydantic)", records.normalised_dates)
    evaluate.Evaluator.facts_for = timed("facts", evaluate.Evaluator.facts_for)
    evaluate.Evaluator.firings = timed("engine (durable-rules)", evaluate.Evaluator.firings)
    evaluate.fold_rule = timed("fold results", evaluate.fold_rule)
    report.Checker.check_loaded = timed("check_loaded (total)", report.Checker.check_loaded)
    audit.record_dict = timed("report dict", audit.record_dict)


ENGINE: dict[str, float] = defaultdict(float)


def instrument_engine() -> None:
    """Split the engine's time: the C calls, and decoding the matches it returns (JSON)."""
    import json

    import durable_rules_engine as dre

    import compliance.engine.durable_adapter as adapter

    def count(name, fn, size=False):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            t = time.perf_counter()
            out = fn(*args, **kwargs)
            ENGINE[name + " (s)"] += time.perf_counter() - t
            ENGINE[name + " (calls)"] += 1
            if size and out:
                ENGINE["match JSON bytes"] += len(out if isinstance(out, str) else (out[1] or ""))
            return out
        return wrapper

    for name in ("assert_fact", "assert_facts", "start_action_for_state", "complete_and_start_action"):
        setattr(dre, name, count(f"C {name}", getattr(dre, name), size=name.endswith("action")
                                 or name == "start_action_for_state"))
    adapter.json = type("J", (), {"dumps": staticmethod(count("json.dumps batch", json.dumps)),
                                  "loads": staticmethod(count("json.loads matches", json.loads))})
    adapter.DurableRuleset.matches = timed("engine: rulesets", adapter.DurableRuleset.matches)


def floor(files: list[Path]) -> float:
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    t = time.perf_counter()
    for f in files:
        raw = f.read_bytes()
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = raw.decode("gb18030", "replace")
        try:
            yaml.load(text, Loader=loader)
        except yaml.YAMLError:
            pass
    return time.perf_counter() - t


def main() -> None:
    root = Path(sys.argv[1])
    files = [path for kind, path in audit.discover([root]).sources if kind == "file"]
    book = load_rulebook()
    opts = audit.Options(as_of=dt.date(2026, 6, 30))
    meta = AuditMeta("2026-06-30", "zh", "profile", rules=rule_rows(book, "zh"))
    audit.run([root], opts, writer_class("json")(io.StringIO(), meta), rulebook=book)   # compile, warm caches
    instrument()
    if "--engine" in sys.argv:
        instrument_engine()
    t = time.perf_counter()
    audit.run([root], opts, writer_class("json")(io.StringIO(), meta), rulebook=book)
    total = time.perf_counter() - t
    n = len(files)
    floor_s = floor(files)
    inner = SPENT["facts"] + SPENT["engine (durable-rules)"] + SPENT["fold results"]
    SPENT["findings, waivers (rest of check_loaded)"] = SPENT.pop("check_loaded (total)") - inner
    SPENT.pop("engine: rulesets", None)
    SPENT["batch: discovery, summary, JSON writing"] = total - sum(SPENT.values())
    print(f"{n} records, one process: {n / total:.0f} records/s; parse-only floor {n / floor_s:.0f} records/s")
    print(f"{'stage':<44} {'ms/record':>9} {'share':>6}")
    for name, s in sorted(SPENT.items(), key=lambda kv: -kv[1]):
        print(f"{name:<44} {1000 * s / n:>9.2f} {s / total:>6.0%}")
    print(f"{'total':<44} {1000 * total / n:>9.2f}")
    print(f"{'parse-only floor':<44} {1000 * floor_s / n:>9.2f}")
    if ENGINE:
        print("engine detail (per record):")
        for name, v in sorted(ENGINE.items()):
            shown = f"{1000 * v / n:.2f} ms" if name.endswith("(s)") else f"{v / n:.0f}"
            print(f"  {name:<42} {shown:>12}")


if __name__ == "__main__":
    main()
