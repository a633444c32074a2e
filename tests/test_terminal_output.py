"""No file name or record value can send the terminal an escape sequence, a C1 control or a
bidi override, and a newline in a file name does not split its line (issue 12)."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
import yaml

from compliance.terminal import safe, safe_line

from .conftest import ROOT

EXAMPLE = (ROOT / "rules" / "_examples" / "expropriation.yaml").read_text(encoding="utf-8")
HOSTILE_CHARS = ("\x1b", "\u009b", "\u202e", "\x07")


def run(*args):
    return subprocess.run([sys.executable, "-m", "compliance", *map(str, args)], capture_output=True, text=True,
                          env=dict(os.environ, PYTHONIOENCODING="utf-8", COLUMNS="200"))


def test_the_helper_shows_what_it_escapes():
    assert safe("a\x1b[31mb\u202ec\u009bd\n") == "a\\x1b[31mb\\u202ec\\x9bd\n"
    assert safe_line("a\nb\tc") == "a\\x0ab\\x09c"
    assert safe("普通文本 plain") == "普通文本 plain"


@pytest.fixture
def hostile(tmp_path):
    text = EXAMPLE.replace("title: ", "title: 标题\u202e反转 ", 1)
    names = ["esc\x1b]0;owned\x07.yaml", "line\nbreak.yaml"]
    for name in names:
        (tmp_path / name).write_text(text, encoding="utf-8")
    data = yaml.safe_load(EXAMPLE)        # JSON may hold C1 controls, which YAML refuses
    data["title"] = "标题\u009b[2J"
    (tmp_path / "c1.json").write_text(json.dumps(data, default=str, ensure_ascii=False), encoding="utf-8")
    (tmp_path / "broken\x1b[2J.yaml").write_text("id: [", encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize("command", [["check"], ["audit", "--jobs", "1"]])
def test_text_output_is_escaped(hostile, command):
    files = sorted(hostile.iterdir())
    proc = run(*command, *files, "--as-of", "2026-01-01")
    assert "Traceback" not in proc.stderr
    for stream in (proc.stdout, proc.stderr):
        assert not any(c in stream for c in HOSTILE_CHARS), [c for c in HOSTILE_CHARS if c in stream]
    assert "line\\x0abreak.yaml" in proc.stdout
    assert "broken\\x1b[2J.yaml" in proc.stdout
    if command == ["check"]:                  # the audit lists titles of failing records only
        assert "\\u202e" in proc.stdout and "\\x9b[2J" in proc.stdout


def test_record_messages_are_escaped(tmp_path):
    path = tmp_path / "r\x1b[31m.yaml"
    path.write_text(EXAMPLE, encoding="utf-8")
    proc = run("record", path, "党组会议集体研究决定", "--date", "2025-05-30")
    assert proc.returncode == 0, proc.stderr
    assert "\x1b" not in proc.stdout and "r\\x1b[31m.yaml" in proc.stdout
