"""audit never overwrites its inputs, never reads its own reports as records, reports
unreadable directories, follows directory links once, and leaves no workers or temporary
files behind when it is killed (issue 12)."""
from __future__ import annotations

import datetime as dt
import functools
import io
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from compliance import audit
from compliance.formats.audit_base import AuditMeta, rule_rows, writer_class
from compliance.rulebook import load_rulebook

from .test_audit import load_generator, record_text

CLI = [sys.executable, "-m", "compliance"]
ENV = dict(os.environ, PYTHONIOENCODING="utf-8")
AS_OF = "2026-06-30"


def run(*args, **kw):
    return subprocess.run(CLI + [str(a) for a in args], capture_output=True, text=True, env=ENV, **kw)


@functools.lru_cache(maxsize=1)
def _book():
    return load_rulebook()


def run_json(paths) -> dict:
    out = io.StringIO()
    meta = AuditMeta(AS_OF, "zh", "test", rules=rule_rows(_book(), "zh"))
    audit.run(paths, audit.Options(as_of=dt.date.fromisoformat(AS_OF)), writer_class("json")(out, meta), rulebook=_book())
    return json.loads(out.getvalue())


def folder(tmp_path: Path, n: int = 2) -> Path:
    d = tmp_path / "recs"
    d.mkdir()
    for i in range(n):
        (d / f"r{i}.yaml").write_text(record_text(f"R-{i}"), encoding="utf-8")
    return d


# ----------------------------------------------------------------- 2. the output is never an input
def test_audit_refuses_to_overwrite_its_input(tmp_path):
    d = folder(tmp_path)
    rec = d / "r0.yaml"
    before = rec.read_bytes()
    link = tmp_path / "link.yaml"
    link.symlink_to(rec)
    for out in (rec, link):
        proc = run("audit", rec, "-o", out, "--as-of", AS_OF)
        assert proc.returncode == 2 and "would overwrite the input" in proc.stderr, proc.stderr
    proc = run("audit", d, "-o", rec, "--as-of", AS_OF)          # found in a directory given
    assert proc.returncode == 2 and "would overwrite the input" in proc.stderr
    assert rec.read_bytes() == before and sorted(p.name for p in d.iterdir()) == ["r0.yaml", "r1.yaml"]


def test_audit_refuses_to_overwrite_its_ledger(tmp_path):
    d = folder(tmp_path)
    ledger = tmp_path / "l.xlsx"
    assert run("export", d, ledger).returncode == 0
    before = ledger.read_bytes()
    proc = run("audit", ledger, "--format", "html", "-o", ledger, "--as-of", AS_OF)
    assert proc.returncode == 2 and "would overwrite the input" in proc.stderr
    assert ledger.read_bytes() == before


@pytest.mark.parametrize("fmt", ["json", "sarif"])
def test_a_report_in_the_audited_folder_is_not_read_as_a_record(tmp_path, fmt):
    d = folder(tmp_path)
    out = d / "report.json"
    first = run("audit", d, "--format", fmt, "-o", out, "--as-of", AS_OF, "--fail-on", "never")
    assert first.returncode == 0, first.stderr
    second = run("audit", d, "--format", "json", "-o", out, "--as-of", AS_OF, "--fail-on", "never")
    assert second.returncode == 0, second.stderr
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert [Path(r["file"]).name for r in doc["records"]] == ["r0.yaml", "r1.yaml"]
    assert any("report.json" in n and "skipped" in n for n in doc["summary"]["notes"])


# ----------------------------------------------------------------- 8. unreadable and linked directories
def test_an_unreadable_subdirectory_is_a_failed_input(tmp_path, monkeypatch):
    d = folder(tmp_path)
    locked = d / "locked"
    locked.mkdir()
    (locked / "hidden.yaml").write_text(record_text("H-1"), encoding="utf-8")
    real_scandir = os.scandir

    def scandir(path="."):
        if os.fspath(path) == str(locked):
            raise PermissionError(13, "Permission denied", str(locked))
        return real_scandir(path)
    monkeypatch.setattr(os, "scandir", scandir)
    doc = run_json([d])
    errors = [r for r in doc["records"] if r["status"] == "error"]
    assert [r["file"] for r in errors] == [str(locked)]
    assert "cannot be read" in errors[0]["error"]["message"] and "Permission denied" in errors[0]["error"]["message"]
    assert doc["summary"]["records"] == 3


def test_directory_links_are_followed_once(tmp_path):
    d = folder(tmp_path)
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "o.yaml").write_text(record_text("O-1"), encoding="utf-8")
    (d / "linked").symlink_to(outside, target_is_directory=True)
    (outside / "loop").symlink_to(d, target_is_directory=True)       # back to the start
    (d / "again").symlink_to(outside, target_is_directory=True)       # the same directory twice
    doc = run_json([d])
    names = sorted(Path(r["file"]).name for r in doc["records"])
    assert names == ["o.yaml", "r0.yaml", "r1.yaml"]
    assert all(r["status"] != "error" for r in doc["records"])
    assert any("read already" in n for n in doc["summary"]["notes"])


# ----------------------------------------------------------------- 6. killed audits
def _children(pid: int) -> list[int]:
    try:
        return [int(x) for x in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def _alive(pid: int) -> bool:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    return "\nState:\tZ" not in status


def _start_audit(tmp_path: Path) -> tuple[subprocess.Popen, Path]:
    load_generator().generate(tmp_path / "recs", 300, seed=5, broken=0.0)
    out = tmp_path / "r.json"
    proc = subprocess.Popen(CLI + ["audit", str(tmp_path / "recs"), "--as-of", AS_OF, "--format", "json",
                                   "--out", str(out), "--jobs", "2"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and proc.poll() is None:
        if len(_children(proc.pid)) >= 2 and list(tmp_path.glob(".r.json.*.part")):
            break
        time.sleep(0.05)
    time.sleep(0.3)
    if proc.poll() is not None:
        pytest.skip("the audit finished before it could be killed")
    return proc, out


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_workers_die_with_a_killed_parent(tmp_path):
    proc, _ = _start_audit(tmp_path)
    workers = _children(proc.pid)
    assert workers
    proc.kill()
    proc.wait()
    deadline = time.monotonic() + 10
    while any(_alive(w) for w in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    alive = [w for w in workers if _alive(w)]
    for w in alive:            # do not leave them behind if the test fails
        os.kill(w, signal.SIGKILL)
    assert alive == []


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGHUP])
def test_a_terminated_audit_leaves_no_temporary_file(tmp_path, sig):
    proc, out = _start_audit(tmp_path)
    workers = _children(proc.pid)
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 128 + sig, err
    assert "Traceback" not in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["recs"]
    deadline = time.monotonic() + 10
    while any(_alive(w) for w in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(_alive(w) for w in workers)
