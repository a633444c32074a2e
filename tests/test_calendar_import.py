"""`compliance calendar import`: the State Council's holiday notice as the calendar for a year
the chinesecalendar package does not know yet."""
import datetime as dt
import json
import os
import subprocess
import sys

import chinese_calendar
import pytest
import yaml
from click.testing import CliRunner

from compliance.cli import cli
from compliance.holiday_notice import NoticeError, parse_notice
from compliance.periods import CalendarNotCovered, PeriodSpec, is_workday, last_day

from .conftest import ROOT

NOTICES = ROOT / "tests" / "data" / "notices"
TEST_2027 = NOTICES / "2027-test.txt"
EXAMPLE = ROOT / "rules" / "_examples" / "expropriation.yaml"


@pytest.fixture
def store(tmp_path, monkeypatch):
    folder = tmp_path / "calendars"
    monkeypatch.setenv("COMPLIANCE_CALENDAR_DIR", str(folder))
    return folder


def invoke(*args, input=None):
    return CliRunner().invoke(cli, list(args), input=input, catch_exceptions=False)


def run(*args):
    """The installed command as a user runs it: errors become one line and an exit code."""
    return subprocess.run([sys.executable, "-m", "compliance", *args], capture_output=True, text=True,
                          env=dict(os.environ, COLUMNS="300"))


def year_days(year):
    day = dt.date(year, 1, 1)
    while day.year == year:
        yield day
        day += dt.timedelta(days=1)


# ------------------------------------------------------------------ the published notices
@pytest.mark.parametrize("year", [2024, 2025, 2026])
def test_published_notice_gives_the_same_calendar_as_the_package(year):
    notice = parse_notice((NOTICES / f"{year}.txt").read_text(encoding="utf-8"))
    assert notice.year == year
    assert notice.title == f"国务院办公厅关于{year}年部分节假日安排的通知"
    assert sorted(notice.holidays) == sorted(d for d in chinese_calendar.holidays if d.year == year)
    assert sorted(notice.workdays) == sorted(d for d in chinese_calendar.workdays if d.year == year)
    for day in year_days(year):
        working = day in notice.workdays or (day not in notice.holidays and day.weekday() < 5)
        assert working == chinese_calendar.is_workday(day), day


def test_half_width_punctuation_and_weekday_spelling_do_not_matter():
    text = (NOTICES / "2026.txt").read_text(encoding="utf-8")
    half = text.translate(str.maketrans("（）：，。", "():,.")).replace("（周", "(星期").replace("周", "星期")
    assert parse_notice(half).holidays == parse_notice(text).holidays
    assert parse_notice(half).workdays == parse_notice(text).workdays


def test_a_copy_pasted_as_one_line_or_wrapped_reads_the_same():
    text = (NOTICES / "2025.txt").read_text(encoding="utf-8")
    published = parse_notice(text)
    for copy in (text.replace("\n", ""), text.replace("放假调休，共8天。", "放假调休，\n共8天。")):
        notice = parse_notice(copy)
        assert (notice.holidays, notice.workdays) == (published.holidays, published.workdays)


def test_a_count_in_chinese_numerals_is_checked_too():
    text = (NOTICES / "2025.txt").read_text(encoding="utf-8")
    assert parse_notice(text.replace("共8天", "共八天")).holidays == parse_notice(text).holidays
    with pytest.raises(NoticeError) as e:
        parse_notice(text.replace("共8天", "共七天"))
    assert e.value.key == "count"


def test_annotated_dates_in_a_sentence_without_a_keyword_are_refused():
    text = (NOTICES / "2025.txt").read_text(encoding="utf-8").replace("10月11日（周六）上班", "10月11日（周六）上岗")
    with pytest.raises(NoticeError) as e:
        parse_notice(text)
    assert e.value.key == "no_keyword" and e.value.item.numeral == "六"


