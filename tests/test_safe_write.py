"""Nothing lost, nothing overwritten (issue 12): concurrent `record` runs, links, FIFOs,
write protection, read-only directories and signals. Links and FIFOs live in tmp_path only."""
from __future__ import annotations

import os
import shutil
import signal
import socket
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from compliance.atomic import atomic_writer, output_target
from compliance.errors import InputError
from compliance.record_edit import add_step, backup_path
from compliance.records import load_record

from .conftest import ROOT

EXAMPLE = ROOT / "rules" / "_examples" / "expropriation.yaml"
CLI = [sys.executable, "-m", "compliance"]
ENV = dict(os.environ, PYTHONIOENCODING="utf-8")
KIND = "党组会议集体研究决定"


def run(*args, **kw):
    return subprocess.run(CLI + [str(a) for a in args], capture_output=True, text=True, env=ENV, **kw)


def record_copy(tmp_path: Path, name: str = "r.yaml") -> Path:
    target = tmp_path / name
    shutil.copy(EXAMPLE, target)
    return target


def docs(path: Path) -> set[str]:
    return {s.get("doc") for s in load_record(path).record.steps if s.kind == "party_group_meeting"}


# ----------------------------------------------------------------- 1. concurrent record runs
def test_concurrent_record_runs_lose_no_step(tmp_path):
    path = record_copy(tmp_path)
    before = len(load_record(path).record.steps)
    n = 12
    procs = [subprocess.Popen(CLI + ["record", str(path), KIND, "--date", f"2025-05-{i + 1:02d}", "--doc", f"纪要{i}"],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=ENV) for i in range(n)]
    results = [(p.wait(timeout=120), p.stderr.read()) for p in procs]
    assert all(rc == 0 for rc, _ in results), results
    assert docs(path) >= {f"纪要{i}" for i in range(n)}
    assert len(load_record(path).record.steps) == before + n
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.yaml", "r.yaml.bak"]


