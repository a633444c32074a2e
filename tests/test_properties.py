"""Property-based tests (hypothesis, bounded so the suite stays fast).

- Generated records, valid and near-valid, never raise anything but the tool's InputError,
  and a loaded record is always checked to a report (never an exception, never an engine error).
- Findings are identical under step shuffles and under ISO vs Chinese date spellings.
- Mutations of a compliant case: deleting or moving one step changes exactly the rules that
  depend on that step kind (those naming it in `each`/`need`/`when`), and deleting a step that
  is a check's only way to be met turns that rule from satisfied to violated.
"""
from __future__ import annotations

import copy
import datetime as dt
import json
import os
import random
import re
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, assume, given, settings, strategies as st

from compliance import vocabulary as voc
from compliance.errors import InputError
from compliance.formats.json_report import record_dict
from compliance.loader import load_data
from compliance.models import validate_record
from compliance.profiles import Profile, load_profile
from compliance.records import LoadedRecord, load_record

from .conftest import AS_OF, ROOT
from .generate import BASES, generate, load_bases

# PROPERTY_EXAMPLES=2000 for a long run (fuzz/README.md); derandomized, so CI is reproducible
SETTINGS = settings(max_examples=int(os.environ.get("PROPERTY_EXAMPLES", "60")), deadline=None, database=None,
                    derandomize=not os.environ.get("PROPERTY_EXAMPLES"),
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture,
                                           HealthCheck.data_too_large])
_BASES = load_bases()
EXAMPLE = ROOT / "rules" / "_examples" / "expropriation.yaml"


@pytest.fixture(scope="module")
def workdir(tmp_path_factory):
    return tmp_path_factory.mktemp("properties")


# ---------------------------------------------------------------- generated records
def _valid_value(ftype):
    if ftype == voc.DATE:
        return st.dates(dt.date(2020, 1, 1), dt.date(2026, 12, 31)).map(dt.date.isoformat)
    if ftype == voc.TEXT:
        return st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=12)
    if ftype == voc.INT:
        return st.integers(0, 10_000)
    if ftype == voc.NUMBER:
        return st.one_of(st.integers(0, 10**9), st.floats(0, 1e9, allow_nan=False))
    if ftype == voc.BOOL:
        return st.booleans()
    tag, allowed = ftype
    if tag == "enum":
        return st.sampled_from(allowed)
    return st.lists(st.sampled_from(allowed) if allowed else st.text(max_size=5), max_size=4)


JUNK = st.one_of(
    st.none(), st.booleans(), st.integers(-10**20, 10**20), st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=20), st.lists(st.integers(), max_size=3), st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
    st.sampled_from(["2025-02-30", "2025-13", "1850-01-01", "二〇二五年二月三十日", "２０２５－０４－２５", "2025年4月", "",
                     "decison", "社会稳定风险评估", "\x07", "x" * 70_000]),
)


@st.composite
def step_strategy(draw, record_type: str):
    kinds = voc.KINDS_BY_TYPE[record_type]
    kind = kinds[draw(st.sampled_from(sorted(kinds)))]
    step = {"kind": kind.name}
    for name in draw(st.lists(st.sampled_from(sorted(kind.all_fields)), max_size=5, unique=True)):
        step[name] = draw(_valid_value(kind.all_fields[name]))
    if "start" in step and "end" in step and step["end"] < step["start"]:
        step["start"], step["end"] = step["end"], step["start"]
    return step


