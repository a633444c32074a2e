"""The Word deliverables: the draft legality-review opinion and the pre-meeting review sheet.

Each test runs the command, opens the .docx with python-docx and reads what an advisor would
read. Expected rules, bases and dates come from the case files and the rule files, never
from constants typed here."""
import datetime as dt
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from docx import Document
from docx.shared import Pt

from compliance.evaluate import Evaluator
from compliance.opinion import AT_RISK, LAWFUL, REMEDY_FIRST, conclusion_of, text
from compliance.opinion_parts import PART_OF
from compliance.records import load_record
from compliance.report import Checker
from compliance.rulebook import load_rulebook

ROOT = Path(__file__).resolve().parent.parent
CASES = ROOT / "cases"
PROFILE = str(CASES / "profiles" / "example-xinxiang.yaml")
AS_OF = "2026-01-01"
CONCLUSIONS = {k: text(f"c_{k}", "zh") for k in (LAWFUL, REMEDY_FIRST, AT_RISK)}


def run(*args):
    return subprocess.run([sys.executable, "-m", "compliance", *map(str, args)], capture_output=True, text=True,
                          cwd=ROOT)


def opinion(tmp_path: Path, case: Path, *extra) -> tuple[Document, list[str]]:
    out = tmp_path / f"{case.stem}.docx"
    proc = run("opinion", case, "-o", out, "--as-of", AS_OF, "--profile", PROFILE, *extra)
    assert proc.returncode == 0, proc.stderr
    doc = Document(str(out))
    return doc, [p.text for p in doc.paragraphs]


def section(paras: list[str], heading: str, next_heading: str | None) -> list[str]:
    start = paras.index(heading) + 1
    end = paras.index(next_heading) if next_heading else len(paras)
    return paras[start:end]


def conclusion(paras: list[str], lang: str = "zh") -> str:
    after = section(paras, text("h_conclusion", lang), text("h_advice", lang))
    return after[0]


def checked(case: Path, lang: str = "zh"):
    checker = Checker(Evaluator(load_rulebook()))
    loaded = load_record(case)
    report = checker.check_loaded(loaded, dt.date.fromisoformat(AS_OF), lang, PROFILE, include_all=True)
    return loaded.record, [f for f in report.findings if f.result != "not_applicable"]


# ----------------------------------------------------------------- the opinion
def test_blocking_violation_case_02(tmp_path):
    case = CASES / "02-no-risk-assessment.yaml"
    _, paras = opinion(tmp_path, case)
    record = yaml.safe_load(case.read_text(encoding="utf-8"))
    assert paras[0] == f"关于《{record['title']}》的合法性审查意见"
    assert "草稿" in paras[1] and "法律顾问" in paras[1]
    assert conclusion(paras) == CONCLUSIONS[AT_RISK]
    review = section(paras, text("h_review", "zh"), text("h_conclusion", "zh"))
    # the violation, with its rule, article and remedy, in the 程序 part
    procedure = section(review, "（二）程序", "（三）内容")
    at = next(i for i, p in enumerate(procedure) if "社会稳定风险评估" in p and "违反" in p)
    block = "\n".join(procedure[at:at + 6])
    assert "第十二条" in block and "整改建议" in block
    reasons = section(paras, text("h_conclusion", "zh"), text("h_advice", "zh"))
    assert any("D590-12-SSRA" in p for p in reasons)
    advice = section(paras, text("h_advice", "zh"), None)
    assert any(p.startswith("1. D590-12-SSRA") for p in advice)


def test_sections_bases_and_materials_come_from_the_record_and_rules(tmp_path):
    case = CASES / "02-no-risk-assessment.yaml"
    _, paras = opinion(tmp_path, case)
    heads = [text(k, "zh") for k in ("h_matter", "h_bases", "h_materials", "h_review", "h_conclusion", "h_advice")]
    positions = [paras.index(h) for h in heads]
    assert positions == sorted(positions)
    record, findings = checked(case)
    # every instrument the applicable rules cite appears once in 审查依据
    bases = section(paras, heads[1], heads[2])
    for name in {f.rule.source.name for f in findings}:
        assert sum(1 for b in bases if b.startswith(f"《{name}》")) == 1, name
    # an instrument no verified rule cites is marked (an article another rule read is not)
    unverified = {f.rule.source.name for f in findings} - {f.rule.source.name for f in findings if f.rule.verified}
    assert unverified and all(any(name in b and "未经核实" in b for b in bases) for name in unverified)
    # every step on record, with its document number, in 审查材料
    materials = section(paras, heads[2], heads[3])
    assert len(materials) == len(record.steps)
    for step in record.steps:
        if step.get("doc"):
            assert any(str(step.get("doc")) in m for m in materials), step.kind
    # the draft line lists the rules whose source text is unverified
    assert all(f.rule.id in paras[2] for f in findings if not f.rule.verified)
    # the signature block is left blank for the advisor
    assert paras[-2].startswith("法律顾问：") and paras[-2].replace("法律顾问：", "").strip("\u3000 ") == ""
    assert paras[-1].startswith("日期：")