def test_a_lock_left_by_a_killed_process_does_not_block(tmp_path):
    path = record_copy(tmp_path)
    holder = subprocess.Popen([sys.executable, "-c", "import fcntl, os, sys, time; fd = os.open(sys.argv[1], os.O_RDONLY);"
                               " fcntl.flock(fd, fcntl.LOCK_EX); print('locked', flush=True); time.sleep(60)", str(path)],
                              stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "locked"
    threading.Timer(0.5, holder.kill).start()
    started = time.monotonic()
    add_step(path, KIND, "2025-05-30", doc="纪要X")     # waits for the holder, then proceeds
    holder.wait()
    assert time.monotonic() - started >= 0.4
    assert "纪要X" in docs(path)


# ----------------------------------------------------------------- 3. links and special files
def test_output_through_a_symlink_writes_the_target_and_keeps_the_link(tmp_path):
    real = tmp_path / "real.json"
    real.write_text("old", encoding="utf-8")
    link = tmp_path / "link.json"
    link.symlink_to(real.name)
    with atomic_writer(link) as f:
        f.write("new")
    assert link.is_symlink() and os.readlink(link) == "real.json"
    assert real.read_text(encoding="utf-8") == "new"


def test_record_on_a_symlinked_record_keeps_the_link(tmp_path):
    (tmp_path / "data").mkdir()
    real = record_copy(tmp_path / "data")
    link = tmp_path / "r.yaml"
    link.symlink_to(Path("data") / "r.yaml")
    done = add_step(link, KIND, "2025-05-30", doc="纪要L")
    assert link.is_symlink()
    assert "纪要L" in docs(real)
    assert backup_path(real).exists() and done.backup == backup_path(real)


def test_output_to_a_fifo_is_streamed_not_replaced(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got = []
    reader = threading.Thread(target=lambda: got.append(open(fifo, encoding="utf-8").read()))
    reader.start()
    with atomic_writer(fifo) as f:
        f.write("报告")
    reader.join(10)
    assert got == ["报告"]
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pipe"]


def test_audit_out_to_a_fifo(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got = []
    reader = threading.Thread(target=lambda: got.append(open(fifo, encoding="utf-8").read()))
    reader.start()
    proc = run("audit", EXAMPLE, "--format", "json", "-o", fifo, "--as-of", "2026-01-01", "--fail-on", "never")
    reader.join(30)
    assert proc.returncode == 0, proc.stderr
    assert got and '"compliance-report/1"' in got[0]
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


def test_audit_out_dash_is_stdout(tmp_path):
    proc = run("audit", EXAMPLE, "--format", "json", "-o", "-", "--as-of", "2026-01-01", "--fail-on", "never",
               cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert '"compliance-report/1"' in proc.stdout and list(tmp_path.iterdir()) == []


def test_a_socket_is_refused(tmp_path):
    path = tmp_path / "s.json"
    with socket.socket(socket.AF_UNIX) as s:
        s.bind(str(path))
        with pytest.raises(InputError, match="not a regular file"):
            output_target(path)
        proc = run("audit", EXAMPLE, "--format", "json", "-o", path, "--as-of", "2026-01-01")
    assert proc.returncode == 2 and "not a regular file" in proc.stderr and "Traceback" not in proc.stderr


def test_hard_linked_files_are_refused_not_split(tmp_path):
    path = record_copy(tmp_path)
    other = tmp_path / "other.yaml"
    os.link(path, other)
    before = path.read_bytes()
    proc = run("record", path, KIND, "--date", "2025-05-30")
    assert proc.returncode == 2 and "2 hard links" in proc.stderr, proc.stderr
    assert path.read_bytes() == before and os.stat(path).st_ino == os.stat(other).st_ino
    proc = run("audit", EXAMPLE, "-o", other, "--as-of", "2026-01-01")
    assert proc.returncode == 2 and "hard links" in proc.stderr
    assert other.read_bytes() == before


# ----------------------------------------------------------------- 5. write protection
def test_read_only_files_are_not_replaced(tmp_path):
    path = record_copy(tmp_path)
    os.chmod(path, 0o444)
    before = path.read_bytes()
    proc = run("record", path, KIND, "--date", "2025-05-30")
    assert proc.returncode == 2 and "write-protected" in proc.stderr, proc.stderr
    assert path.read_bytes() == before and stat.S_IMODE(path.stat().st_mode) == 0o444
    report = tmp_path / "report.txt"
    report.write_text("kept", encoding="utf-8")
    os.chmod(report, 0o400)
    proc = run("audit", EXAMPLE, "-o", report, "--as-of", "2026-01-01")
    assert proc.returncode == 2 and "write-protected" in proc.stderr
    assert report.read_text(encoding="utf-8") == "kept"


def test_a_read_only_backup_is_kept(tmp_path):
    path = record_copy(tmp_path)
    bak = backup_path(path)
    bak.write_text("old backup", encoding="utf-8")
    os.chmod(bak, 0o444)
    proc = run("record", path, KIND, "--date", "2025-05-30")
    assert proc.returncode == 2 and "write-protected" in proc.stderr and "r.yaml.bak" in proc.stderr
    assert bak.read_text(encoding="utf-8") == "old backup" and stat.S_IMODE(bak.stat().st_mode) == 0o444


# ----------------------------------------------------------------- 17. read-only directory
def test_a_directory_where_no_temporary_file_can_be_made_is_an_input_error(tmp_path, monkeypatch):
    import tempfile
    path = record_copy(tmp_path)

    def refuse(*a, **k):
        raise PermissionError(13, "Permission denied")
    monkeypatch.setattr(tempfile, "mkstemp", refuse)
    with pytest.raises(InputError, match=r"cannot write in .*Permission denied"):
        add_step(path, KIND, "2025-05-30")
    with pytest.raises(InputError, match="no temporary file can be created"):
        with atomic_writer(tmp_path / "out.json") as f:
            f.write("x")


def test_read_only_directory_from_the_command_line(tmp_path):
    if os.geteuid() == 0:
        pytest.skip("root writes into read-only directories; covered by the mocked test above")
    d = tmp_path / "ro"
    d.mkdir()
    path = record_copy(d)
    os.chmod(d, 0o555)
    try:
        proc = run("record", path, KIND, "--date", "2025-05-30")
        assert proc.returncode == 2 and "cannot write in" in proc.stderr
        proc = run("audit", EXAMPLE, "-o", d / "out.json", "--as-of", "2026-01-01")
        assert proc.returncode == 2 and "cannot write in" in proc.stderr
    finally:
        os.chmod(d, 0o755)


# ----------------------------------------------------------------- 6. signals and killed processes
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGHUP])
def test_a_terminated_write_leaves_no_temporary_file(tmp_path, sig):
    script = ("import sys, time\nfrom compliance.atomic import atomic_writer\n"
              "with atomic_writer(sys.argv[1]) as f:\n    f.write('half'); f.flush(); print('writing', flush=True); "
              "time.sleep(60)\n")
    target = tmp_path / "out.json"
    proc = subprocess.Popen([sys.executable, "-c", script, str(target)], stdout=subprocess.PIPE, text=True,
                            cwd=ROOT)
    assert proc.stdout.readline().strip() == "writing"
    assert any(p.name.endswith(".part") for p in tmp_path.iterdir())
    proc.send_signal(sig)
    assert proc.wait(10) == 128 + sig
    assert list(tmp_path.iterdir()) == []


def test_temporary_files_of_a_killed_record_are_removed_by_the_next_run(tmp_path):
    path = record_copy(tmp_path)
    stale = tmp_path / ".r.yaml.abc123.tmp.yaml"
    stale.write_text("left by kill -9", encoding="utf-8")
    add_step(path, KIND, "2025-05-30")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.yaml", "r.yaml.bak"]


# ----------------------------------------------------------------- 4. export never empties a ledger
def test_export_with_nothing_to_export_keeps_the_existing_ledger(tmp_path):
    recs = tmp_path / "recs"
    recs.mkdir()
    record_copy(recs)
    ledger = tmp_path / "l.xlsx"
    assert run("export", recs, ledger).returncode == 0
    before = ledger.read_bytes()
    empty = tmp_path / "empty"
    empty.mkdir()
    broken = tmp_path / "broken.yaml"
    broken.write_text("id: [", encoding="utf-8")
    for sources in ([empty], [broken], [ledger]):
        proc = run("export", *sources, ledger, "--force")
        assert proc.returncode == 2 and "Traceback" not in proc.stderr, proc.stderr
        assert ledger.read_bytes() == before
    proc = run("export", ledger, ledger, "--force")
    assert "would overwrite the input" in proc.stderr
