"""Bad input never crashes, never passes silently, never loses a record (issue 6).

Every class of broken or hostile file gets one line naming the file, the place and the fix,
exit code 2 from the command, no traceback and no hang; a batch accounts for every file.
"""
from __future__ import annotations

import json
import math
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from compliance import cli, loader
from compliance.errors import EngineError, InputError
from compliance.i18n import localize
from compliance.records import load_record

from .conftest import AS_OF, ROOT, english

EXAMPLE = ROOT / "rules" / "_examples" / "expropriation.yaml"
GOOD = EXAMPLE.read_text(encoding="utf-8")
DECISION = "{kind: decision, date: 2025-04-25, doc: 卫政〔2025〕12号}"
COMPLIANCE = [sys.executable, "-m", "compliance"]
sys.path.insert(0, str(ROOT / "fuzz"))


def good(*changes: tuple[str, str]) -> str:
    text = GOOD
    for old, new in changes:
        assert old in text, old
        text = text.replace(old, new)
    return text


def step(fields: str) -> str:
    """The example with its decision step replaced."""
    return good((DECISION, "{" + fields + "}"))


def line_of_decision() -> int:
    return next(i for i, line in enumerate(GOOD.splitlines(), 1) if "kind: decision," in line)


BOMB = "".join([
    'a: &a ["x", "x", "x", "x", "x", "x", "x", "x", "x"]\n',
    *(f"{c}: &{c} [{', '.join([f'*{p}'] * 9)}]\n" for p, c in zip("abcdefgh", "bcdefghi")),
])
MERGE_BOMB = "m0: &m0 {k0: 1, k1: 2}\n" + "".join(
    f"m{i}: &m{i} {{<<: [{', '.join([f'*m{i - 1}'] * 8)}]}}\n" for i in range(1, 12))

