"""The audit's report formats: well-formed, escaped, nothing lost, CSV injection neutralised."""
from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import pytest

from compliance import audit
from compliance.atomic import report_output
from compliance.formats.audit_base import ENCODING, FORMATS, NEWLINE, AuditMeta, rule_rows, writer_class
from compliance.formats.audit_csv import neutralise
from compliance.rulebook import load_rulebook

from .conftest import ROOT

AS_OF = dt.date(2026, 6, 30)
SCRIPT = "<script>alert('x')</script>"
FORMULA = "=HYPERLINK(\"http://evil.example\",\"点我\")"


def _record(rid: str, title: str, steps: str, extra: str = "") -> str:
    return (f"format: decision-record/1\nid: {json.dumps(rid)}\ntype: expropriation_decision\n"
            f"title: {json.dumps(title, ensure_ascii=False)}\n"
            "issuer: {name: 新乡市卫滨区人民政府, level: district_government}\n"
            "department: {name: 卫滨区城市更新推进中心}\npublic_interest: old_city_reconstruction\nhouseholds: 10\n"
            + extra + "steps:\n" + steps)


@pytest.fixture(scope="module")
def inputs(tmp_path_factory):
    root = tmp_path_factory.mktemp("fmt")
    decided = "  - {kind: decision, date: 2025-04-25}\n"
    (root / "a-script.yaml").write_text(_record("A-1", SCRIPT, decided), encoding="utf-8")
    (root / "b-formula.yaml").write_text(_record("@B-2", FORMULA, decided), encoding="utf-8")
    waiver = "waivers:\n  - {rule: D590-12-SSRA, reason: '-已报批', approved_by: 中心党组}\n"
    (root / "c-waived.yaml").write_text(_record("+C-3", "豁免测试", decided, waiver), encoding="utf-8")
    (root / "d-other-year.yaml").write_text(_record("D-4", "2024 年的决定", "  - {kind: decision, date: 2024-04-25}\n"),
                                            encoding="utf-8")
    (root / "e-broken.yaml").write_text("format: decision-record/1\nid: [\n", encoding="utf-8")
    (root / "f-dup.yaml").write_text(_record("A-1", "重复编号", decided), encoding="utf-8")
    (root / "g-example.yaml").write_text((ROOT / "rules" / "_examples" / "expropriation.yaml").read_text(encoding="utf-8"),
                                         encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def reports(inputs, tmp_path_factory):
    """Every format, written through the same path as the command (atomic file)."""
    out_dir = tmp_path_factory.mktemp("out")
    book = load_rulebook()
    opts = audit.Options(as_of=AS_OF, year=2025)
    meta = AuditMeta(AS_OF.isoformat(), "zh", "test", year=2025, generated="2026-06-30T12:00:00",
                     rules=rule_rows(book, "zh"))
    out = {}
    for fmt in FORMATS:
        path = out_dir / f"report.{fmt}"
        with report_output(path, encoding=ENCODING.get(fmt, "utf-8"), newline=NEWLINE.get(fmt)) as stream:
            writer = writer_class(fmt)(stream, meta)
            audit.run([inputs], opts, writer, rulebook=book)
        out[fmt] = path.read_text(encoding=ENCODING.get(fmt, "utf-8"))
    json_doc = json.loads(out["json"])
    return out, json_doc


def test_json_report_follows_the_contract(reports):
    _, doc = reports
    assert doc["format"] == "compliance-report/1" and doc["as_of"] == "2026-06-30"
    assert {"records", "pass", "incomplete", "fail", "error"} <= set(doc["summary"])
    for rec in doc["records"]:
        assert {"file", "id", "type", "status", "error", "findings"} <= set(rec)
        assert rec["status"] in ("pass", "incomplete", "fail", "error")
    assert [e["id"] for e in doc["excluded"]] == ["D-4"]
    assert len(doc["records"]) == 6
    assert doc["summary"]["duplicate_ids"][0]["id"] == "A-1"


def test_csv_has_a_row_per_finding_and_per_record_without_one(reports):
    text, doc = reports
    rows = list(csv.reader(io.StringIO(text["csv"])))
    header, body = rows[0], rows[1:]
    assert all(len(r) == len(header) for r in body)
    expected = sum(max(1, len(r["findings"])) for r in doc["records"]) + len(doc["excluded"])
    assert len(body) == expected


def test_csv_neutralises_formulas(reports):
    text, _ = reports
    rows = list(csv.reader(io.StringIO(text["csv"])))
    for row in rows[1:]:
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell
    cells = {c for r in rows for c in r}
    assert "'" + FORMULA in cells and "'@B-2" in cells and "'+C-3" in cells
    assert neutralise("-1") == "'-1" and neutralise("2025-04-25") == "2025-04-25" and neutralise(None) == ""


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags, self.stack, self.problems = [], [], []

    VOID = {"meta", "br", "rect", "link", "img", "input", "hr", "col"}

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag):
        if tag in self.VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.problems.append(f"</{tag}> but open: {self.stack[-3:]}")
        else:
            self.stack.pop()


