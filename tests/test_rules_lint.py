"""`compliance rules lint`: every problem of a rules directory, with file and line, never a traceback."""
from __future__ import annotations

import json
import shutil
import sys

import pytest

from compliance import cli
from compliance.lint import lint_directory, rule_problems
from compliance.rule_model import Rule
from compliance.rulebook import bundled_rules_dir

from .conftest import ROOT

SSRA = (ROOT / "rules" / "d590" / "D590-12-SSRA.yaml").read_text(encoding="utf-8")
WHERE = "    where:\n      date: {not_after: decision.date}"


def rules_dir(tmp_path, files: dict[str, str | bytes]):
    """A rules directory with the real examples and the given rule files (name -> text)."""
    root = tmp_path / "rules"
    shutil.copytree(ROOT / "rules" / "_examples", root / "_examples")
    (root / "d590").mkdir()
    for name, text in files.items():
        path = root / "d590" / name
        path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return root


def rule(new_id: str, *changes: tuple[str, str]) -> str:
    text = SSRA.replace("D590-12-SSRA", new_id)
    for old, new in changes:
        assert old in text, old
        text = text.replace(old, new, 1)   # the first occurrence: the first check
    return text


def line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


# (file name, text, words the problem must hold, line it must name or 0 for no line)
BROKEN = [
    ("D590-91-KIND.yaml", rule("D590-91-KIND", ("need: risk_assessment", "need: risk_asessment")),
     ["'risk_asessment' is not a step kind"], "need: risk_asessment"),
    ("D590-91-OP.yaml", rule("D590-91-OP", ("not_after:", "not_afterr:")), ["unknown operator 'not_afterr'"], "not_afterr"),
    ("D590-91-ENUM.yaml", rule("D590-91-ENUM", (WHERE, "    where:\n      conclusion: {is: lowww}")),
     ["'lowww' is never a value", "did you mean 'low'"], "conclusion: {is: lowww}"),
    ("D590-91-IN.yaml", rule("D590-91-IN", (WHERE, "    where:\n      conclusion: {in: low}")),
     ["`in` needs a list"], "conclusion: {in: low}"),
    ("D590-91-MATCH.yaml", rule("D590-91-MATCH", (WHERE, "    where:\n      by: {matches: 5}")),
     ["`matches` needs a text pattern"], "by: {matches: 5}"),
    ("D590-91-COND.yaml", rule("D590-91-COND", (WHERE, "    where:\n      date: 5")),
     ["a condition maps a field to {operator: value}"], "date: 5"),
    ("D590-91-DATEIS.yaml", rule("D590-91-DATEIS", (WHERE, "    where:\n      date: {is: 2025-01-01}")),
     ["is compares text", "'date' is a date", "not_before and not_after"], "date: {is: 2025-01-01}"),
    ("D590-91-SAMEDATE.yaml", rule("D590-91-SAMEDATE", (WHERE, "    where:\n      doc: {same_as: decision.date}")),
     ["same_as compares text", "'decision.date' is a date or a number"], "doc: {same_as: decision.date}"),
    ("D590-91-FIELD.yaml", rule("D590-91-FIELD", (WHERE, "    where:\n      dat: {not_after: decision.date}")),
     ["has no field 'dat'"], "dat: {"),
    ("D590-91-PERIOD.yaml", rule("D590-91-PERIOD", ("not_after: decision.date", "not_after: decision.date + 5 fortnights")),
     ["5 fortnights' is not a period"], "5 fortnights"),
    ("D590-91-LONG.yaml", rule("D590-91-LONG", ("    need: risk_assessment", "    need: risk_assessment\n    due: decision.date + 99999999 days")),
     ["99999999 days is longer than any the law sets"], "- each:"),
    ("d590_bad.yaml", rule("d590_bad"), ["'d590_bad' is not a catalog id"], "id: d590_bad"),
    ("D590-91-NOSOURCE.yaml", rule("D590-91-NOSOURCE", ("source:\n  name: 国有土地上房屋征收与补偿条例\n", "sauce:\n  name: x\n")),
     ["missing citation"], 0),
    ("D590-91-EMPTY-ART.yaml", rule("D590-91-EMPTY-ART", ("article: 第十二条第一款", "article: ''")),
     ["empty citation", "source.article"], "article: ''"),
    ("D590-91-NOTESTS.yaml", rule("D590-91-NOTESTS").split("tests:")[0], ["needs test cases"], "id: D590-91-NOTESTS"),
    ("D590-91-ONETEST.yaml", rule("D590-91-ONETEST").split("  - {name: no assessment")[0],
     ["no test case expects `violated`"], "- {name: assessment before"),
    ("D590-91-DATES.yaml", rule("D590-91-DATES", ("effective: {from: 2011-01-21}", "effective: {from: 2011-01-21, to: 2001-01-01}")),
     ["effective dates reversed", "2001-01-01", "2011-01-21"], "effective:"),
    ("D590-91-YAML.yaml", rule("D590-91-YAML", ("checks:", "checks: [\n")), ["invalid YAML"], "each: decision"),
    ("D590-91-DUPKEY.yaml", rule("D590-91-DUPKEY") + "severity: minor\n", ["duplicate key 'severity'"], "severity: minor"),
    ("D590-91-LIST.yaml", "- a list\n- not a rule\n", ["holds one mapping", "not a list"], "- a list"),
    ("D590-91-TYPE.yaml", rule("D590-91-TYPE", ("applies_to: [expropriation_decision]", "applies_to: [expropriation]")),
     ["'expropriation' is not allowed"], "applies_to:"),
    ("D590-91-KEY.yaml", rule("D590-91-KEY", ("severity: blocking", "severity: blocking\nseverty: major")),
     ["unknown key `severty`"], "severty:"),
    ("D590-91-MSG.yaml", rule("D590-91-MSG", ("（{decision.date}）", "（{decision.dte}）")),
     ["{decision.dte}", "no field 'dte'"], "zh: 征收决定（{decision.dte}"),
    ("D590-91-CASE.yaml", rule("D590-91-CASE", ("case: expropriation.yaml, expect: satisfied", "case: nope.yaml, expect: satisfied")),
     ["no such example record"], "case: nope.yaml"),
    ("D590-91-REMOVE.yaml", rule("D590-91-REMOVE", ("remove: [risk_assessment]", "remove: [risk_asessment]")),
     ["names step kind 'risk_asessment'", "change nothing"], "remove: [risk_asessment]"),
    ("D590-91-NAME.yaml", rule("D590-91-OTHER"), ["named D590-91-NAME.yaml but holds rule D590-91-OTHER"], "id:"),
    ("D590-91-BINARY.yaml", b"\x00\x01\x02", ["binary"], 0),
    ("D590-91-BIG5.yaml", "id: X-1\ntitle: {zh: 衛濱區健康路片區城市更新項目房屋徵收決定, en: x}\n".encode("big5"),
     ["not UTF-8"], 0),
]