# (name, content, words the message must hold, place it must name or None)
HOSTILE: list[tuple[str, str | bytes, list[str], str | None]] = [
    # invalid YAML / JSON
    ("unclosed.yaml", "format: [\n", ["invalid YAML", "brackets"], "2:1"),
    ("tab.yaml", "format: decision-record/1\n\tid: x\n", ["invalid YAML", "tab"], "2:1"),
    ("unclosed.json", '{"format": ', ["invalid JSON"], "1:12"),
    ("control.yaml", 'format: "a\x07b"\n', ["U+0007", "remove it"], "1:11"),
    ("two-docs.yaml", GOOD + "---\nid: y\n", ["more than one YAML document", "one document per file"], None),
    ("tag.yaml", "!!python/object/apply:os.system [echo]\n", ["invalid YAML", "tag"], "1:1"),
    ("binary-tag.yaml", good(("title: 卫滨", "title: !!binary aGVsbG8=\nnote_: 卫滨")), ["!!binary"], "(title)"),
    ("set.yaml", GOOD.split("steps:")[0] + "steps: !!set {a, b}\n", ["!!set"], "(steps)"),
    ("key-list.yaml", "? [a, b]\n: 1\n", ["key must be a word"], "1:3"),
    ("key-bool.yaml", GOOD + "on: 1\n", ["not a field name", "quote"], None),
    # alias bombs, recursion and deep nesting: bounded before they cost memory
    ("bomb.yaml", BOMB, ["more than 500,000 values", "alias"], None),
    ("merge-bomb.yaml", MERGE_BOMB, ["more than 500,000 values"], None),
    ("recursive.yaml", "a: &a [1, *a]\n", ["refers to the value that contains it"], "1:11"),
    ("undefined-alias.yaml", "a: *nope\n", ["undefined alias"], "1:4"),
    ("deep-flow.yaml", "[" * 5000 + "]" * 5000, ["nested too deeply"], None),
    ("deep-block.yaml", "".join("  " * i + f"k{i}:\n" for i in range(100)) + "  " * 100 + "v: 1\n",
     ["nested more than 64 levels"], None),
    ("deep.json", "[" * 100_000 + "]" * 100_000, ["nested too deeply"], None),
    ("deep70.json", "[" * 70 + "]" * 70, ["nested more than 64 levels"], "1:66"),
    # duplicate keys
    ("duplicate.yaml", GOOD + "households: 3\n", ["duplicate key 'households'", "keep one"], None),
    ("duplicate-in-step.yaml", step("kind: decision, date: 2025-04-25, date: 2025-04-26"),
     ["duplicate key 'date'"], None),
    ("duplicate.json", '{"format": "decision-record/1",\n "id": "a", "id": "b"}', ["duplicate key 'id'"], "2:13"),
    # empty
    ("empty.yaml", "", ["empty"], None),
    ("blank.yaml", " \n\n\t\n", ["empty"], None),
    ("comments.yaml", "# only a comment\n", ["no data"], None),
    ("empty.json", "", ["empty"], None),
    # binary junk
    ("nul.yaml", "\x00\x01binary", ["binary"], None),
    ("png.yaml", b"\x89PNG\r\n\x1a\n" + bytes(range(1, 256)) * 4, ["neither UTF-8 nor GBK", "save it as UTF-8"], None),
    # a list or a scalar where a mapping is expected
    ("list.yaml", "- 1\n- 2\n", ["must be a mapping", "not a list"], "1:1"),
    ("scalar.yaml", "hello\n", ["must be a mapping", "single value"], "1:1"),
    ("null.json", "null", ["no data"], None),
    ("steps-mapping.yaml", GOOD.split("steps:")[0] + "steps: {a: 1}\n", ["`steps` must be a list"], "(steps)"),
    ("step-scalar.yaml", good((DECISION, "decision")), ["a step must be a mapping"], None),
    ("issuer-list.yaml", good(("issuer: {name: 新乡市卫滨区人民政府, level: district_government, superior: 新乡市人民政府}",
                               "issuer: [a, b]")), ["expected a mapping"], "(issuer)"),
    ("kind-list.yaml", step("kind: [decision], date: 2025-04-25"), ["`kind` must be the name of a step kind"], ".kind)"),
    ("type-list.yaml", good(("type: expropriation_decision", "type: [expropriation_decision]")),
     ["is not one of", "expropriation_decision"], "(type)"),
    ("households-yes.yaml", good(("households: 312", "households: yes")), ["expected a number, not True"],
     "(households)"),
    ("major-1.yaml", good(("is_major_decision: true", "is_major_decision: 1")), ["expected true or false, not 1"],
     "(is_major_decision)"),
    ("id-list.yaml", good(("id: EX-2025-ZS-01", "id: [1, 2]")), ["expected text"], "(id)"),
    # wrong format or a future version
    ("no-format.yaml", good(("format: decision-record/1\n", "")), ["missing `format: decision-record/1`"], "(format)"),
    ("format-2.yaml", good(("decision-record/1", "decision-record/2")), ["newer format", "update the tool"], "(format)"),
    ("format-typo.yaml", good(("decision-record/1", "decision_record/1")), ["did you mean 'decision-record/1'"], "(format)"),
    ("format-number.json", '{"format": 1}', ["unsupported format 1"], "(format)"),
    # encodings
    ("big5.yaml", "format: decision-record/1\ntitle: 衛濱區健康路片區城市更新項目房屋徵收決定\nissuer: {name: 新鄉市衛濱區人民政府}\n"
     .encode("big5"),
     ["not plain Chinese text", "save it as UTF-8"], None),
    ("latin1.yaml", "format: cafés\n".encode("latin-1"), ["not UTF-8", "save it as UTF-8"], None),
    ("bad-utf16.yaml", b"\xff\xfe" + b"\x00\xd8a\x00", ["byte-order mark", "save it as UTF-8"], None),
    # unknown kinds and fields, with did-you-mean
    ("unknown-kind.yaml", step("kind: decison, date: 2025-04-25"), ["unknown step kind 'decison'",
                                                                      "did you mean 'decision'"], ".kind)"),
    ("unknown-alias.yaml", step("kind: 作出征收决订, date: 2025-04-25"), ["unknown step kind", "did you mean '作出征收决定'"],
     ".kind)"),
    ("unknown-field.yaml", step("kind: decision, dat: 2025-04-25"), ["unknown field 'dat'", "did you mean 'date'"],
     ".dat)"),
    ("unknown-top.yaml", good(("households: 312", "housholds: 312")), ["unknown field", "did you mean 'households'"],
     "(housholds)"),
    ("unknown-enum.yaml", good(("conclusion: low,", "conclusion: lowe,")), ["not one of", "did you mean 'low'"],
     ".conclusion)"),
    # impossible dates, end before start, far past and future
    ("feb-30.yaml", step("kind: decision, date: 2025-02-30"), ["not a real date"], ".date)"),
    ("month-13.yaml", step("kind: decision, date: 2025-13"), ["not a real month"], ".date)"),
    ("cn-feb-30.yaml", step("kind: decision, date: 二〇二五年二月三十日"), ["not a real date"], ".date)"),
    ("reversed.yaml", good(("start: 2025-03-01, end: 2025-03-31", "start: 2025-03-31, end: 2025-03-01")),
     ["ends (2025-03-01) before it starts (2025-03-31)", "fix start or end"], ".end)"),
    ("far-past.yaml", step("kind: decision, date: 1850-04-25"), ["outside 1990-2100", "typo"], ".date)"),
    ("far-future.yaml", step("kind: decision, date: 2925-04-25"), ["outside 1990-2100", "typo"], ".date)"),
    ("date-number.yaml", step("kind: decision, date: 20250425"), ["is a number, not a date", "2025-03-01"], ".date)"),
    ("date-float.yaml", step("kind: decision, date: 2025.4"), ["read as a number", "2025-03"], ".date)"),
    ("date-word.yaml", step("kind: decision, date: yesterday"), ["not a date", "write 2025-03-01"], ".date)"),
    # engine limits, guarded before the engine: huge values, non-finite and huge numbers, wide steps
    ("note-2mb.yaml", step("kind: decision, date: 2025-04-25, note: " + "长" * 700_000),
     ["over the 65,536-character limit", "shorten it"], ".note)"),
    ("wide-step.yaml", step("kind: decision, date: 2025-04-25, " + ", ".join(f"f{i}: 1" for i in range(300))),
     ["unknown field 'f0'", "and 299 more unknown fields"], ".f0)"),
    ("many-steps.yaml", GOOD.split("waivers:")[0] + GOOD.split("steps:\n")[1] * 40,
     ["steps, over the limit of 1,000 for one record", "split it"], "(steps[1000])"),
    ("many-household-steps.yaml", GOOD + "household_entries:\n" + "".join(
        f"  - {{id: H{i}, steps: [{{kind: relocated, date: 2025-06-01}}, {{kind: demolished, date: 2025-06-02}}]}}\n"
        for i in range(1001)), ["more than 2,000 steps", "split the record"], "(household_entries[1000])"),
    ("inf.yaml", good(("amount_cny: 186000000", "amount_cny: .inf")), ["inf is not a number"], ".amount_cny)"),
    ("nan.yaml", good(("amount_cny: 186000000", "amount_cny: .nan")), ["nan is not a number"], ".amount_cny)"),
    ("nan.json", '{"format": NaN}', ["NaN is not a number"], None),
    ("overflow.json", '{"format": "decision-record/1", "households": 1e999}', ["inf is not a number"], "(households)"),
    ("huge-int.yaml", good(("households: 312", "households: 100000000000000000000")), ["larger than 10^15"],
     "(households)"),
    ("digits.yaml", good(("households: 312", "households: " + "1" * 5000)), ["5,000 digits", "typo"], None),
    ("digits.json", '{"households": ' + "1" * 5000 + "}", ["5,000 digits"], None),
    ("surrogate.json", json.dumps({"format": "decision-record/1", "title": "\ud800"}), ["broken Unicode"], ":title:"),
    ("nul-escape.yaml", good(("doc: 卫政〔2025〕12号}", 'doc: "\\0"}')), ["control character U+0000"], ".doc)"),
]


