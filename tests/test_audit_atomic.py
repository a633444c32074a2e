"""Reports are written atomically: an interrupted write leaves the old file (or none), never a part."""
from __future__ import annotations

import os
import stat

import pytest

from compliance.atomic import atomic_writer, report_output


def test_a_completed_write_replaces_the_file_with_normal_permissions(tmp_path):
    target = tmp_path / "report.json"
    with atomic_writer(target) as f:
        f.write("新的报告")
    assert target.read_text(encoding="utf-8") == "新的报告"
    mask = os.umask(0)
    os.umask(mask)
    assert stat.S_IMODE(target.stat().st_mode) == 0o666 & ~mask       # not mkstemp's 0600
    assert [p.name for p in tmp_path.iterdir()] == ["report.json"]


@pytest.mark.parametrize("interruption", [KeyboardInterrupt, RuntimeError])
def test_an_interrupted_write_keeps_the_old_file_and_leaves_no_temporary(tmp_path, interruption):
    target = tmp_path / "report.html"
    target.write_text("旧报告", encoding="utf-8")
    os.chmod(target, 0o640)
    with pytest.raises(interruption):
        with atomic_writer(target) as f:
            f.write("<html>半份")
            f.flush()
            assert len(list(tmp_path.iterdir())) == 2                 # the temporary sits beside it
            raise interruption
    assert target.read_text(encoding="utf-8") == "旧报告"
    assert [p.name for p in tmp_path.iterdir()] == ["report.html"]
    with atomic_writer(target) as f:
        f.write("新")
    assert stat.S_IMODE(target.stat().st_mode) == 0o640              # an existing file keeps its mode


def test_binary_mode_for_workbooks(tmp_path):
    target = tmp_path / "台账.xlsx"
    with atomic_writer(target, binary=True) as f:
        f.write(b"PK\x03\x04")
    assert target.read_bytes() == b"PK\x03\x04"


def test_stdout_gets_the_report_only_when_it_is_complete(capsys):
    with pytest.raises(KeyboardInterrupt):
        with report_output(None) as f:
            f.write('{"records": [')
            raise KeyboardInterrupt
    assert capsys.readouterr().out == ""
    with report_output(None) as f:
        f.write("完整")
    assert capsys.readouterr().out == "完整"
