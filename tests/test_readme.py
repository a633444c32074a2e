"""Every command the README shows runs and does what it says: a reader copying a line gets
a report, not a usage error (exit 2) or an internal error (exit 3). The example output in the
README is what `check` prints today."""
import os
import re
import shlex
import shutil
import subprocess
import sys

import pytest
import yaml

from .conftest import CASES, ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")
USING = README[README.index("## Using it"):README.index("Exit codes:")]
COMMANDS = [line.split("#")[0].strip() for line in re.findall(r"^compliance .*$", USING, re.M)]


def _workspace(tmp_path):
    """What the README's commands name: a record, a profile, a ledger, a notice, cases/."""
    shutil.copytree(CASES, tmp_path / "cases", ignore=shutil.ignore_patterns("expected", "legal"))
    shutil.copy(CASES / "01-compliant-expropriation.yaml", tmp_path / "征收决定.yaml")
    shutil.copy(CASES / "12-compliant-major-matter.yaml", tmp_path / "FILE")
    (tmp_path / "my-city.yaml").write_text("profile: my-city\nextends: national\nmany_households_threshold: 100\n",
                                           encoding="utf-8")
    notice = ROOT / "tests" / "data" / "notices" / "2027-test.txt"
    shutil.copy(notice, tmp_path / "2027年节假日通知.txt")
    return tmp_path


def _run(args, cwd):
    env = {**os.environ, "COLUMNS": "80", "COMPLIANCE_CALENDAR_DIR": str(cwd / "calendars")}
    return subprocess.run([sys.executable, "-m", "compliance", *args], cwd=cwd, capture_output=True, text=True,
                          env=env, timeout=120)


def test_the_readme_shows_the_main_commands():
    names = {shlex.split(c)[1] for c in COMMANDS}
    assert {"check", "checklist", "audit", "record", "rules", "schema", "opinion", "calendar"} <= names


@pytest.mark.parametrize("command", COMMANDS)
def test_every_readme_command_runs(tmp_path, command):
    cwd = _workspace(tmp_path)
    args = shlex.split(command)[1:]
    args = ["2027年节假日通知.txt" if a == "2027年节假日通知.docx" else a for a in args]
    args = [str(p.relative_to(cwd)) for a in args for p in (sorted(cwd.glob(a)) if "*" in a else [cwd / a])]
    if args[:1] == ["audit"] and "台账.xlsx" in args:          # a ledger to audit
        assert _run(["export", "cases/", "台账.xlsx"], cwd).returncode == 0
    if args[:1] == ["calendar"] and args[1:2] == ["show"]:      # the year the README imports first
        _run(["calendar", "import", "2027年节假日通知.txt"], cwd)
    if "2025.json" in args:                                     # last year's report
        assert _run(["audit", "cases/", "--format", "json", "-o", "2025.json"], cwd).returncode in (0, 1)
    if "--rectifications" in args:                              # a register to read back
        assert _run(["audit", "cases/", "--format", "xlsx", "-o", "整改台账.xlsx"], cwd).returncode in (0, 1)
    if args[:2] == ["report", "merge"]:                         # two halves of an audit
        for part, files in (("part1.json", "cases/0*.yaml"), ("part2.json", "cases/[12]*.yaml")):
            names = [str(p.relative_to(cwd)) for p in sorted(cwd.glob(files))]
            assert _run(["audit", *names, "--format", "json", "-o", part], cwd).returncode in (0, 1)
    result = _run(args, cwd)
    assert result.returncode in (0, 1), f"{command}: exit {result.returncode}\n{result.stderr[-800:]}"
    assert "Traceback" not in result.stderr
    assert result.stdout.strip() or any(cwd.glob("*.docx")) or any(cwd.glob("*.html")) or any(cwd.glob("*.xlsx")), \
        f"{command}: printed nothing and wrote nothing"


def test_record_with_an_officials_step_name_adds_the_step(tmp_path):
    cwd = _workspace(tmp_path)
    result = _run(["record", "FILE", "党组会议", "--date", "2025-04-18", "--doc", "党组会议纪要〔2025〕6号"], cwd)
    assert result.returncode == 0, result.stderr
    steps = yaml.safe_load((cwd / "FILE").read_text(encoding="utf-8"))["steps"]
    assert any(s["kind"] == "党组会议" and str(s["date"]) == "2025-04-18" for s in steps)


def test_the_example_output_is_what_check_prints(tmp_path):
    block = README[README.index("Example (`compliance check cases/02-no-risk-assessment.yaml"):]
    shown = block.split("```\n", 2)[1]
    result = _run(["check", "cases/02-no-risk-assessment.yaml", "--as-of", "2026-01-01"], ROOT)
    assert result.stdout == shown


def test_auditing_the_bundled_cases_reads_every_file_as_a_record(tmp_path):
    """`compliance audit cases/` from a fresh clone: no file there is an input error."""
    result = _run(["audit", "cases/", "--as-of", "2026-01-01", "--format", "json", "-o", str(tmp_path / "r.json")], ROOT)
    assert result.returncode in (0, 1), result.stderr