@pytest.mark.parametrize("name,content,words,place", HOSTILE, ids=[h[0] for h in HOSTILE])
def test_hostile_file_is_one_line_with_file_place_and_fix(tmp_path, name, content, words, place):
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    started = time.perf_counter()
    with pytest.raises(InputError) as info:
        load_record(path)
    assert time.perf_counter() - started < 5           # no hang, whatever the file holds
    line = english(info.value)
    assert "\n" not in line and line.startswith(str(path)), line
    for word in words:
        assert word in line, line
    if place:
        assert place in line, line
    assert len(line) < 900


def test_hostile_file_line_numbers_point_at_the_problem(tmp_path):
    path = tmp_path / "r.yaml"
    path.write_text(step("kind: decision, date: 2025-02-30"), encoding="utf-8")
    with pytest.raises(InputError) as info:
        load_record(path)
    assert info.value.location.startswith(f"{line_of_decision()}:")
    assert "steps[" in info.value.location


def test_duplicate_key_names_both_lines(tmp_path):
    path = tmp_path / "dup.yaml"
    path.write_text(GOOD + "households: 3\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        load_record(path)
    last = len(GOOD.splitlines()) + 1
    first = next(i for i, line in enumerate(GOOD.splitlines(), 1) if line.startswith("households:"))
    assert info.value.location == f"{last}:1" and f"first at line {first}" in info.value.message


# ---------------------------------------------------------------- files that are not files
def test_missing_file_directory_fifo_and_device(tmp_path):
    cases = {tmp_path / "nope.yaml": "no such file", tmp_path: "is a directory", Path("/dev/null"): "not a regular file"}
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)                      # reading it would block forever: refused without opening it
    cases[fifo] = "not a regular file"
    for path, words in cases.items():
        started = time.perf_counter()
        with pytest.raises(InputError) as info:
            load_record(path)
        assert words in english(info.value)
        assert time.perf_counter() - started < 2 and str(path) in str(info.value)


def test_unreadable_file(tmp_path, monkeypatch):
    """Tests run as root, so chmod 000 does not stop a read: simulate the refusal."""
    path = tmp_path / "secret.yaml"
    path.write_text(GOOD, encoding="utf-8")
    real_open = Path.open

    def refuse(self, *args, **kwargs):
        if self == path:
            raise PermissionError(13, "Permission denied", str(self))
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(Path, "open", refuse)
    with pytest.raises(InputError, match="permission denied") as info:
        load_record(path)
    assert str(info.value).startswith(str(path))