def test_new_year_range_may_start_in_december_of_the_year_before():
    text = TEST_2027.read_text(encoding="utf-8").replace(
        "一、元旦：1月1日（周五）至3日（周日）放假，共3天。",
        "一、元旦：12月31日（周四）至1月3日（周日）放假，共4天。")
    notice = parse_notice(text)
    assert dt.date(2026, 12, 31) in notice.holidays and dt.date(2027, 1, 3) in notice.holidays


def test_december_of_the_year_before_is_refused_outside_the_new_year_item():
    text = TEST_2027.read_text(encoding="utf-8").replace("2月20日（周六）上班", "2026年12月26日（周六）上班")
    with pytest.raises(NoticeError) as e:
        parse_notice(text)
    assert e.value.key == "outside_year" and e.value.item.name == "春节"


# ------------------------------------------------------------------ refused notices
BROKEN = {
    "wrong weekday": ("4月3日（周六）", "4月3日（周日）", "第三项（清明节）", "周日"),
    "count": ("共9天", "共8天", "第二项（春节）", "9 天"),
    "outside the year": ("9月26日（周日）、10月9日（周六）上班", "9月26日（周日）、2028年10月9日（周一）上班",
                         "第七项（国庆节）", "2028-10-09"),
    "truncated": ("9月26日（周日）、10月9日（周六）上班。", "9月26日（周日）、10月", "第七项（国庆节）", "不完整"),
    "missing item": ("　　五、端午节：6月9日（周三）放假1天，不调休。\n", "", "第六项（中秋节）", "第五项"),
}


@pytest.mark.parametrize("defect", sorted(BROKEN))
def test_a_defective_notice_is_refused_whole_with_the_item_named(defect, store, tmp_path):
    old, new, item, detail = BROKEN[defect]
    text = TEST_2027.read_text(encoding="utf-8")
    assert old in text
    notice = tmp_path / "notice.txt"
    notice.write_text(text.replace(old, new), encoding="utf-8")
    out = run("calendar", "import", str(notice))
    assert out.returncode == 2
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in out.stderr
    assert str(notice) in lines[0] and item in lines[0] and detail in lines[0]
    assert not store.exists() or not list(store.iterdir())


def test_errors_follow_lang(store, tmp_path):
    notice = tmp_path / "notice.txt"
    notice.write_text(TEST_2027.read_text(encoding="utf-8").replace("4月3日（周六）", "4月3日（周日）"), "utf-8")
    out = run("calendar", "import", str(notice), "--lang", "en")
    assert out.returncode == 2
    assert "item 三 (清明节): 2027-04-03 is annotated Sunday but is a Saturday" in out.stderr


def test_the_year_comes_from_the_title_or_year_option(store, tmp_path):
    body = TEST_2027.read_text(encoding="utf-8").replace("国务院办公厅关于2027年部分节假日安排的通知", "")
    notice = tmp_path / "untitled.txt"
    notice.write_text(body, encoding="utf-8")
    refused = run("calendar", "import", str(notice))
    assert refused.returncode == 2 and "--year" in refused.stderr
    assert run("calendar", "import", str(notice), "--year", "2027").returncode == 0
    assert (store / "2027.json").exists()
    conflict = run("calendar", "import", str(TEST_2027), "--year", "2028")
    assert conflict.returncode == 2 and "2028" in conflict.stderr


# ------------------------------------------------------------------ storing and using
def test_import_is_seen_at_once_in_the_same_process(store):
    with pytest.raises(CalendarNotCovered):
        is_workday(dt.date(2027, 2, 8))
    result = invoke("calendar", "import", str(TEST_2027))
    assert result.exit_code == 0, result.output
    assert "2027" in result.output
    assert not is_workday(dt.date(2027, 2, 8))             # 春节 in the test notice
    assert is_workday(dt.date(2027, 2, 20))                # a make-up Saturday
    assert last_day(dt.date(2027, 1, 25), PeriodSpec.parse("14 days")) == dt.date(2027, 2, 15)


