"""Reading records: date spellings, aliases, and one-line errors naming file, place and fix."""
from pathlib import Path

import pytest

from .conftest import english
from compliance.dates import DateError, parse_date
from compliance.errors import InputError
from compliance.records import load_record

GOOD = """format: decision-record/1
id: T-1
type: expropriation_decision
title: 测试
issuer: {name: 新乡市卫滨区人民政府, level: district_government}
department: {name: 中心}
public_interest: old_city_reconstruction
households: 10
steps:
  - {kind: decision, date: 2025-04-25}
"""


def write(tmp_path: Path, text: str, name="r.yaml") -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


@pytest.mark.parametrize("written,iso", [
    ("2025-03-01", "2025-03-01"), ("2025年3月1日", "2025-03-01"), ("2025/3/1", "2025-03-01"),
    ("2025.3.1", "2025-03-01"), ("２０２５年３月１日", "2025-03-01")])
def test_date_spellings(written, iso):
    assert str(parse_date(written)) == iso


def test_month_only_date_is_an_interval():
    d = parse_date("2025年3月")
    assert (str(d.first), str(d.last), d.is_day) == ("2025-03-01", "2025-03-31", False)


@pytest.mark.parametrize("bad", ["2025-02-30", "2025-13", "yesterday", "1850-01-01"])
def test_bad_dates(bad):
    with pytest.raises(DateError):
        parse_date(bad)


def test_chinese_alias_and_dates_are_normalised(tmp_path):
    text = GOOD.replace("- {kind: decision, date: 2025-04-25}",
                        "- {kind: 作出征收决定, date: 2025年4月25日}\n  - {kind: 政府常务会议, date: 2025/4/22}\n"
                        "  - {kind: 社会稳定风险评估, date: 2025.4.3}")
    loaded = load_record(write(tmp_path, text))
    assert [s.kind for s in loaded.record.steps] == ["decision", "executive_meeting", "risk_assessment"]
    assert any("「2025年4月25日」读作 2025-04-25" in n for n in loaded.notes)      # said, in Chinese


@pytest.mark.parametrize("change,where,words", [
    (("date: 2025-04-25", "dat: 2025-04-25"), "steps[0].dat", "did you mean 'date'"),
    (("kind: decision", "kind: decison"), "steps[0].kind", "did you mean 'decision'"),
    (("households: 10", "housholds: 10"), "housholds", "did you mean 'households'"),
    (("date: 2025-04-25", "date: 2025-02-30"), "steps[0].date", "not a real date"),
    (("format: decision-record/1", "format: decision-record/2"), "format", "decision-record/1"),
    (("level: district_government", "level: district"), "issuer.level", "district_government"),
    (("households: 10", "households: -3"), "households", "greater than or equal"),
])
def test_errors_name_place_and_fix(tmp_path, change, where, words):
    path = write(tmp_path, GOOD.replace(*change))
    with pytest.raises(InputError) as info:
        load_record(path)
    line = english(info.value)
    assert "\n" not in line and str(path) in line
    assert where in line and words in line


def test_period_ending_before_it_starts(tmp_path):
    text = GOOD + "  - {kind: plan_comment, start: 2025-03-31, end: 2025-03-01}\n"
    with pytest.raises(InputError, match=r"steps\[1\]\.end.*结束日期.*早于开始日期"):
        load_record(write(tmp_path, text))


@pytest.mark.parametrize("text,words", [
    ("", "empty"), ("- a\n- b\n", "mapping"), ("format: [unclosed\n", "invalid YAML"),
    (GOOD + "households: 11\n", "duplicate key"), ("\x00\x01binary", "binary"),
])
def test_unreadable_files(tmp_path, text, words):
    with pytest.raises(InputError, match=words):
        load_record(write(tmp_path, text))


def test_missing_file_and_directory(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        load_record(tmp_path / "nope.yaml")
    with pytest.raises(InputError, match="目录"):
        load_record(tmp_path)


def test_gbk_file_is_read_and_said(tmp_path):
    p = tmp_path / "gbk.yaml"
    p.write_bytes(GOOD.encode("gb18030"))
    loaded = load_record(p)
    assert loaded.record.title == "测试" and any("GB18030" in n for n in loaded.notes)


def test_utf8_bom(tmp_path):
    p = tmp_path / "bom.yaml"
    p.write_bytes(b"\xef\xbb\xbf" + GOOD.encode())
    assert load_record(p).record.id == "T-1"


def test_json_record(tmp_path):
    import json
    import yaml
    p = tmp_path / "r.json"
    p.write_text(json.dumps(yaml.safe_load(GOOD), default=str, ensure_ascii=False), encoding="utf-8")
    assert load_record(p).record.steps[0].kind == "decision"