def test_io_error_while_reading(tmp_path, monkeypatch):
    path = tmp_path / "r.yaml"
    path.write_text(GOOD, encoding="utf-8")
    monkeypatch.setattr(Path, "open", lambda self, *a, **k: (_ for _ in ()).throw(OSError(5, "Input/output error")))
    with pytest.raises(InputError, match="Input/output error"):
        load_record(path)


# ---------------------------------------------------------------- size limit
def test_size_limit_default_and_configurable(tmp_path, monkeypatch):
    big = tmp_path / "big.yaml"
    big.write_text(GOOD + "# " + "x" * (loader.DEFAULT_MAX_BYTES + 10) + "\n", encoding="utf-8")
    monkeypatch.delenv("COMPLIANCE_MAX_BYTES", raising=False)
    with pytest.raises(InputError, match=r"over the 5\.0 MB limit.*COMPLIANCE_MAX_BYTES"):
        load_record(big)
    monkeypatch.setenv("COMPLIANCE_MAX_BYTES", "8MB")
    assert load_record(big).record.id == "EX-2025-ZS-01"
    small = tmp_path / "small.yaml"
    small.write_text(GOOD, encoding="utf-8")
    monkeypatch.setenv("COMPLIANCE_MAX_BYTES", "1k")
    with pytest.raises(InputError, match="over the 1,024 bytes limit"):
        load_record(small)
    monkeypatch.setenv("COMPLIANCE_MAX_BYTES", "lots")
    with pytest.raises(InputError, match="COMPLIANCE_MAX_BYTES='lots' is not a size"):
        load_record(small)


def test_size_limit_holds_when_the_size_lies(tmp_path, monkeypatch):
    """A file that grows after stat (or reports size 0, as /proc files do) is still cut at the limit."""
    path = tmp_path / "r.yaml"
    path.write_text(GOOD + "# " + "x" * 3000 + "\n", encoding="utf-8")
    monkeypatch.setenv("COMPLIANCE_MAX_BYTES", "2k")
    real_stat = Path.stat

    class Small:
        def __init__(self, st):
            self.st_mode, self.st_size = st.st_mode, 10

    monkeypatch.setattr(Path, "stat", lambda self, *a, **k: Small(real_stat(self, *a, **k)))
    with pytest.raises(InputError, match="over the 2,048 bytes limit"):
        load_record(path)


def test_node_limit_is_configurable(tmp_path, monkeypatch):
    path = tmp_path / "r.yaml"
    path.write_text(GOOD, encoding="utf-8")
    monkeypatch.setenv("COMPLIANCE_MAX_NODES", "100")
    with pytest.raises(InputError, match="more than 100 values"):
        load_record(path)
    monkeypatch.setenv("COMPLIANCE_MAX_NODES", "500000")
    assert load_record(path).record.id == "EX-2025-ZS-01"


def test_household_step_limit_is_configurable(tmp_path, monkeypatch):
    path = tmp_path / "r.yaml"
    path.write_text(GOOD + "household_entries:\n" + "".join(
        f"  - {{id: H{i}, steps: [{{kind: relocated, date: 2025-06-01}}]}}\n" for i in range(30)), encoding="utf-8")
    monkeypatch.setenv("COMPLIANCE_MAX_HOUSEHOLD_STEPS", "20")
    with pytest.raises(InputError, match=r"more than 20 steps.*COMPLIANCE_MAX_HOUSEHOLD_STEPS"):
        load_record(path)
    monkeypatch.delenv("COMPLIANCE_MAX_HOUSEHOLD_STEPS")
    assert len(load_record(path).record.household_entries) == 30