def test_every_problem_with_file_and_line(tmp_path):
    root = rules_dir(tmp_path, {"D590-12-SSRA.yaml": SSRA, **{name: text for name, text, _, _ in BROKEN}})
    report = lint_directory(root)
    assert report.files == len(BROKEN) + 1
    by_file: dict[str, list] = {}
    for problem in report.problems:
        by_file.setdefault(problem.file.rsplit("/", 1)[-1], []).append(problem)
    assert "D590-12-SSRA.yaml" not in by_file                          # the good rule lints clean
    for name, text, words, where in BROKEN:
        problems = by_file.get(name)
        assert problems, f"{name}: no problem reported"
        hit = [p for p in problems if all(w in str(p) for w in words)]
        assert hit, (name, [str(p) for p in problems])
        if where:
            text = text.decode("utf-8", "replace") if isinstance(text, bytes) else text
            assert hit[0].line == line_of(text, where), (name, str(hit[0]))
        assert "\n" not in str(hit[0])


def test_duplicate_ids_are_reported_in_both_files(tmp_path):
    root = rules_dir(tmp_path, {"D590-12-SSRA.yaml": SSRA, "D590-12-SSRA-COPY.yaml": SSRA})
    problems = [str(p) for p in lint_directory(root).problems if "duplicate rule id" in p.message]
    assert len(problems) == 2 and all(":1:5:" in p and "D590-12-SSRA" in p for p in problems)