def test_stored_file_names_the_notice_and_its_days(store):
    assert invoke("calendar", "import", str(TEST_2027)).exit_code == 0
    data = json.loads((store / "2027.json").read_text(encoding="utf-8"))
    assert data["year"] == 2027 and data["title"] == "国务院办公厅关于2027年部分节假日安排的通知"
    assert data["notice_date"] == "2026-11-20" and data["source"] == str(TEST_2027)
    assert dt.datetime.fromisoformat(data["imported_at"]).tzinfo is not None
    assert data["holidays"]["2027-02-06"] == "春节" and data["workdays"]["2027-02-20"] == "春节"
    assert [p.name for p in store.iterdir()] == ["2027.json"]   # no temporary file left


def test_docx_and_standard_input(store, tmp_path):
    docx = pytest.importorskip("docx")
    document = docx.Document()
    for line in TEST_2027.read_text(encoding="utf-8").splitlines():
        document.add_paragraph(line)
    path = tmp_path / "通知.docx"
    document.save(path)
    assert invoke("calendar", "import", str(path)).exit_code == 0
    from_docx = json.loads((store / "2027.json").read_text(encoding="utf-8"))
    (store / "2027.json").unlink()
    piped = invoke("calendar", "import", "-", input=TEST_2027.read_text(encoding="utf-8"))
    assert piped.exit_code == 0, piped.output
    from_stdin = json.loads((store / "2027.json").read_text(encoding="utf-8"))
    assert from_docx["holidays"] == from_stdin["holidays"] and from_docx["workdays"] == from_stdin["workdays"]


def test_damaged_docx_is_one_line(store, tmp_path):
    path = tmp_path / "notice.docx"
    path.write_bytes(b"PK\x03\x04 not really a zip")
    out = run("calendar", "import", str(path))
    assert out.returncode == 2 and len(out.stderr.strip().splitlines()) == 1 and ".docx" in out.stderr


def test_a_year_the_package_knows_is_replaced_only_with_replace(store, tmp_path):
    changed = tmp_path / "2025-changed.txt"
    changed.write_text((NOTICES / "2025.txt").read_text(encoding="utf-8").replace("4月27日（周日）上班", "5月10日（周六）上班"),
                       encoding="utf-8")
    refused = run("calendar", "import", str(changed))
    assert refused.returncode == 2 and "--replace" in refused.stderr and "2025-04-27" in refused.stderr
    assert not store.exists() or not list(store.iterdir())
    assert is_workday(dt.date(2025, 4, 27))

    assert invoke("calendar", "import", str(changed), "--replace").exit_code == 0
    assert not is_workday(dt.date(2025, 4, 27)) and is_workday(dt.date(2025, 5, 10))
    listed = json.loads(invoke("calendar", "list", "--format", "json").output)
    row = {r["year"]: r for r in listed["years"]}[2025]
    assert row["source"] == "imported" and row["replaces_package"] is True
    out = run("check", str(EXAMPLE), "--as-of", "2026-01-01", "--format", "json", "--lang", "en")
    notes = json.loads(out.stdout)["records"][0]["notes"]
    assert any("holidays in 2025 follow the imported notice" in n and "instead of the chinesecalendar package" in n
               for n in notes)


def test_an_agreeing_import_leaves_the_package_in_charge(store):
    assert invoke("calendar", "import", str(NOTICES / "2025.txt")).exit_code == 0
    shown = json.loads(invoke("calendar", "show", "2025", "--format", "json").output)
    assert shown["source"]["source"] == "package"
    assert shown["holidays"]["2025-01-28"] == "春节" and "2025-04-27" in shown["workdays"]


