"""compliance audit: every input accounted for, summary = per-record findings, --year,
duplicates, --jobs 2 == --jobs 1, a crashing worker, Ctrl-C, exit codes."""
from __future__ import annotations

import datetime as dt
import functools
import importlib.util
import io
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from compliance import audit
from compliance.atomic import report_output
from compliance.formats.audit_base import AuditMeta, rule_rows, writer_class
from compliance.rulebook import load_rulebook

from .conftest import ROOT

AS_OF = dt.date(2026, 6, 30)
EXAMPLES = ROOT / "rules" / "_examples"


@functools.lru_cache(maxsize=1)
def _book():
    """One rulebook for the module: runs then share this process's compiled engine."""
    return load_rulebook()


def load_generator():
    spec = importlib.util.spec_from_file_location("bench_generate", ROOT / "benchmarks" / "generate.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def record_text(rid: str, title: str = "测试征收决定", decision: str | None = "2025-04-25", extra: str = "") -> str:
    steps = "steps:\n  - {kind: risk_assessment, date: 2025-04-01}\n"
    if decision:
        steps += f"  - {{kind: decision, date: {decision}}}\n"
    return (f"format: decision-record/1\nid: {rid}\ntype: expropriation_decision\ntitle: {json.dumps(title, ensure_ascii=False)}\n"
            "issuer: {name: 新乡市卫滨区人民政府, level: district_government}\n"
            "department: {name: 卫滨区城市更新推进中心}\npublic_interest: old_city_reconstruction\nhouseholds: 10\n"
            + extra + steps)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> tuple[Path, dict[str, str]]:
    """Generated records plus broken inputs; returns (dir, {file: expected status or 'error'})."""
    root = tmp_path_factory.mktemp("corpus")
    paths = load_generator().generate(root / "gen", 24, seed=3, broken=0.0)
    expected = {str(p): "checked" for p in paths}
    broken = {
        "bad.yaml": b"format: decision-record/1\nid: [unclosed\n",
        "binary.yaml": bytes(range(256)),
        "empty.yml": b"",
        "list.json": b"[1, 2, 3]",
        "typo.yaml": record_text("TYPO-1").replace("households", "houshold").encode(),
        "baddate.yaml": record_text("BADDATE-1", decision="2025-02-30").encode(),
    }
    for name, raw in broken.items():
        (root / name).write_bytes(raw)
        expected[str(root / name)] = "error"
    if hasattr(os, "mkfifo"):        # a named pipe must be reported, not read (reading would block)
        os.mkfifo(root / "pipe.yaml")
        expected[str(root / "pipe.yaml")] = "error"
    dup = root / "dup" / "copy.yaml"
    dup.parent.mkdir()
    shutil.copy(paths[0], dup)
    expected[str(dup)] = "checked"
    for skipped in ("expected/x.yaml", "profiles/p.yaml", "y.expected.yaml", ".hidden/z.yaml", "notes.txt"):
        (root / skipped).parent.mkdir(parents=True, exist_ok=True)
        (root / skipped).write_text("not a record", encoding="utf-8")
    return root, expected


def run_json(paths, jobs=1, **options) -> tuple[dict, audit.Outcome]:
    opts = audit.Options(as_of=AS_OF, **options)
    out = io.StringIO()
    book = _book()
    meta = AuditMeta(AS_OF.isoformat(), opts.lang, "test", year=opts.year, rules=rule_rows(book, opts.lang))
    outcome = audit.run(paths, opts, writer_class("json")(out, meta), jobs=jobs, rulebook=book)
    return json.loads(out.getvalue()), outcome


@pytest.fixture(scope="module")
def report(corpus):
    root, _ = corpus
    return run_json([root, root / "missing.yaml"])


def test_every_input_appears_exactly_once(corpus, report):
    root, expected = corpus
    doc, outcome = report
    files = Counter(r["file"] for r in doc["records"])
    assert all(n == 1 for n in files.values()), [f for f, n in files.items() if n > 1]
    assert set(files) == set(expected) | {str(root / "missing.yaml")}
    for rec in doc["records"]:
        if expected.get(rec["file"], "error") == "error":
            assert rec["status"] == "error", rec["file"]
            assert rec["error"]["message"] and rec["findings"] == []
        else:
            assert rec["status"] in ("pass", "incomplete", "fail"), (rec["file"], rec["error"])
    errors = {Path(r["file"]).name: r["error"] for r in doc["records"] if r["error"]}
    assert errors["bad.yaml"]["location"]                      # line:column of the YAML error
    assert "binary" in errors["binary.yaml"]["message"]
    assert "empty" in errors["empty.yml"]["message"]
    assert "houshold" in errors["typo.yaml"]["message"] or "houshold" in (errors["typo.yaml"]["location"] or "")
    assert "不是真实存在的日期" in errors["baddate.yaml"]["message"]       # the report's language (zh)
    assert "no such file" in errors["missing.yaml"]["message"]
    assert outcome.summary.exit_code("major") == 2


def test_duplicate_ids_are_reported_and_both_records_checked(corpus, report):
    root, _ = corpus
    doc, _ = report
    dups = doc["summary"]["duplicate_ids"]
    assert len(dups) == 1 and str(root / "dup" / "copy.yaml") in dups[0]["places"]
    first, second = (next(r for r in doc["records"] if r["file"] == p) for p in dups[0]["places"])
    assert first["findings"] == second["findings"]
    assert any(dups[0]["id"] in n and first["file"] in n for n in second["notes"])


def recount(records: list[dict]) -> dict:
    """The summary, recomputed from the per-record findings."""
    status = Counter(r["status"] for r in records)
    sev, rule, total = Counter(), Counter(), Counter()
    by_type, by_month = Counter(), Counter()
    for r in records:
        by_type[(r["type"] or "unknown", r["status"])] += 1
        by_month[((r["decision_date"] or "none")[:7] if r["decision_date"] else "none", r["status"])] += 1
        for f in r["findings"]:
            sev[(f["severity"], f["result"])] += 1
            rule[(f["rule"], f["result"])] += 1
            total[f["result"]] += 1
    return {"status": status, "sev": sev, "rule": rule, "total": total, "type": by_type, "month": by_month}


def test_summary_counts_match_the_per_record_findings(report):
    doc, _ = report
    s, want = doc["summary"], recount(doc["records"])
    assert s["records"] == len(doc["records"])
    assert {k: s[k] for k in ("pass", "incomplete", "fail", "error")} == {k: want["status"][k] for k in ("pass", "incomplete", "fail", "error")}
    assert s["findings"] == {k: want["total"][k] for k in ("violated", "not_evaluable", "waived")}
    assert {(sv, res): n for sv, c in s["by_severity"].items() for res, n in c.items() if n} == dict(want["sev"])
    assert {(r["rule"], res): r[res] for r in s["by_rule"] for res in ("violated", "not_evaluable", "waived") if r[res]} == dict(want["rule"])
    assert {(t, st): c[st] for t, c in s["by_type"].items() for st in ("pass", "incomplete", "fail", "error") if c[st]} == dict(want["type"])
    assert {(m, st): c[st] for m, c in s["by_month"].items() for st in ("pass", "incomplete", "fail", "error") if c[st]} == dict(want["month"])
    blocking = sorted((sum(f["result"] == "violated" and f["severity"] == "blocking" for f in r["findings"])
                       for r in doc["records"]), reverse=True)
    assert [r["blocking"] for r in s["most_blocking"]] == [b for b in blocking if b][:10]
    assert all(r["title"] for r in s["by_rule"])
    assert s["never_satisfied"], "the corpus has rules that are never satisfied: the list must show them"
    for r in s["never_satisfied"]:
        assert r["satisfied"] == 0 and (r["violated"] or r["not_evaluable"])


def test_jobs_2_gives_the_same_report_in_the_same_order(corpus, report):
    root, _ = corpus
    doc2, outcome2 = run_json([root, root / "missing.yaml"], jobs=2)
    assert doc2 == report[0]
    assert outcome2.summary.exit_code("major") == 2


def test_year_selects_by_decision_date_and_keeps_undated_records(tmp_path):
    for rid, day in (("Y24", "2024-12-31"), ("Y25A", "2025-01-01"), ("Y25B", "2025-06"), ("Y26", "2026-01-02")):
        (tmp_path / f"{rid}.yaml").write_text(record_text(rid, decision=day), encoding="utf-8")
    (tmp_path / "none.yaml").write_text(record_text("NODATE", decision=None), encoding="utf-8")
    (tmp_path / "bad.yaml").write_text("format: [", encoding="utf-8")
    doc, outcome = run_json([tmp_path], year=2025)
    checked = {r["id"] for r in doc["records"]}
    assert checked == {"Y25A", "Y25B", "NODATE", None}
    assert {e["id"]: e["decision_date"] for e in doc["excluded"]} == {"Y24": "2024-12-31", "Y26": "2026-01-02"}
    assert doc["summary"]["excluded_by_year"] == 2 and doc["summary"]["records"] == 4
    undated = next(r for r in doc["records"] if r["id"] == "NODATE")
    assert any("2025" in n for n in undated["notes"])
    assert doc["year"] == 2025


def test_exit_codes(tmp_path):
    good = tmp_path / "good.yaml"
    good.write_text((EXAMPLES / "expropriation.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    _, outcome = run_json([good])
    assert outcome.summary.exit_code("major") in (0, 1)
    text = record_text("NO-SSRA").replace("  - {kind: risk_assessment, date: 2025-04-01}\n", "")
    (tmp_path / "bad.yaml").write_text(text, encoding="utf-8")
    _, outcome = run_json([tmp_path / "bad.yaml"])
    assert outcome.summary.exit_code("blocking") == 1        # D590-12-SSRA is blocking
    assert outcome.summary.exit_code("never") == 0
    (tmp_path / "broken.yaml").write_text("id: [", encoding="utf-8")
    _, outcome = run_json([tmp_path / "bad.yaml", tmp_path / "broken.yaml"])
    assert outcome.summary.exit_code("never") == 2           # an input error wins over violations


def test_a_crashing_worker_loses_only_its_record(tmp_path, monkeypatch):
    for i in range(6):
        (tmp_path / f"r{i}.yaml").write_text(record_text(f"R{i}"), encoding="utf-8")
    original = audit.Worker._check

    def crash_on_r3(self, task):
        if task.path.endswith("r3.yaml"):
            os._exit(1)          # as a segfault in the C engine would
        return original(self, task)

    monkeypatch.setattr(audit.Worker, "_check", crash_on_r3)   # forked workers inherit the patch
    doc, outcome = run_json([tmp_path], jobs=2)
    assert [Path(r["file"]).name for r in doc["records"]] == [f"r{i}.yaml" for i in range(6)]
    crashed = doc["records"][3]
    assert crashed["status"] == "error" and "crashed" in crashed["error"]["message"]
    assert all(r["status"] != "error" for i, r in enumerate(doc["records"]) if i != 3)
    assert outcome.summary.exit_code("major") == 3


class _Interrupt:
    """A writer that is interrupted (as by Ctrl-C) after two records."""

    def __init__(self, out):
        self.out, self.n = out, 0

    def begin(self):
        self.out.write("{")

    def record(self, rec):
        self.n += 1
        self.out.write(json.dumps(rec))
        if self.n == 2:
            raise KeyboardInterrupt

    def excluded(self, item):
        pass

    def end(self, summary):
        self.out.write("}")


@pytest.mark.parametrize("jobs", [1, 2])
def test_ctrl_c_leaves_no_report_and_no_temporary_file(corpus, tmp_path, jobs):
    root, _ = corpus
    target = tmp_path / "report.json"
    with pytest.raises(KeyboardInterrupt):
        with report_output(target) as stream:
            audit.run([root / "gen"], audit.Options(as_of=AS_OF), _Interrupt(stream), jobs=jobs, rulebook=_book())
    assert list(tmp_path.iterdir()) == []


def test_discovery_order_and_dedup(corpus):
    root, _ = corpus
    inputs = audit.discover([root / "bad.yaml", root, root / "bad.yaml"])
    names = [str(p) for _, p in inputs.sources]
    assert names[0] == str(root / "bad.yaml") and names.count(str(root / "bad.yaml")) == 1
    assert not any("expected" in n or "profiles" in n or ".hidden" in n or n.endswith(".txt") for n in names)
    again = [str(p) for _, p in audit.discover([root / "bad.yaml", root]).sources]
    assert again == names                                       # stable: sorted within each directory


CLI = [sys.executable, "-m", "compliance"]


def test_cli_audit_writes_the_report_atomically_and_exits_2_on_input_errors(corpus, tmp_path):
    root, expected = corpus
    out = tmp_path / "r.json"
    proc = subprocess.run(CLI + ["audit", str(root), "--as-of", "2026-06-30", "--format", "json", "--out", str(out),
                                 "--jobs", "2", "--lang", "en"], capture_output=True, text=True)
    assert proc.returncode == 2, proc.stderr
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert doc["format"] == "compliance-report/1" and doc["lang"] == "en"
    assert len(doc["records"]) == len(expected)
    assert "report written" in proc.stderr
    assert [p.name for p in tmp_path.iterdir()] == ["r.json"]


def test_cli_text_summary_goes_to_stdout(corpus):
    root, _ = corpus
    proc = subprocess.run(CLI + ["audit", str(root / "gen"), "--as-of", "2026-06-30", "--jobs", "1"],
                          capture_output=True, text=True)
    assert proc.returncode in (0, 1), proc.stderr
    assert "共检查" in proc.stdout and "按规则" in proc.stdout
    assert proc.stderr == ""          # no progress bar when stderr is not a terminal


def test_cli_sigint_exits_130_without_a_partial_report(tmp_path):
    gen = load_generator()
    gen.generate(tmp_path / "recs", 150, seed=5, broken=0.0)
    out = tmp_path / "r.json"
    proc = subprocess.Popen(CLI + ["audit", str(tmp_path / "recs"), "--as-of", "2026-06-30", "--format", "json",
                                   "--out", str(out), "--jobs", "2"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    deadline = time.monotonic() + 20
    while not list(tmp_path.glob(".r.json.*.part")) and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.02)
    time.sleep(0.3)
    if proc.poll() is not None:
        pytest.skip("the audit finished before it could be interrupted")
    os.killpg(proc.pid, signal.SIGINT)          # what Ctrl-C does: the whole process group
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == 130, err
    assert "interrupted" in err and "Traceback" not in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["recs"]