@st.composite
def near_valid_record(draw):
    """An example record, changed the way hand-typed files go wrong: steps dropped, added and
    shuffled, fields given valid values, junk, typos, unknown keys, required fields deleted."""
    data = copy.deepcopy(_BASES[draw(st.sampled_from(BASES))])
    steps = data["steps"]
    keep = draw(st.lists(st.booleans(), min_size=len(steps), max_size=len(steps)))
    data["steps"] = [s for s, k in zip(steps, keep) if k or len(steps) < 3]
    data["steps"] += draw(st.lists(step_strategy(data["type"]), max_size=3))
    data["steps"] = draw(st.permutations(data["steps"]))
    for _ in range(draw(st.integers(0, 3))):
        how = draw(st.sampled_from(["junk-field", "unknown-field", "junk-top", "drop-top", "typo-kind", "junk-step"]))
        steps_now = data.get("steps") if isinstance(data.get("steps"), list) else None
        if how in ("junk-field", "unknown-field", "typo-kind") and steps_now:
            step = steps_now[draw(st.integers(0, len(steps_now) - 1))]
            step = dict(step) if isinstance(step, dict) else {"kind": "decision"}
            if how == "junk-field":
                kinds = voc.KINDS_BY_TYPE.get(data["type"]) if isinstance(data.get("type"), str) else None
                kind = kinds.get(step.get("kind")) if kinds and isinstance(step.get("kind"), str) else None
                step[draw(st.sampled_from(sorted(kind.all_fields) if kind else ["date"]))] = draw(JUNK)
            elif how == "unknown-field":
                step[draw(st.sampled_from(["dat", "dcument", "备注", "1", "kind_"]))] = draw(JUNK)
            else:
                step["kind"] = draw(st.sampled_from(["decison", "作出征收决订", "", "risk assessment"]))
            data["steps"] = steps_now + [step]
        elif how == "junk-top":
            data[draw(st.sampled_from(["households", "title", "issuer", "type", "format", "steps", "waivers"]))] = draw(JUNK)
        elif how == "drop-top":
            data.pop(draw(st.sampled_from(["id", "title", "issuer", "type", "format"])), None)
        elif how == "junk-step" and steps_now is not None:
            data["steps"] = steps_now + [draw(JUNK)]
    return data


def _dump(data, suffix: str) -> bytes:
    if suffix == ".json":
        return json.dumps(data, ensure_ascii=False, default=str).encode("utf-8")
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False).encode("utf-8")


@SETTINGS
@given(data=near_valid_record(), suffix=st.sampled_from([".yaml", ".json"]))
def test_generated_records_raise_only_input_errors(checker, workdir, data, suffix):
    path = workdir / f"generated{suffix}"
    path.write_bytes(_dump(data, suffix))
    try:
        loaded = load_record(path)
    except InputError as e:
        assert all("\n" not in line and line.startswith(str(path)) for line in e.lines("zh") + e.lines("en"))
        return
    report = checker.check_loaded(loaded, AS_OF, "zh")
    assert report.error is None or "engine" not in report.error.message, report.error
    results = {f.result for f in report.findings}
    expected = ("error" if report.error else "fail" if "violated" in results
                else "incomplete" if "not_evaluable" in results else "pass")
    assert report.status == expected, (report.status, results)


@SETTINGS
@given(data=near_valid_record())
def test_validation_raises_nothing_but_input_errors_in_memory(data):
    """The same, without a file: validate_record may raise only pydantic's ValidationError
    (load_record turns it into InputError); never TypeError, KeyError, RecursionError..."""
    from pydantic import ValidationError
    from compliance.models import NestedValidationError
    try:
        validate_record(data)
    except (ValidationError, NestedValidationError):
        pass


# ---------------------------------------------------------------- invariance
def _generated_record(seed: int):
    rng = random.Random(seed)
    for _ in range(50):
        data, prof, as_of = generate(rng, _BASES)
        try:
            validate_record(data)
        except Exception:  # noqa: BLE001 - the generator sometimes makes invalid records; draw again
            continue
        return data, Profile(name="gen", **prof), as_of
    pytest.skip("no valid record generated")


def _report(checker, data, profile, as_of, steps_order=None):
    record = validate_record(data)
    if steps_order is not None:
        record = record.model_copy(update={"steps": [record.steps[i] for i in steps_order]})
    checker._profiles["gen"] = profile
    rep = checker.check_loaded(LoadedRecord(Path("gen.yaml"), record, []), as_of, "zh", "gen", include_all=True)
    out = record_dict(rep, "zh")
    out.pop("notes")
    return out


def _tied_steps(record: dict) -> bool:
    """Two different steps of one kind with the same date: see the test below."""
    seen: dict = {}
    for s in record["steps"]:
        key = (s.get("kind"), str(s.get("date") or s.get("start")))
        if seen.setdefault(key, s) != s:
            return True
    return False


@SETTINGS
@given(seed=st.integers(0, 10**6), data=st.data())
def test_findings_identical_under_step_shuffles(checker, seed, data):
    record, profile, as_of = _generated_record(seed)
    assume(not _tied_steps(record))
    order = data.draw(st.permutations(range(len(record["steps"]))))
    assert _report(checker, record, profile, as_of) == _report(checker, record, profile, as_of, order)


