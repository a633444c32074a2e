"""The command as scripts and users meet it: contract, exit codes, errors, any directory."""
import json
import os
import re
import subprocess
import sys
import zipfile

import pytest
from rich.cells import cell_len

from .conftest import ROOT

COMPLIANCE = [sys.executable, "-m", "compliance"]
EXAMPLE = ROOT / "rules" / "_examples" / "expropriation.yaml"
REQUIREMENTS = ROOT.parent / "shared" / "spec" / "requirements.md"


def run(*args, cwd=None, env=None):
    e = dict(os.environ, **(env or {}))
    return subprocess.run(COMPLIANCE + list(args), capture_output=True, text=True, cwd=cwd, env=e)


def catalog_ids(sections):
    text = REQUIREMENTS.read_text(encoding="utf-8")
    ids, current = set(), None
    for line in text.splitlines():
        m = re.match(r"^### (\d\.\d)", line)
        if m:
            current = m.group(1)
        m = re.match(r"^\| ([A-Z][A-Z0-9]*(?:-[A-Z0-9]+)+) \|", line)
        if m and current in sections:
            ids.add(m.group(1))
    return ids


@pytest.mark.skipif(not REQUIREMENTS.exists(), reason="shared/spec is not beside the repository")
def test_rules_list_covers_the_decision_phase_713_and_internal_catalog():
    out = run("rules", "list", "--format", "json")
    assert out.returncode == 0, out.stderr
    rows = json.loads(out.stdout)
    ids = {r["id"] for r in rows}
    wanted = catalog_ids({"2.1", "2.3", "2.9"}) | {"D590-20-AGENCY-TIMING"}
    assert len(wanted) >= 53
    assert wanted <= ids, sorted(wanted - ids)
    for row in rows:
        assert {"id", "title", "severity", "basis", "source", "effective_from", "effective_to", "verified"} <= set(row)
    by_id = {r["id"]: r for r in rows}
    assert by_id["D590-20-AGENCY-TIMING"]["verified"] is False
    assert by_id["D590-12-SSRA"]["verified"] is True
    assert all(not r["verified"] for r in rows if r["id"].startswith("INT-"))


def test_check_json_from_another_directory(tmp_path):
    out = run("check", str(EXAMPLE), "--format", "json", "--as-of", "2026-01-01", cwd=tmp_path)
    doc = json.loads(out.stdout)
    assert doc["format"] == "compliance-report/1" and doc["as_of"] == "2026-01-01"
    rec = doc["records"][0]
    assert rec["id"] == "EX-2025-ZS-01" and rec["status"] == "pass" and rec["findings"] == []
    assert doc["summary"] == {"records": 1, "pass": 1, "incomplete": 0, "fail": 0, "error": 0}
    assert out.returncode == 0


def _defective(tmp_path):
    text = EXAMPLE.read_text(encoding="utf-8")
    text = "\n".join(line for line in text.splitlines() if "kind: risk_assessment" not in line)
    path = tmp_path / "no-ssra.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_violation_gives_findings_and_exit_1(tmp_path):
    out = run("check", str(_defective(tmp_path)), "--format", "json", "--as-of", "2026-01-01")
    assert out.returncode == 1
    findings = {f["rule"]: f for f in json.loads(out.stdout)["records"][0]["findings"]}
    ssra = findings["D590-12-SSRA"]
    assert ssra["result"] == "violated" and ssra["severity"] == "blocking"
    assert ssra["basis"] == "《国有土地上房屋征收与补偿条例》第十二条第一款"
    assert "2025-04-25" in ssra["message"] and ssra["remediation"]
    assert {"steps", "title"} <= set(ssra)
    assert run("check", str(_defective(tmp_path)), "--as-of", "2026-01-01", "--fail-on", "never").returncode == 0


def test_english_output(tmp_path):
    out = run("check", str(_defective(tmp_path)), "--format", "json", "--lang", "en", "--as-of", "2026-01-01")
    f = {f["rule"]: f for f in json.loads(out.stdout)["records"][0]["findings"]}["D590-12-SSRA"]
    assert f["basis"].endswith("Art 12(1)") and "risk assessment" in f["title"]


def test_text_output_fits_80_columns(tmp_path):
    out = run("check", str(_defective(tmp_path)), "--as-of", "2026-01-01", env={"COLUMNS": "80"})
    assert "D590-12-SSRA" in out.stdout and "\x1b[" not in out.stdout  # no colour when not a TTY
    assert max(cell_len(line) for line in out.stdout.splitlines()) <= 80