def test_alias_bomb_costs_no_memory(tmp_path):
    import tracemalloc
    path = tmp_path / "bomb.yaml"
    path.write_text(BOMB + MERGE_BOMB.replace("m", "n"), encoding="utf-8")
    tracemalloc.start()
    try:
        with pytest.raises(InputError):
            load_record(path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 20 * 1024 * 1024      # the bomb expands to gigabytes; refused before that


# ---------------------------------------------------------------- encodings, read when unambiguous
@pytest.mark.parametrize("codec,prefix,note", [
    ("gbk", b"", "GBK/GB18030"), ("gb18030", b"", "GBK/GB18030"), ("utf-8", b"\xef\xbb\xbf", None),
    ("utf-16-le", b"\xff\xfe", "UTF-16"), ("utf-16-be", b"\xfe\xff", "UTF-16"),
])
def test_encodings_read_and_said(tmp_path, codec, prefix, note):
    path = tmp_path / f"{codec}.yaml"
    path.write_bytes(prefix + GOOD.encode(codec))
    loaded = load_record(path)
    assert loaded.record.title == "卫滨区健康路片区城市更新项目房屋征收决定"
    said = [n for n in loaded.notes if "UTF" in n or "GB" in n]
    assert (note in said[0]) if note else not said


def test_gb18030_four_byte_text_is_read(tmp_path):
    """Characters outside GBK (GB18030 four-byte) are still plain Chinese when most text is common."""
    path = tmp_path / "r.yaml"
    path.write_bytes(good(("title: 卫滨区", "title: 𠀀卫滨区")).encode("gb18030"))
    assert load_record(path).record.title.startswith("𠀀卫滨区")


# ---------------------------------------------------------------- full-width digits, Chinese punctuation
@pytest.mark.parametrize("written", ["２０２５－０４－２５", "2025年4月25日", "２０２５年４月２５日", "二〇二五年四月二十五日",
                                     "2025 年 4 月 25 日", "2025/4/25", "2025.4.25", "2025。4。25", "2025–04–25"])
def test_dates_in_any_spelling_are_normalised_and_said(tmp_path, written):
    path = tmp_path / "r.yaml"
    path.write_text(step(f'kind: decision, date: "{written}", doc: 卫政〔2025〕12号'), encoding="utf-8")
    loaded = load_record(path)
    decision = loaded.record.steps_of("decision")[0]
    assert str(decision.get("date")) == "2025-04-25"
    assert any(f"{written} → 2025-04-25" in n and ".date" in n for n in (localize(n, "en") for n in loaded.notes)), loaded.notes


@pytest.mark.parametrize("written", ["卫政[２０２５]12号", "卫政（2025）12号", "卫政【2025】１２号", "卫政〔２０２５〕12号",
                                     "卫政 [2025] 12号"])
def test_document_numbers_are_normalised_and_said(tmp_path, written):
    path = tmp_path / "r.yaml"
    path.write_text(step(f'kind: decision, date: 2025-04-25, doc: "{written}"'), encoding="utf-8")
    loaded = load_record(path)
    assert loaded.record.steps_of("decision")[0].get("doc") == "卫政〔2025〕12号"
    assert any(f"{written} → 卫政〔2025〕12号" in n for n in (localize(n, "en") for n in loaded.notes)), loaded.notes


def test_standard_spellings_say_nothing():
    loaded = load_record(EXAMPLE)
    assert not [n for n in loaded.notes if "→" in n]


# ---------------------------------------------------------------- engine limits, from the user's side
def test_no_record_can_reach_the_engines_property_limit(evaluator):
    """Unknown fields are refused, so the widest fact is one with every field of its kind:
    build one step of every kind with every field set, and the facts stay under the limit."""
    from compliance import vocabulary as voc
    from compliance.engine.durable_adapter import MAX_PROPERTIES, check_fact_limits
    from compliance.models import validate_record
    from compliance.profiles import load_profile

    samples = {voc.DATE: "2025-04-01", voc.TEXT: "x", voc.INT: 1, voc.NUMBER: 1.5, voc.BOOL: True}
    base = {"format": "decision-record/1", "id": "W", "title": "t", "issuer": {"name": "n", "level": "other"},
            "department": {"name": "d"}, "public_interest": "infrastructure", "households": 1, "category": "other",
            "parent": "p", "household": "h"}
    for record_type in voc.RECORD_TYPES:
        steps = []
        for kind in voc.KINDS_BY_TYPE[record_type].values():
            fields = {}
            for name, ftype in kind.all_fields.items():
                fields[name] = samples.get(ftype) if not isinstance(ftype, tuple) else (
                    ftype[1][0] if ftype[0] == "enum" else list(ftype[1] or ["x"]))
            fields.pop("end", None)
            steps.append({"kind": kind.name, **fields})
        record = validate_record({**base, "type": record_type, "steps": steps})
        facts = evaluator.facts_for(record, load_profile("national"), AS_OF)
        widest = max(len(f) for f in facts.facts)
        assert widest + 1 <= MAX_PROPERTIES, (record_type, widest)   # + the session id
        check_fact_limits(facts.facts)


def test_batch_cut_short_becomes_a_record_error_never_a_partial_result(checker, monkeypatch):
    """Force the adapter's guard through the real check path: the engine silently drops the end
    of a batch (as durable-rules does after a fact it rejects); the record is an error, with no
    findings, and the next record is checked normally."""
    from compliance.engine import durable_adapter

    loaded = load_record(EXAMPLE)
    real = durable_adapter.dre.assert_facts

    def truncated(handle, batch_json):
        batch = json.loads(batch_json)
        return real(handle, json.dumps(batch[: len(batch) // 2], ensure_ascii=False))

    monkeypatch.setattr(durable_adapter.dre, "assert_facts", truncated)
    report = checker.check_loaded(loaded, AS_OF, "zh")
    assert report.status == "error" and report.findings == []
    assert "cut the record short" in report.error.message and str(EXAMPLE) in str(report.error)
    monkeypatch.setattr(durable_adapter.dre, "assert_facts", real)
    assert checker.check_loaded(loaded, AS_OF, "zh").status in ("pass", "incomplete")


def test_fact_limit_guard_names_the_problem():
    from compliance.engine.durable_adapter import check_fact_limits
    with pytest.raises(EngineError, match="finite"):
        check_fact_limits([{"id": "x", "amount": math.inf}])


# ---------------------------------------------------------------- the command: batches, exit codes
def run(*args, env=None, timeout=120):
    e = dict(os.environ, **(env or {}))
    return subprocess.run(COMPLIANCE + list(args), capture_output=True, text=True, env=e, timeout=timeout)


def test_batch_of_hostile_files_accounts_for_every_file(tmp_path):
    names = []
    for name, content, _words, _place in HOSTILE:
        path = tmp_path / name
        path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
        names.append(str(path))
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    names[5:5] = [str(EXAMPLE), str(tmp_path / "missing.yaml"), str(tmp_path), str(fifo)]
    names.append(str(EXAMPLE))
    out = run("check", *names, "--format", "json", "--as-of", "2026-01-01")
    assert out.returncode == 2, out.stderr
    assert "Traceback" not in out.stderr and "Traceback" not in out.stdout
    records = json.loads(out.stdout)["records"]
    assert [r["file"] for r in records] == names                      # every file, in order
    for r in records:
        if r["file"] == str(EXAMPLE):
            assert r["status"] in ("pass", "incomplete") and r["error"] is None
        else:
            assert r["status"] == "error" and r["findings"] == [], r
            assert "\n" not in r["error"]["message"] and r["error"]["message"]
    summary = json.loads(out.stdout)["summary"]
    assert summary["records"] == len(names) and summary["error"] == len(names) - 2


def _main(monkeypatch, capsys, *argv):
    monkeypatch.setattr(sys, "argv", ["compliance", *argv])
    with pytest.raises(SystemExit) as info:
        cli.main()
    out = capsys.readouterr()
    return info.value.code, out.out, out.err


@pytest.fixture
def fast_cli(monkeypatch, evaluator):
    """The command in-process, with the session's compiled rules (a fresh load takes a second)."""
    from compliance import evaluate, rulebook_cache   # the commands import these when they run
    real = rulebook_cache.load_rulebook_cached
    monkeypatch.setattr(rulebook_cache, "load_rulebook_cached", lambda d=None: evaluator.rulebook if d is None else real(d))
    real_eval = evaluate.Evaluator
    monkeypatch.setattr(evaluate, "Evaluator", lambda book: evaluator if book is evaluator.rulebook else real_eval(book))
    return evaluator


def test_text_report_names_each_broken_file(tmp_path, monkeypatch, capsys, fast_cli):
    bad = tmp_path / "bad.yaml"
    bad.write_text(step("kind: decision, date: 2025-02-30"), encoding="utf-8")
    monkeypatch.setenv("COLUMNS", "400")
    code, out, err = _main(monkeypatch, capsys, "check", str(bad), str(EXAMPLE), "--as-of", "2026-01-01", "--lang", "en")
    assert code == 2 and "Traceback" not in err
    lines = [line for line in out.splitlines() if "not a real date" in line]
    assert len(lines) == 1 and str(bad) in lines[0] and f"{line_of_decision()}:" in lines[0]


def test_broken_rules_directory_is_one_line_exit_2(tmp_path, monkeypatch, capsys):
    rules = tmp_path / "rules"
    (rules / "d590").mkdir(parents=True)
    (rules / "d590" / "X-1.yaml").write_text("id: X-1\nchecks: [\n", encoding="utf-8")
    code, out, err = _main(monkeypatch, capsys, "check", str(EXAMPLE), "--rules", str(rules))
    assert code == 2 and "Traceback" not in err
    assert err.count("\n") == 1 and "X-1.yaml:3:1" in err and "invalid YAML" in err
    code, out, err = _main(monkeypatch, capsys, "check", str(EXAMPLE), "--rules", str(tmp_path / "nowhere"))
    assert code == 2 and err.count("\n") == 1 and "not found" in err


def test_internal_error_one_line_exit_3_and_debug_shows_the_traceback(monkeypatch, capsys, fast_cli):
    from compliance import report
    monkeypatch.setattr(report.Checker, "check_file", lambda *a, **k: {}["multi\nline"])
    code, out, err = _main(monkeypatch, capsys, "check", str(EXAMPLE))
    assert code == 3 and err.count("\n") == 1 and "Traceback" not in err
    assert err.startswith("internal error: KeyError") and "rerun with --debug" in err
    code, out, err = _main(monkeypatch, capsys, "--debug", "check", str(EXAMPLE))
    assert code == 3 and "Traceback (most recent call last)" in err and "KeyError" in err


def test_ctrl_c_during_a_batch_exits_cleanly(monkeypatch, capsys, tmp_path, fast_cli):
    """The report is written whole or not at all: interrupted at the second file, nothing is printed."""
    from compliance import report
    seen = []
    real = report.Checker.check_file

    def interrupt_second(self, path, *args, **kwargs):
        seen.append(path)
        if len(seen) == 2:
            raise KeyboardInterrupt
        return real(self, path, *args, **kwargs)

    monkeypatch.setattr(report.Checker, "check_file", interrupt_second)
    code, out, err = _main(monkeypatch, capsys, "check", str(EXAMPLE), str(EXAMPLE), str(EXAMPLE), "--format", "json")
    assert code == 130 and err.strip() == "interrupted" and out == ""   # click adds a newline after ^C
    assert len(seen) == 2


def test_sigint_to_a_running_batch(tmp_path):
    """A real SIGINT while a batch is being checked: exit 130, one line, no traceback, no partial report."""
    ready = tmp_path / "ready"
    code = f"""
import sys, time
from compliance import cli, report
real = report.Checker.check_file
def slow(self, path, *a, **k):
    result = real(self, path, *a, **k)
    open({str(ready)!r}, "w").close()
    time.sleep(0.2)
    return result
report.Checker.check_file = slow
sys.argv = ["compliance", "check"] + [{str(EXAMPLE)!r}] * 200 + ["--format", "json"]
cli.main()
"""
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while not ready.exists() and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.05)
        assert ready.exists(), proc.stderr.read() if proc.poll() is not None else "never started"
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 130, err
    assert err.strip() == "interrupted" and "Traceback" not in err and out == ""


def test_broken_pipe_is_quiet():
    proc = subprocess.Popen(COMPLIANCE + ["schema"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    proc.stdout.read(10)
    proc.stdout.close()
    err = proc.stderr.read().decode()
    proc.wait(timeout=60)
    assert "Traceback" not in err and proc.returncode in (0, 1), (proc.returncode, err)  # rich exits 1 on a broken pipe


# ---------------------------------------------------------------- fuzz: a short bounded run
def test_fuzz_loader_and_check_path_short_run(checker):
    """A fixed budget of mutated example records and raw bytes (fuzz/README.md has the long run)."""
    import fuzz_records

    target = fuzz_records.Target(check=False)
    target.checker = checker
    outcomes = fuzz_records.hypothesis_run(target, int(os.environ.get("FUZZ_EXAMPLES", "150")))
    # the run must reach both: records refused with a message, and records that get checked
    assert outcomes["error"] and outcomes["checked"], outcomes


# ---------------------------------------------------------------- crashes found, kept as regressions
REGRESSIONS = [
    # each was an internal error (exit 3) or a hang before issue 6
    ("kind-mapping.yaml", step("kind: {a: 1}, date: 2025-04-25"), "`kind` must be the name"),
    ("type-mapping.yaml", good(("type: expropriation_decision", "type: {a: 1}")), "is not one of"),
    ("key-list-in-step.yaml", good((DECISION, "{? [a]: 1, kind: decision}")), "key must be a word"),
    ("deep.json", "[" * 3000 + "]" * 3000, "nested too deeply"),
    ("digits.json", '{"a": ' + "9" * 4400 + "}", "digits"),
    ("enum-list.yaml", good(("conclusion: low,", "conclusion: [low],")), "is not one of"),
    ("enum-mapping.yaml", good(("method: majority_vote,", "method: {a: 1},")), "is not one of"),
    ("list-of-lists.yaml", good(("options: [monetary, property_swap]", "options: [[monetary]]")), "is not one of"),
    ("multiline-yaml-error.yaml", 'format: "a\x07b"\n', r"U\+0007"),
]


@pytest.mark.parametrize("name,content,words", REGRESSIONS, ids=[r[0] for r in REGRESSIONS])
def test_regressions(tmp_path, name, content, words):
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError) as info:
        load_record(path)
    assert re.search(words, english(info.value)) and "\n" not in english(info.value)


def test_date_spelling_never_changes_equality_or_order():
    """Found by the property tests: steps with equal dates were ordered by how the date was
    spelled, so a message could quote a different step for 2025年4月26日 than for 2025-04-26."""
    from compliance.dates import parse_date
    iso, cn, full = parse_date("2025-04-26"), parse_date("2025年4月26日"), parse_date("２０２５－０４－２６")
    assert iso == cn == full and hash(iso) == hash(cn)
    assert sorted([cn, iso]) == [cn, iso] and sorted([iso, cn]) == [iso, cn]


def test_json_record_with_a_bom(tmp_path):
    import yaml as _yaml
    data = _yaml.load(GOOD, Loader=loader._UniqueKeyLoader)
    path = tmp_path / "r.json"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps(data, ensure_ascii=False).encode("utf-8"))
    assert load_record(path).record.id == "EX-2025-ZS-01"


# ---------------------------------------------------------------- hostile ledgers (.xlsx)
def _ledger_bytes() -> bytes:
    import io as _io
    from compliance.ledger import LedgerWriter
    buf = _io.BytesIO()
    LedgerWriter(("expropriation_decision",)).wb.save(buf)
    return buf.getvalue()


def _rezip(replace: dict[str, bytes], extra: dict[str, bytes] | None = None) -> bytes:
    """A real ledger with some parts replaced (or added)."""
    import io as _io
    import zipfile
    src = zipfile.ZipFile(_io.BytesIO(_ledger_bytes()))
    out = _io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():
            z.writestr(info.filename, replace.get(info.filename, src.read(info.filename)))
        for name, data in (extra or {}).items():
            z.writestr(name, data)
    return out.getvalue()


def _sheet_xml() -> bytes:
    import io as _io
    import zipfile
    return zipfile.ZipFile(_io.BytesIO(_ledger_bytes())).read("xl/worksheets/sheet2.xml")


def _with_dtd(dtd: str) -> bytes:
    """The ledger's sheet with a DTD in front: entities declared (and one used in a cell)."""
    xml = _sheet_xml().decode()
    return (f'<?xml version="1.0"?><!DOCTYPE worksheet [{dtd}]>' + xml).encode()


_LAUGHS = '<!ENTITY lol "lol">' + "".join(
    f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">' for i in range(1, 10))
_XXE = '<!ENTITY xxe SYSTEM "file:///etc/hostname">'

# (name, builder of the bytes, words the error must hold)
HOSTILE_LEDGERS = [
    ("not-a-zip.xlsx", lambda: b"PK\x03\x04 not really a zip", ["not a readable .xlsx"]),
    ("truncated-sheet.xlsx", lambda: _rezip({"xl/worksheets/sheet2.xml": _sheet_xml()[:-40]}), ["save it again"]),
    ("xxe.xlsx", lambda: _rezip({"xl/worksheets/sheet2.xml": _with_dtd(_XXE)}), ["entity declarations are refused"]),
    ("laughs.xlsx", lambda: _rezip({"xl/worksheets/sheet2.xml": _with_dtd(_LAUGHS)}),
     ["entity declarations are refused"]),
    ("inflates.xlsx", lambda: _rezip({}, {"xl/sharedStrings.xml": b"<sst>" + b"a" * (3 << 20) + b"</sst>"}),
     ["unpacks to more than", "COMPLIANCE_MAX_XLSX_BYTES"]),
]


@pytest.mark.parametrize("name,build,words", HOSTILE_LEDGERS, ids=[h[0] for h in HOSTILE_LEDGERS])
def test_hostile_ledger_is_one_input_error_and_the_batch_goes_on(tmp_path, name, build, words):
    path = tmp_path / name
    path.write_bytes(build())
    out = run("audit", str(path), str(EXAMPLE), "--format", "json", "--as-of", "2026-01-01", "--jobs", "1",
              env={"COMPLIANCE_MAX_XLSX_BYTES": "2MB"})
    assert out.returncode == 2, out.stderr
    assert "Traceback" not in out.stderr and "internal error" not in out.stderr
    records = json.loads(out.stdout)["records"]
    assert [r["file"] for r in records] == [str(path), str(EXAMPLE)]
    assert records[0]["status"] == "error" and records[1]["status"] != "error"
    message = records[0]["error"]["message"]
    assert all(w in message for w in words), message


def test_fuzz_ledgers_short_run():
    """Mutated exported ledgers: discovery, reading and row validation never crash."""
    import fuzz_ledgers

    fuzz_ledgers.hypothesis_run(fuzz_ledgers.Target(), int(os.environ.get("FUZZ_EXAMPLES", "60")))


def test_many_household_entries_without_steps_are_checked_and_counted(tmp_path, checker):
    """Entries without steps are checked per household (the time it takes is in benchmarks/:
    8,000 entries went from 44 s to 2.7 s) and the household limit counts each at least once."""
    import yaml as _yaml
    data = _yaml.safe_load((ROOT / "cases" / "01-compliant-expropriation.yaml").read_text(encoding="utf-8"))
    data["household_entries"] = [{"id": f"H{i}", "residential": True, "housing_security_eligible": True,
                                  "choice": "property_swap", "steps": []} for i in range(1500)]
    path = tmp_path / "many.yaml"
    path.write_text(_yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    report = checker.check_loaded(load_record(path), AS_OF, "zh")
    assert report.error is None and len({f.household for f in report.findings}) > 1000
    data["household_entries"] += [{"id": f"G{i}", "steps": []} for i in range(1000)]
    path.write_text(_yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(InputError):                       # 3,000 entries > the 2,000 default
        load_record(path)