def test_message_quotes_the_same_step_whatever_the_order(checker):
    data = {"format": "decision-record/1", "id": "T", "type": "expropriation_decision", "title": "t",
            "issuer": {"name": "x", "level": "district_government"}, "department": {"name": "d"},
            "public_interest": "infrastructure", "households": 5,
            "steps": [{"kind": "survey", "start": "2025-01-10", "end": "2025-03-10"},
                      {"kind": "survey", "start": "2025-01-10", "end": "2025-02-10"}]}
    profile = load_profile("national")
    checker._profiles["gen"] = profile
    as_of = dt.date(2025, 8, 16)
    assert _report(checker, data, profile, as_of) == _report(checker, data, profile, as_of, [1, 0])


_CN_DIGITS = "〇一二三四五六七八九"


def _cn_number(n: int) -> str:
    if n < 10:
        return _CN_DIGITS[n]
    return ("" if n // 10 == 1 else _CN_DIGITS[n // 10]) + "十" + (_CN_DIGITS[n % 10] if n % 10 else "")


def respell(value: str, style: str) -> str:
    """An ISO date (or month) in another accepted spelling."""
    m = re.fullmatch(r"(\d{4})-(\d{2})(?:-(\d{2}))?", value)
    if not m:
        return value
    y, mo, d = m.group(1), int(m.group(2)), int(m.group(3)) if m.group(3) else None
    full = str.maketrans("0123456789-", "０１２３４５６７８９－")
    if style == "chinese":
        return f"{y}年{mo}月" + (f"{d}日" if d else "")
    if style == "fullwidth-chinese":
        return (f"{y}年{mo}月" + (f"{d}日" if d else "")).translate(full)
    if style == "numerals":
        return "".join(_CN_DIGITS[int(c)] for c in y) + f"年{_cn_number(mo)}月" + (f"{_cn_number(d)}日" if d else "")
    if style == "fullwidth-iso":
        return value.translate(full)
    if style == "slash":
        return f"{y}/{mo}" + (f"/{d}" if d else "")
    return value


def _respell_all(data: dict, style) -> dict:
    data = copy.deepcopy(data)

    def fix(obj):
        if isinstance(obj, dict):
            return {k: fix(v) for k, v in obj.items()}
        if isinstance(obj, list):
            return [fix(v) for v in obj]
        if isinstance(obj, str) and re.fullmatch(r"\d{4}-\d{2}(-\d{2})?", obj):
            return respell(obj, style())
        return obj

    for key in ("steps", "household_entries", "signing_end", "relocation_deadline", "expropriation_decision"):
        if key in data:
            data[key] = fix(data[key])
    return data


@SETTINGS
@given(seed=st.integers(0, 10**6), data=st.data())
def test_findings_identical_under_iso_and_chinese_dates(checker, seed, data):
    record, profile, as_of = _generated_record(seed)
    styles = st.sampled_from(["chinese", "fullwidth-chinese", "numerals", "fullwidth-iso", "slash", "iso"])
    chinese = _respell_all(record, lambda: data.draw(styles))
    assert _report(checker, record, profile, as_of) == _report(checker, chinese, profile, as_of)


def test_iso_and_chinese_spellings_through_files(checker, workdir):
    """The same, end to end from YAML files (the notes say what was normalised)."""
    base = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    chinese = _respell_all(json.loads(json.dumps(base, default=str)), lambda: "numerals")
    a, b = workdir / "iso.yaml", workdir / "cn.yaml"
    a.write_bytes(_dump(json.loads(json.dumps(base, default=str)), ".yaml"))
    b.write_bytes(_dump(chinese, ".yaml"))
    ra, rb = (checker.check_file(p, AS_OF, "zh") for p in (a, b))
    da, db = record_dict(ra, "zh"), record_dict(rb, "zh")
    assert len(rb.notes) > len(ra.notes) and any("二〇二五年" in n and "读作 2025-" in n for n in rb.notes)
    for d in (da, db):
        d.pop("notes"), d.pop("file")
    assert da == db


# ---------------------------------------------------------------- mutations of a compliant case
DERIVED = {"plan_comment": {"public_opinion"}}   # facts.py: a plan_comment also counts as public_opinion


def _names(rule, kind: str) -> bool:
    """Does the rule name this step kind in `each`, `need` (any branch) or a `when` on `steps`?"""
    kinds = {kind} | DERIVED.get(kind, set())
    for check in rule.checks:
        if check.each in kinds or kinds & set(check.need_kinds):
            return True
    text = json.dumps([rule.when] + [c.when for c in rule.checks], ensure_ascii=False, default=str)
    return any(re.search(rf"(?<![a-z_]){k}(?![a-z_])", text) for k in kinds)


def _sole_need_rules(evaluator, results, kind: str, record) -> set[str]:
    """Rules with a check met at baseline whose only way to be met is a step of this kind:
    deleting the record's only such step must turn them from satisfied to violated."""
    if sum(1 for s in record.steps if s.kind == kind) != 1 or kind in DERIVED:
        return set()
    stage = evaluator.rulebook.stages.for_type(record.type).get(kind)
    present = {s.kind for s in record.steps} | {s.kind for e in record.household_entries for s in e.steps}
    if stage is not None and present & set(stage.proven_by):
        return set()    # a later step still proves the stage (rules/_stages.yaml)
    out = set()
    for r in results:
        if r.household or r.result != "satisfied" or r.applicability != "applies":
            continue
        for cr in r.checks:
            if not isinstance(cr.index, int) or cr.result != "satisfied":
                continue
            check = r.rule.checks[cr.index]
            if (check.need_kinds == (kind,) and not check.any_of and check.each != kind and not check.when
                    and check.missing == "violated" and not check.due and not check.forbidden
                    and kind not in json.dumps(r.rule.when, default=str)):
                out.add(r.rule.id)
    return out


def _results(evaluator, data):
    record = validate_record(data)
    results, _ = evaluator.evaluate(record, load_profile("national"), AS_OF)
    return record, results, {(r.rule.id, r.household): r.result for r in results}


@pytest.fixture(scope="module")
def compliant(evaluator):
    data, _ = load_data(EXAMPLE)  # dates stay text
    record, results, table = _results(evaluator, data)
    assert "violated" not in table.values(), "the example must be compliant"
    return data, record, results, table


def test_deleting_one_step_changes_exactly_the_rules_that_depend_on_it(evaluator, compliant):
    data, record, results, baseline = compliant
    rules = {r.id: r for r in evaluator.rulebook.rules}
    for i, step in enumerate(data["steps"]):
        mutated = copy.deepcopy(data)
        del mutated["steps"][i]
        _, _, after = _results(evaluator, mutated)
        changed = {rule for (rule, _h), res in baseline.items() if after.get((rule, _h)) != res}
        depend = {rule_id for rule_id, rule in rules.items() if _names(rule, step["kind"])}
        assert changed <= depend, (step["kind"], sorted(changed - depend))
        must = _sole_need_rules(evaluator, results, step["kind"], record)
        assert must <= changed, (step["kind"], sorted(must - changed))
        for rule_id in must:
            assert after[(rule_id, None)] in ("violated", "not_evaluable"), (step["kind"], rule_id)
    # the deletions did exercise the rules: most steps are some rule's only way to be met
    assert sum(bool(_sole_need_rules(evaluator, results, s["kind"], record)) for s in data["steps"]) >= 10


def test_moving_one_step_changes_only_the_rules_that_depend_on_it(evaluator, compliant):
    """Move a step in time (after the decision, or to the first day of the procedure): only
    rules that name its kind may change; moving it within the list changes nothing."""
    data, record, results, baseline = compliant
    rules = {r.id: r for r in evaluator.rulebook.rules}
    rng = random.Random(6)
    indices = rng.sample(range(len(data["steps"])), 12)
    moved_results = set()
    for i in indices:
        step = data["steps"][i]
        for when in ("2025-12-01", "2024-12-01"):
            mutated = copy.deepcopy(data)
            moved = mutated["steps"][i]
            for key in ("date", "start", "end", "submitted"):
                if key in moved:
                    moved[key] = when
            _, _, after = _results(evaluator, mutated)
            changed = {rule for (rule, _h), res in baseline.items() if after.get((rule, _h)) != res}
            depend = {rule_id for rule_id, rule in rules.items() if _names(rule, step["kind"])}
            assert changed <= depend, (step["kind"], when, sorted(changed - depend))
            moved_results |= changed
        reordered = copy.deepcopy(data)
        reordered["steps"].insert(0, reordered["steps"].pop(i))
        assert _results(evaluator, reordered)[2] == baseline
    assert len(moved_results) >= 5  # the moves did break rules (out of order, too early, too late)