def test_files_the_loader_would_skip_are_reported(tmp_path):
    root = rules_dir(tmp_path, {"D590-12-SSRA.yaml": SSRA, "D590-91-X.yml": SSRA})
    problems = [str(p) for p in lint_directory(root).problems]
    assert any("D590-91-X.yml" in p and "end in `.yaml`" in p for p in problems)


def test_the_bundled_rules_lint_clean():
    report = lint_directory(bundled_rules_dir())
    assert report.problems == [], "\n".join(map(str, report.problems))
    assert report.rules == report.files and report.rules > 50


def test_rule_problems_is_usable_by_the_loader():
    import yaml
    data = yaml.safe_load(rule("D590-91-IN", (WHERE, "    where:\n      conclusion: {in: low}")))
    assert rule_problems(Rule.model_validate(data)) == [
        (["checks", 0, "where", "conclusion"], "conclusion in: `in` needs a list of values, e.g. in: [a, b]")]


def _lint(monkeypatch, capsys, *argv):
    monkeypatch.setattr(sys, "argv", ["compliance", "rules", "lint", *argv])
    with pytest.raises(SystemExit) as info:
        cli.main()
    out = capsys.readouterr()
    return info.value.code, out.out, out.err


def test_lint_command_exit_codes_and_output(tmp_path, monkeypatch, capsys):
    root = rules_dir(tmp_path, {"D590-12-SSRA.yaml": SSRA})
    code, out, err = _lint(monkeypatch, capsys, str(root))
    assert code == 0 and out.strip() == "1 rule files, 1 rules, 0 problems" and err == ""
    broken = rules_dir(tmp_path / "b", {name: text for name, text, _, _ in BROKEN[:6]})
    code, out, err = _lint(monkeypatch, capsys, str(broken))
    lines = out.strip().splitlines()
    assert code == 1 and "Traceback" not in err and len(lines) >= 7
    assert all(line.startswith(str(broken)) for line in lines[:-1]) and lines[-1].endswith(f"{len(lines) - 1} problems")
    code, out, err = _lint(monkeypatch, capsys, str(broken), "--format", "json")
    doc = json.loads(out)
    assert code == 1 and len(doc["problems"]) == len(lines) - 1
    assert {"file", "line", "column", "path", "message"} == set(doc["problems"][0])


def test_lint_of_a_missing_directory_is_a_usage_error(tmp_path, monkeypatch, capsys):
    code, out, err = _lint(monkeypatch, capsys, str(tmp_path / "nowhere"))
    assert code == 2 and err.count("\n") == 1 and "not found" in err


def test_lint_survives_anything_in_a_rule_file(tmp_path):
    """Hostile rule files: each becomes a problem, never an exception."""
    hostile = {
        "D590-92-A.yaml": "a: &a [*a]\n",
        "D590-92-B.yaml": "[" * 5000,
        "D590-92-C.yaml": rule("D590-92-C", ("checks:", "checks: !!set {a}\nx:")),
        "D590-92-D.yaml": rule("D590-92-D", (WHERE, "    where: [1, 2]")),
        "D590-92-E.yaml": rule("D590-92-E", (WHERE, "    where:\n      date: {not_after: {a: 1}}")),
        "D590-92-F.yaml": rule("D590-92-F", ("tests:", "tests: 5\nx:")),
        "D590-92-G.yaml": rule("D590-92-G", ("    need: risk_assessment", "    need: [1, 2]")),
        "D590-92-H.yaml": rule("D590-92-H", ("effective: {from: 2011-01-21}", "effective: {from: 2011-02-30}")),
        "D590-92-I.yaml": "",
    }
    report = lint_directory(rules_dir(tmp_path, hostile))
    files = {p.file.rsplit("/", 1)[-1] for p in report.problems}
    assert files == set(hostile)
    assert not [p for p in report.problems if "cannot be checked" in p.message], report.problems
