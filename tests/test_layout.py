"""Text output that reads well at 80 and 120 columns: snapshots of `check` and `checklist`,
and the rules every width must keep (no line wider than the terminal, no trailing spaces,
no rule id cut). Regenerate after a deliberate change: UPDATE_SNAPSHOTS=1 pytest tests/test_layout.py"""
import os
import re
import subprocess
import sys

import pytest
from rich.cells import cell_len

from .conftest import ROOT

SNAPSHOTS = ROOT / "tests" / "snapshots"
COMMANDS = {
    "check-02": ["check", "cases/02-no-risk-assessment.yaml", "--as-of", "2026-01-01"],
    "check-22": ["check", "cases/22-report-served-on-decision-day.yaml", "--as-of", "2026-01-01"],
    "check-05-all": ["check", "cases/05-many-households-no-executive-meeting.yaml", "--as-of", "2026-01-01", "--all"],
    "checklist-08": ["checklist", "cases/08-major-project-no-legal-consultation.yaml", "--before",
                     "party_group_meeting", "--as-of", "2025-05-01"],
}
RULE_ID = re.compile(r"\b[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)+\b")


def _render(args, width: int) -> str:
    env = {**os.environ, "COLUMNS": str(width), "NO_COLOR": "1"}
    return subprocess.run([sys.executable, "-m", "compliance", *args], cwd=ROOT, capture_output=True, text=True,
                          env=env, timeout=120).stdout


@pytest.mark.parametrize("width", [80, 120])
@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_layout_at_width(name, width):
    out = _render(COMMANDS[name], width)
    lines = out.splitlines()
    assert lines, "nothing printed"
    assert all(cell_len(line) <= width for line in lines), max(lines, key=cell_len)
    assert not [line for line in lines if line != line.rstrip()], "trailing spaces"
    ids = {m.group() for m in RULE_ID.finditer(out)}
    from compliance.rulebook import load_rulebook
    known = {r.id for r in load_rulebook().rules}
    cut = {i for i in ids if i not in known and any(k.startswith(i) for k in known)}
    assert not cut, cut                       # a rule id is never broken across lines
    snapshot = SNAPSHOTS / f"{name}-{width}.txt"
    if os.environ.get("UPDATE_SNAPSHOTS"):
        snapshot.write_text(out, encoding="utf-8")
    assert out == snapshot.read_text(encoding="utf-8"), f"{snapshot.name} differs: rerun with UPDATE_SNAPSHOTS=1 if intended"