def test_html_is_standalone_escaped_and_well_nested(reports):
    text, doc = reports
    html = text["html"]
    assert SCRIPT not in html and "&lt;script&gt;" in html
    parser = _Tags()
    parser.feed(html)
    assert parser.problems == [] and parser.stack == []
    tags = [t for t, _ in parser.tags]
    assert "script" not in tags and tags.count("svg") == 1
    for tag, attrs in parser.tags:        # no external assets
        for key in ("src", "href"):
            assert not (attrs.get(key) or "").startswith(("http:", "https:", "//")), (tag, attrs)
    assert "@media print" in html and "size: A4" in html
    assert html.count('<section class="record"') == len(doc["records"])
    assert "D590-12-SSRA" in html


def test_junit_is_well_formed_with_a_testcase_per_input(reports):
    text, doc = reports
    root = ET.fromstring(text["junit"].encode())
    suite = root.find("testsuite")
    cases = suite.findall("testcase")
    records = [c for c in cases if c.get("classname") != "batch"]
    assert len(records) == len(doc["records"]) + len(doc["excluded"])
    assert int(suite.get("tests")) == len(cases)
    violated = sum(f["result"] == "violated" for r in doc["records"] for f in r["findings"])
    assert len(suite.findall("testcase/failure")) == violated
    assert int(suite.get("failures")) == sum(1 for c in cases if c.find("failure") is not None)
    assert int(suite.get("errors")) == sum(1 for c in cases if c.find("error") is not None)
    assert int(suite.get("skipped")) == len(doc["excluded"])
    errors = [c.find("error").get("message") for c in cases if c.find("error") is not None]
    assert any("invalid YAML" in e for e in errors)


def test_sarif_has_the_required_fields(reports):
    text, doc = reports
    log = json.loads(text["sarif"])
    assert log["version"] == "2.1.0" and isinstance(log["runs"], list) and len(log["runs"]) == 1
    run = log["runs"][0]
    driver = run["tool"]["driver"]
    assert driver["name"] == "compliance"
    rules = driver["rules"]
    assert all(r["id"] and r["shortDescription"]["text"] for r in rules)
    ids = [r["id"] for r in rules]
    findings = [f for r in doc["records"] for f in r["findings"]]
    assert len(run["results"]) == len(findings)
    for result in run["results"]:
        assert result["message"]["text"]
        assert ids[result["ruleIndex"]] == result["ruleId"]
        assert result["kind"] in ("fail", "review") and result["level"] in ("error", "warning", "note", "none")
        if result["kind"] != "fail":
            assert result["level"] == "none"
        for loc in result["locations"]:
            assert loc["physicalLocation"]["artifactLocation"]["uri"]
        if result["properties"]["result"] == "waived":
            assert result["suppressions"][0]["status"] == "accepted"
    # the corpus holds a waived finding (c-waived.yaml): the check above must have run
    assert any(r["properties"]["result"] == "waived" for r in run["results"])
    invocation = run["invocations"][0]
    assert invocation["executionSuccessful"] is True
    notes = invocation["toolExecutionNotifications"]
    assert {n["descriptor"]["id"] for n in notes} == {"input-error", "duplicate-id"}


def test_markdown_escapes_html_and_table_pipes(reports):
    text, doc = reports
    md = text["markdown"]
    assert SCRIPT not in md and "&lt;script&gt;" in md
    assert md.count("\n### ") == len(doc["records"])
    cells = None
    for line in md.splitlines():           # every row of a table has as many cells as its header
        if line.startswith("|"):
            n = len(re.findall(r"(?<!\\)\|", line))
            cells = n if cells is None else cells
            assert n == cells, line
        else:
            cells = None


def test_text_lists_every_input_and_the_summary(reports):
    text, doc = reports
    out = text["text"]
    for rec in doc["records"]:
        assert rec["file"] in out
    assert "D-4" in out and "共检查 6 份记录" in out and "重复的记录编号" in out


def test_english_labels(inputs, tmp_path):
    book = load_rulebook()
    stream = io.StringIO()
    meta = AuditMeta(AS_OF.isoformat(), "en", "test", rules=rule_rows(book, "en"))
    audit.run([inputs], audit.Options(as_of=AS_OF, lang="en"), writer_class("markdown")(stream, meta), rulebook=book)
    assert "# Compliance audit report" in stream.getvalue() and "Findings by rule" in stream.getvalue()