def test_a_second_import_that_changes_the_year_needs_replace(store, tmp_path):
    assert invoke("calendar", "import", str(TEST_2027)).exit_code == 0
    changed = tmp_path / "2027-corrected.txt"
    changed.write_text(TEST_2027.read_text(encoding="utf-8").replace("2月20日（周六）上班", "2月21日（周日）上班"),
                       encoding="utf-8")
    out = run("calendar", "import", str(changed))
    assert out.returncode == 2 and "--replace" in out.stderr
    assert is_workday(dt.date(2027, 2, 20))
    assert invoke("calendar", "import", str(changed), "--replace").exit_code == 0
    assert not is_workday(dt.date(2027, 2, 20)) and is_workday(dt.date(2027, 2, 21))


def test_show_and_list(store):
    unknown = run("calendar", "show", "2027")
    assert unknown.returncode == 2 and "compliance calendar import" in unknown.stderr
    assert invoke("calendar", "import", str(TEST_2027)).exit_code == 0
    shown = invoke("calendar", "show", "2027", "--lang", "en").output
    assert "imported notice: 国务院办公厅关于2027年部分节假日安排的通知" in shown
    assert "2027-02-06 – 2027-02-14" in shown and "2027-02-20" in shown
    listed = json.loads(invoke("calendar", "list", "--format", "json").output)
    years = {r["year"]: r for r in listed["years"]}
    assert years[2026]["source"] == "package" and years[2027]["source"] == "imported"
    assert years[2027]["file"] == str(store / "2027.json")


# ------------------------------------------------------------------ the acceptance check
def _record(tmp_path):
    record = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    for step in record["steps"]:
        if step["kind"] == "plan_comment":
            step["start"], step["end"] = dt.date(2026, 12, 20), dt.date(2027, 1, 19)
        if step["kind"] == "decision":
            step["date"] = dt.date(2027, 1, 21)
    path = tmp_path / "record.yaml"
    path.write_text(yaml.safe_dump(record, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def _comment_rule(path, *extra):
    out = run("check", str(path), "--as-of", "2027-02-01", "--format", "json", "--all", *extra)
    assert out.returncode in (0, 1), out.stderr
    rec = json.loads(out.stdout)["records"][0]
    finding = next(f for f in rec["findings"] if f["rule"] == "D590-10-COMMENT-30D")
    return finding, rec["notes"]


def test_a_2027_period_is_decided_once_the_2027_notice_is_imported(store, tmp_path):
    record = _record(tmp_path)
    finding, notes = _comment_rule(record)
    assert finding["result"] != "satisfied"
    assert any("2027" in n and "compliance calendar import" in n for n in notes)
    english, notes_en = _comment_rule(record, "--lang", "en")
    assert any("does not cover 2027" in n and "compliance calendar import" in n for n in notes_en)

    wrong = tmp_path / "wrong-weekday.txt"
    wrong.write_text(TEST_2027.read_text(encoding="utf-8").replace("1月1日（周五）", "1月1日（周四）"), "utf-8")
    refused = run("calendar", "import", str(wrong))
    assert refused.returncode == 2 and "第一项（元旦）" in refused.stderr
    assert not store.exists() or not list(store.iterdir())
    assert _comment_rule(record)[0]["result"] != "satisfied"

    imported = run("calendar", "import", str(TEST_2027))
    assert imported.returncode == 0, imported.stderr
    finding, notes = _comment_rule(record)
    assert finding["result"] == "satisfied"
    assert any("2027" in n and "导入的通知" in n for n in notes)   # says which calendar was used


def test_checklist_shows_the_missing_calendar_note(store, tmp_path):
    out = run("checklist", str(_record(tmp_path)), "--before", "decision", "--as-of", "2027-01-10")
    assert out.returncode in (0, 1), out.stderr
    assert "compliance calendar import" in out.stdout


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="XDG_DATA_HOME is the Linux convention")
def test_without_override_the_calendars_live_in_the_xdg_data_folder(tmp_path, monkeypatch):
    monkeypatch.delenv("COMPLIANCE_CALENDAR_DIR")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    assert invoke("calendar", "import", str(TEST_2027)).exit_code == 0
    assert (tmp_path / "data" / "compliance" / "calendars" / "2027.json").exists()