def test_bad_file_is_one_line_exit_2_and_batch_goes_on(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("format: decision-record/1\nid: [\n", encoding="utf-8")
    out = run("check", str(bad), str(EXAMPLE), "--format", "json", "--as-of", "2026-01-01")
    assert out.returncode == 2 and "Traceback" not in out.stderr
    records = json.loads(out.stdout)["records"]
    assert [r["status"] for r in records] == ["error", "pass"]
    assert records[0]["error"]["message"].startswith("invalid YAML")


def test_waiver_naming_unknown_rule_is_an_input_error(tmp_path):
    text = EXAMPLE.read_text(encoding="utf-8") + "waivers:\n  - {rule: D590-99-NOPE, reason: x}\n"
    path = tmp_path / "w.yaml"
    path.write_text(text, encoding="utf-8")
    out = run("check", str(path), "--format", "json")
    err = json.loads(out.stdout)["records"][0]["error"]
    assert out.returncode == 2 and err["location"] == "waivers[0].rule"


def test_unknown_profile_and_bad_as_of_are_usage_errors():
    out = run("check", str(EXAMPLE), "--profile", "atlantis")
    assert out.returncode == 2 and "no such profile" in out.stderr and "Traceback" not in out.stderr
    out = run("check", str(EXAMPLE), "--as-of", "tomorrow")
    assert out.returncode == 2 and "Traceback" not in out.stderr


def test_internal_error_is_one_line_and_exit_3(monkeypatch, capsys):
    from compliance import cli, report
    monkeypatch.setattr(report.Checker, "check_file", lambda *a, **k: 1 / 0)
    monkeypatch.setattr(sys, "argv", ["compliance", "check", str(EXAMPLE)])
    with pytest.raises(SystemExit) as info:
        cli.main()
    assert info.value.code == 3
    err = capsys.readouterr().err
    assert "--debug" in err and "Traceback" not in err and err.count("\n") == 1


def test_rules_show_and_schema():
    out = run("rules", "show", "D590-12-SSRA")
    assert out.returncode == 0 and "第十二条第一款" in out.stdout
    assert run("rules", "show", "D590-12-SSR").returncode == 2
    schema = json.loads(run("schema").stdout)
    assert schema["properties"]["format"] == {"const": "decision-record/1"}


def test_rules_test_command_passes():
    out = run("rules", "test")
    assert out.returncode == 0, out.stdout[-2000:]
    assert re.search(r"^\d+ passed, 0 failed$", out.stdout, re.M)


def test_wheel_ships_rules_and_profiles(tmp_path):
    """The installed tool finds its rules anywhere: they are package data, not repo files."""
    build = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path), str(ROOT)],
                           capture_output=True, text=True)
    assert build.returncode == 0, build.stderr
    wheel = next(tmp_path.glob("compliance-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    for folder in (ROOT / "rules").iterdir():
        if folder.is_dir():  # every rules folder must be listed in pyproject's packages
            for rule_file in folder.glob("*.yaml"):
                assert f"compliance/_rules/{folder.name}/{rule_file.name}" in names
    assert "compliance/_rules/_examples/expropriation.yaml" in names
    assert "compliance/profiles/national.yaml" in names
    assert "compliance/formats/templates/audit.html.j2" in names
    for module in (ROOT / "compliance").rglob("*.py"):  # every package listed in pyproject
        assert module.relative_to(ROOT).as_posix() in names
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    code = "from compliance.rulebook import load_rulebook, bundled_rules_dir; print(bundled_rules_dir(), len(load_rulebook().rules))"
    env = dict(os.environ, PYTHONPATH=str(site))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path, env=env)
    assert out.returncode == 0, out.stderr
    assert str(site) in out.stdout


def test_explain_shows_the_requirement_the_facts_and_the_period(tmp_path):
    text = EXAMPLE.read_text(encoding="utf-8").replace("end: 2025-03-31, publisher", "end: 2025-03-30, publisher")
    path = tmp_path / "c29.yaml"
    path.write_text(text, encoding="utf-8")
    out = run("check", str(path), "--as-of", "2026-01-01", "--explain", "--format", "json")
    f = {f["rule"]: f for f in json.loads(out.stdout)["records"][0]["findings"]}["D590-10-COMMENT-30D"]
    joined = "\n".join(f["explanation"])
    assert "开始日期 + 30日" in joined and "结束日期2025-03-30" in joined      # the requirement and the facts, in words
    assert "2025-03-01 → 2025-03-31" in joined and "不计首日" in joined
    assert f["periods"] == [{"expression": "plan_comment.start + 30 days", "start": "2025-03-01",
                             "last_day": "2025-03-31", "counting": "exclude_start_day", "days_counted": 30,
                             # the record's own period beside the requirement: 29 days, not 30
                             "recorded_start": "2025-03-01", "recorded_end": "2025-03-30", "recorded_days": 29}]


@pytest.mark.skipif(not REQUIREMENTS.exists(), reason="shared/spec is not beside the repository")
def test_every_catalog_id_has_a_rule():
    """The catalog is the contract: a row without a rule is a requirement nobody checks."""
    ids = catalog_ids({"2.1", "2.2", "2.3", "2.4", "2.5", "2.6", "2.7", "2.8", "2.9"})
    assert len(ids) == 134
    rows = json.loads(run("rules", "list", "--format", "json").stdout)
    listed = {r["id"]: r for r in rows}
    assert ids == set(listed), (sorted(ids - set(listed)), sorted(set(listed) - ids))
    for row in rows:
        if row["check"] == "informational":
            assert row["reason"], f"{row['id']} is informational without a reason"


@pytest.mark.skipif(not REQUIREMENTS.exists(), reason="shared/spec is not beside the repository")
def test_verified_flag_and_severity_follow_the_catalog():
    """Only rows whose article text was read (Txt A) are verified; severities are the catalog's."""
    rows = {}
    for line in REQUIREMENTS.read_text(encoding="utf-8").splitlines():
        m = re.match(r"^\| ([A-Z][A-Z0-9]*(?:-[A-Z0-9]+)+) \|", line)
        if m:
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            rows[m.group(1)] = (cells[-2], cells[-1])
    from compliance.rulebook import load_rulebook
    notes = {r.id: r.verification_note for r in load_rulebook().rules}
    for rule in json.loads(run("rules", "list", "--format", "json").stdout):
        severity, txt = rows[rule["id"]]
        # a rule whose row was read may still lean on a text that was not (then it says which)
        assert rule["verified"] == (txt == "A") or (txt == "A" and not rule["verified"] and notes[rule["id"]]), \
            rule["id"]
        assert severity.startswith(rule["severity"]), (rule["id"], severity, rule["severity"])


_CN_NUMERALS = {c: i for i, c in enumerate("一二三四五六七八九十", start=1)}
_ROMAN = {"I": 1, "II": 2, "III": 3, "IV": 4, "V": 5, "VI": 6, "VII": 7, "VIII": 8, "IX": 9, "X": 10}


def _articles(text: str) -> set[int]:
    """Article (or part) numbers a citation names: 'Art 10(2)', 'Art 13(1), 14', '§二(五)', 'Part II(5)'."""
    found: set[int] = set()
    for m in re.finditer(r"Arts? ((?:\d+(?:\([^)]*\))*(?:, | and |–|-)?)+)", text):
        found |= {int(n) for n in re.findall(r"(?<![(\d])\d+", m.group(1))}   # not the (paragraph)
    found |= {_CN_NUMERALS[c] for c in re.findall(r"§([一二三四五六七八九十])", text)}
    found |= {_ROMAN[r] for r in re.findall(r"Part ([IVX]+)", text)}
    return found


@pytest.mark.skipif(not REQUIREMENTS.exists(), reason="shared/spec is not beside the repository")
def test_every_rule_cites_an_article_its_catalog_row_names(rulebook):
    """A typo in an article number must not reach a finding: the rule's article is the catalog's."""
    sources = {}
    for line in REQUIREMENTS.read_text(encoding="utf-8").splitlines():
        m = re.match(r"^\| ([A-Z][A-Z0-9]*(?:-[A-Z0-9]+)+) \|", line)
        if m:
            sources[m.group(1)] = [c.strip() for c in line.strip().strip("|").split("|")][1]
    checked = 0
    for rule in rulebook.rules:
        catalog = _articles(sources[rule.id])
        if not catalog:
            continue    # the row names a document, not an article (HN-210)
        cited = _articles(rule.source.article_en)
        assert cited and cited <= catalog, (rule.id, sources[rule.id], rule.source.article_en)
        checked += 1
    assert checked >= 120


def test_a_reader_that_leaves_early_ends_the_output_quietly():
    """`compliance check ... | head`: more output than a pipe holds, the reader leaves."""
    cases = sorted(str(p) for p in (ROOT / "cases").glob("*.yaml"))
    proc = subprocess.Popen([sys.executable, "-m", "compliance", "check", *cases, "--all", "--explain",
                             "--as-of", "2026-01-01", "--fail-on", "never"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT)
    assert proc.stdout.readline()
    proc.stdout.close()
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=120) == 0, err
    assert err == ""