def test_clean_case_is_lawful_and_removing_a_step_changes_the_conclusion(tmp_path):
    case = CASES / "01-compliant-expropriation.yaml"
    _, paras = opinion(tmp_path, case)
    assert conclusion(paras) == CONCLUSIONS[LAWFUL]
    data = yaml.safe_load(case.read_text(encoding="utf-8"))
    data["steps"] = [s for s in data["steps"] if s["kind"] != "risk_assessment"]
    changed = tmp_path / "no-risk.yaml"
    changed.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    _, paras = opinion(tmp_path, changed)
    assert conclusion(paras) == CONCLUSIONS[AT_RISK]
    assert any("D590-12-SSRA" in p for p in section(paras, text("h_conclusion", "zh"), text("h_advice", "zh")))


def test_non_blocking_violation_asks_for_remedy(tmp_path):
    case = CASES / "13-announcement-without-remedies.yaml"
    _, findings = checked(case)
    violated = [f for f in findings if f.result == "violated"]
    assert violated and all(f.severity != "blocking" for f in violated)  # the case's premise
    _, paras = opinion(tmp_path, case)
    assert conclusion(paras) == CONCLUSIONS[REMEDY_FIRST]


def test_not_evaluable_items_are_materials_to_supply(tmp_path):
    case = CASES / "11-month-only-dates.yaml"
    _, findings = checked(case)
    unknown = [f for f in findings if f.result == "not_evaluable"]
    assert unknown
    _, paras = opinion(tmp_path, case)
    assert conclusion(paras) == CONCLUSIONS[REMEDY_FIRST]
    body = "\n".join(paras)
    for f in unknown:
        assert f.rule.label in body
    assert body.count("需补充材料") >= len(unknown)
    advice = section(paras, text("h_advice", "zh"), None)
    assert all(any(p.startswith(f"{i}. {f.rule.id}") for i, p in enumerate(advice, 1)) for f in unknown)


def test_english(tmp_path):
    case = CASES / "01-compliant-expropriation.yaml"
    _, paras = opinion(tmp_path, case, "--lang", "en")
    record = yaml.safe_load(case.read_text(encoding="utf-8"))
    assert paras[0] == f"Legality review opinion on “{record['title']}”"
    assert "DRAFT" in paras[1]
    assert conclusion(paras, "en") == text("c_lawful", "en")
    assert text("h_materials", "en") in paras and not any("审查" in p for p in paras)


def test_conclusion_mapping_is_never_softer_than_the_findings():
    _, findings = checked(CASES / "02-no-risk-assessment.yaml")
    blocking = next(f for f in findings if f.result == "violated" and f.severity == "blocking")
    satisfied = [f for f in findings if f.result == "satisfied"]
    assert conclusion_of(satisfied) == LAWFUL
    assert conclusion_of(satisfied + [blocking]) == AT_RISK
    _, incomplete = checked(CASES / "11-month-only-dates.yaml")
    assert conclusion_of([f for f in incomplete if f.result != "violated"]) == REMEDY_FIRST


def test_part_table_names_existing_rules():
    ids = {r.id for r in load_rulebook().rules}
    assert set(PART_OF) <= ids, sorted(set(PART_OF) - ids)


def test_template_layout_follows_gb_t_9704(tmp_path):
    doc, _ = opinion(tmp_path, CASES / "01-compliant-expropriation.yaml")
    sec = doc.sections[0]
    assert (round(sec.page_width.mm), round(sec.page_height.mm)) == (210, 297)
    assert [round(m.mm) for m in (sec.top_margin, sec.bottom_margin, sec.left_margin, sec.right_margin)] == \
        [37, 35, 28, 26]
    title, body = doc.paragraphs[0].style, doc.styles["正文"]
    assert title.font.size == Pt(22) and body.font.size == Pt(16)
    east_asian = lambda style: style.element.rPr.rFonts.get(  # noqa: E731
        "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia")
    assert east_asian(title) == "方正小标宋简体" and east_asian(body) == "仿宋_GB2312"


