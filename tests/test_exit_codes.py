"""Exit codes follow `--fail-on` exactly: a run fails on a violation at that severity or above.

Each record here breaks one rule whose severity is set by the test (a one-rule rules folder),
so a swapped severity order or a wrong threshold shows up as a wrong exit code."""
import shutil

import pytest
import yaml
from click.testing import CliRunner

from compliance.cli import cli

from .conftest import ROOT

RULE = ROOT / "rules" / "d590" / "D590-12-SSRA.yaml"
EXAMPLE = ROOT / "rules" / "_examples" / "expropriation.yaml"
EXPECTED = {  # (severity of the only violation, --fail-on) -> exit code
    ("blocking", "blocking"): 1, ("blocking", "major"): 1, ("blocking", "minor"): 1, ("blocking", "never"): 0,
    ("major", "blocking"): 0, ("major", "major"): 1, ("major", "minor"): 1, ("major", "never"): 0,
    ("minor", "blocking"): 0, ("minor", "major"): 0, ("minor", "minor"): 1, ("minor", "never"): 0,
}


@pytest.fixture(scope="module")
def setup(tmp_path_factory):
    base = tmp_path_factory.mktemp("exit")
    record = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    record["steps"] = [s for s in record["steps"] if s["kind"] != "risk_assessment"]
    record.pop("waivers", None)
    path = base / "record.yaml"
    path.write_text(yaml.safe_dump(record, allow_unicode=True), encoding="utf-8")
    dirs = {}
    for severity in ("blocking", "major", "minor"):
        rules = base / severity
        shutil.copytree(ROOT / "rules" / "_examples", rules / "_examples")
        (rules / "d590").mkdir()
        text = RULE.read_text(encoding="utf-8").replace("severity: blocking", f"severity: {severity}", 1)
        (rules / "d590" / RULE.name).write_text(text, encoding="utf-8")
        dirs[severity] = rules
    return path, dirs


@pytest.mark.parametrize("severity,fail_on", sorted(EXPECTED))
def test_exit_code_of_check_follows_fail_on(setup, severity, fail_on):
    path, dirs = setup
    result = CliRunner().invoke(cli, ["check", str(path), "--rules", str(dirs[severity]), "--as-of", "2026-01-01",
                                      "--fail-on", fail_on, "--format", "json"])
    assert result.exit_code == EXPECTED[(severity, fail_on)], result.output


@pytest.mark.parametrize("severity,fail_on", [("major", "major"), ("minor", "major"), ("blocking", "never")])
def test_exit_code_of_audit_follows_fail_on(setup, severity, fail_on, tmp_path):
    path, dirs = setup
    result = CliRunner().invoke(cli, ["audit", str(path), "--rules", str(dirs[severity]), "--as-of", "2026-01-01",
                                      "--fail-on", fail_on, "--format", "json", "-o", str(tmp_path / "r.json")])
    assert result.exit_code == EXPECTED[(severity, fail_on)], result.output


def test_an_input_error_exits_2_whatever_fail_on(setup, tmp_path):
    path, dirs = setup
    broken = tmp_path / "broken.yaml"
    broken.write_text("format: decision-record/1\nid: [\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["check", str(path), str(broken), "--rules", str(dirs["minor"]),
                                      "--fail-on", "never", "--format", "json"])
    assert result.exit_code == 2
