"""In the default language every word the tool itself writes is Chinese: findings with
--all --explain, checklists, the audit, rules show. English may appear only in rule ids,
file names and places, document numbers and what the user wrote (and in the rule authors'
own texts, which rules lint checks)."""
import re

import pytest
import yaml
from click.testing import CliRunner

from compliance.cli import cli

from .conftest import CASES, ROOT

RECORDS = sorted([*CASES.glob("*.yaml"), *(CASES / "legal").glob("P-*.yaml")])
ALLOWED = {"compliance", "audit", "UTF", "GBK", "GB18030", "YAML", "JSON", "unknown", "Txt", "xinxiang", "central",
           "national", "record", "steps", "household_entries"}   # commands, encodings, profile names, places


def _strings(node, out: set) -> set:
    if isinstance(node, dict):
        for value in node.values():
            _strings(value, out)
    elif isinstance(node, list):
        for value in node:
            _strings(value, out)
    elif isinstance(node, str):
        out.add(node)
    return out


def _authored() -> set:
    """What users and rule authors wrote: never the tool's own wording."""
    texts: set = set()
    for path in [*RECORDS, *(ROOT / "rules").rglob("*.yaml")]:
        _strings(yaml.safe_load(path.read_text(encoding="utf-8")), texts)
    pieces = {piece for t in texts for piece in re.split(r"\{[^}]*\}", t)}   # templates: their literal parts
    return {t for t in texts | pieces if len(t) >= 3}


def _english_words(output: str, authored: set) -> set:
    output = re.sub(r"\S+\.(ya?ml|json|xlsx)\b", " ", output)             # file names
    output = re.sub(r"\s+", "", output)          # wrapped lines: compare the text, not the layout
    output = re.sub(r"\{[a-z_.]+\}", " ", output)  # a rule's message template, as rules show prints it
    for text in sorted((re.sub(r"\s+", "", t) for t in authored), key=len, reverse=True):
        if len(text) >= 3:
            output = output.replace(text, " ")
    output = re.sub(r"[A-Z][A-Z0-9]*(-[A-Z0-9]+)+", " ", output)          # rule ids
    output = re.sub(r"\S+\.(ya?ml|json|xlsx)\b", " ", output)             # file names
    output = re.sub(r"\((?:[a-z_]+(?:\[\d+\])?\.?)+\)|（(?:[a-z_]+(?:\[\d+\])?\.?)+）", " ", output)  # places
    output = re.sub(r"[\w.-]*/[\w./-]+", " ", output)                       # paths
    return {w for w in re.findall(r"[A-Za-z][A-Za-z_]{2,}", output) if w not in ALLOWED}


@pytest.fixture(scope="module")
def authored():
    return _authored()


def _run(*args) -> str:
    result = CliRunner().invoke(cli, list(args), env={"COLUMNS": "200"})
    assert result.exit_code in (0, 1), result.output
    return result.output


@pytest.mark.parametrize("path", RECORDS, ids=lambda p: p.stem)
def test_check_all_explain_is_chinese(authored, path):
    words = _english_words(_run("check", str(path), "--all", "--explain", "--as-of", "2026-01-01"), authored)
    assert not words, sorted(words)


@pytest.mark.parametrize("gate", ["party_group_meeting", "executive_meeting", "decision"])
def test_checklist_is_chinese(authored, gate):
    out = _run("checklist", str(CASES / "01-compliant-expropriation.yaml"), "--before", gate, "--as-of", "2025-04-01")
    out += _run("checklist", str(CASES / "08-major-project-no-legal-consultation.yaml"), "--before", gate,
                "--as-of", "2025-05-01")
    assert not _english_words(out, authored), sorted(_english_words(out, authored))


def test_audit_and_rules_are_chinese(authored, monkeypatch):
    monkeypatch.chdir(ROOT)                       # short file names: a long path would wrap
    out = _run("audit", *(str(p.relative_to(ROOT)) for p in sorted(CASES.glob("*.yaml"))), "--as-of", "2026-01-01")
    out += _run("rules", "list")
    for rule_id in ("D590-12-SSRA", "D590-26-TRIGGER", "INT-RISK", "SPC12-02-WINDOW-3M", "ARL-24-BODY"):
        out += _run("rules", "show", rule_id)
    assert not _english_words(out, authored), sorted(_english_words(out, authored))


def test_errors_are_chinese(tmp_path):
    path = tmp_path / "r.yaml"
    path.write_text("format: decision-record/1\nid: X\ntype: major_matter\ntitle: t\nissuer: {name: a, level: departmnt}\n"
                    "category: other\nsteps:\n  - {kind: 党组会议, date: 2025-02-30}\n"
                    "  - {kind: 常务会议, date: 2025-01-03, sesion: 1}\n", encoding="utf-8")
    out = CliRunner().invoke(cli, ["check", str(path)]).output
    words = _english_words(out, {"departmnt", "sesion", "department", "session"})
    words -= {"city_government", "county_government", "county_level_city_government", "district_government", "other"}
    assert out.count(str(path)) >= 4 and not words, (sorted(words), out)