def test_user_template_and_errors(tmp_path):
    own = tmp_path / "letterhead.docx"
    doc = Document()
    doc.add_paragraph("新乡市卫滨区城市更新推进中心")
    doc.add_paragraph("{{ title }}")
    doc.add_paragraph("{{ conclusion_text }}")
    doc.save(own)
    case = CASES / "02-no-risk-assessment.yaml"
    out = tmp_path / "意见.docx"
    proc = run("opinion", case, "-o", out, "--as-of", AS_OF, "--profile", PROFILE, "--template", own)
    assert proc.returncode == 0, proc.stderr
    assert [p.text for p in Document(str(out)).paragraphs][2] == CONCLUSIONS[AT_RISK]
    # a typo in a user's template: one line naming the template, exit 2
    doc.add_paragraph("{{ conclusoin }}")
    doc.save(own)
    proc = run("opinion", case, "-o", out, "--template", own)
    assert proc.returncode == 2 and str(own) in proc.stderr and "docs/word-documents.md" in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1
    # never the input record; never a non-.docx file
    copy = tmp_path / "record.docx"
    shutil.copy(case, copy)
    before = copy.read_bytes()
    proc = run("opinion", copy, "-o", copy)
    assert proc.returncode == 2 and copy.read_bytes() == before
    assert run("opinion", case, "-o", tmp_path / "x.txt").returncode == 2
    assert not (tmp_path / "x.txt").exists()


# ----------------------------------------------------------------- the review sheet
def sheet(tmp_path: Path, case: Path, gate: str, *extra) -> tuple[int, Document]:
    out = tmp_path / f"{case.stem}-{gate}.docx"
    proc = run("checklist", case, "--before", gate, "--format", "docx", "-o", out, "--as-of", AS_OF,
               "--profile", PROFILE, *extra)
    assert proc.returncode in (0, 1), proc.stderr
    return proc.returncode, Document(str(out))


def test_checklist_docx_missing_prerequisite(tmp_path):
    case = CASES / "02-no-risk-assessment.yaml"
    code, doc = sheet(tmp_path, case, "executive_meeting")
    paras = [p.text for p in doc.paragraphs]
    assert code == 1 and any(p.startswith("尚不能进行") or "前置事项不完备" in p for p in paras)
    table = doc.tables[0]
    header = [c.text for c in table.rows[0].cells]
    assert header == ["审核事项", "依据", "状态", "日期", "文号"]
    rows = [[c.text for c in r.cells] for r in table.rows[1:]]
    rules = load_rulebook().by_id()
    missing = [r for r in rows if r[2].startswith("缺失")]
    assert any("INT-RISK" in r[0] and r[1] == rules["INT-RISK"].basis("zh") for r in missing)
    # a done item carries the recorded date and document number of its step
    record = load_record(case).record
    party = record.steps_of("party_group_meeting")[0]
    assert any(str(party.get("date")) in r[3] and str(party.get("doc")) in r[4] for r in rows)
    assert [p for p in paras if p.startswith("经办人")] and [p for p in paras if p.startswith("法律顾问")]


def test_checklist_docx_ready_and_earliest_date(tmp_path):
    case = CASES / "01-compliant-expropriation.yaml"
    code, doc = sheet(tmp_path, case, "party_group_meeting")
    proc = run("checklist", case, "--before", "party_group_meeting", "--format", "json", "--as-of", AS_OF,
               "--profile", PROFILE)
    data = json.loads(proc.stdout)
    paras = "\n".join(p.text for p in doc.paragraphs)
    assert code == (0 if data["ready"] else 1)
    assert (data["earliest_date"] or "无法确定") in paras
    assert len(doc.tables[0].rows) == len(data["items"]) + 1


def test_checklist_docx_options(tmp_path):
    case = CASES / "01-compliant-expropriation.yaml"
    assert run("checklist", case, "--before", "decision", "--format", "docx").returncode == 2
    assert run("checklist", case, "--before", "decision", "-o", tmp_path / "a.docx").returncode == 2


# ----------------------------------------------------------------- rendered pages
@pytest.mark.skipif(shutil.which("soffice") is None or shutil.which("pdfinfo") is None,
                    reason="LibreOffice (soffice) and poppler (pdfinfo) are not installed")
def test_pdf_page_counts(tmp_path):
    opinion(tmp_path, CASES / "02-no-risk-assessment.yaml")
    sheet(tmp_path, CASES / "02-no-risk-assessment.yaml", "executive_meeting")
    docs = sorted(tmp_path.glob("*.docx"))
    profile = f"-env:UserInstallation=file://{tmp_path / 'lo-profile'}"  # not another user's running soffice
    subprocess.run(["soffice", profile, "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path),
                    *map(str, docs)], capture_output=True, timeout=300, check=True)
    pages = {}
    for docx in docs:
        info = subprocess.run(["pdfinfo", str(docx.with_suffix(".pdf"))], capture_output=True, text=True).stdout
        pages[docx.stem] = int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))
    # the opinion states every applicable requirement; the sheet is one table of a gate's items
    assert 2 <= pages["02-no-risk-assessment"] <= 20, pages
    assert 1 <= pages["02-no-risk-assessment-executive_meeting"] <= 6, pages
