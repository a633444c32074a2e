"""Wording of the holiday-calendar messages, Chinese by default and English with --lang en."""
from __future__ import annotations

import datetime as dt

from . import calendar_store
from . import i18n
from .i18n import Bilingual

_TEXT = {
    # reading a notice (compliance calendar import); each names the fix
    "item": ("第{num}项（{name}）", "item {num} ({name})"),
    "no_year": ("无法确定年度：未找到标题“国务院办公厅关于XXXX年部分节假日安排的通知”；请附上标题或使用 --year",
                "cannot tell the year: no title '国务院办公厅关于XXXX年部分节假日安排的通知' found; "
                "include the title or pass --year"),
    "year_conflict": ("标题为 {title_year} 年，而 --year 为 {year}；请核对后只保留正确的年度",
                      "the title says {title_year} but --year says {year}; check which is right"),
    "no_items": ("未找到编号事项（如“一、元旦：1月1日……放假”）；请粘贴通知全文",
                 "no numbered items found (such as '一、元旦：1月1日……放假'); paste the notice's full text"),
    "item_order": ("此处应为第{expected}项，却是第{num}项：缺少事项或编号有误；请粘贴通知全文",
                   "item {expected} was expected here, not item {num}: an item is missing or misnumbered; "
                   "paste the notice's full text"),
    "festival_missing": ("通知中没有{name}的事项：文本不完整；请粘贴通知全文",
                         "no item names {name}: the text is incomplete; paste the notice's full text"),
    "truncated": ("事项不完整（没有以“。”结束）；请按通知原文补全", "the item is cut short (it does not end with '。'); "
                  "complete it from the published notice"),
    "no_rest": ("事项中没有放假日期；请按通知原文补全", "the item names no days off (放假); complete it from the published notice"),
    "dangling_range": ("“{text}”的日期范围不完整；请按通知原文补全",
                       "the range '{text}' is incomplete; complete it from the published notice"),
    "stray_count": ("“{text}”前没有放假日期；请按通知原文改正", "'{text}' follows no days off; correct it from the published notice"),
    "no_keyword": ("{date} 标注了星期，但所在句子没有“放假”或“上班”；请按通知原文改正",
                   "{date} has a weekday annotation but its sentence says neither 放假 nor 上班; correct it from "
                   "the published notice"),
    "no_month": ("“{text}”没有月份；请写明“X月X日”", "'{text}' has no month; write it as 'X月X日'"),
    "bad_date": ("“{text}”不是有效日期；请按通知原文改正", "'{text}' is not a valid date; correct it from the published notice"),
    "weekday": ("{date} 标注为{written}，实为{actual}；请按通知原文改正日期或星期",
                "{date} is annotated {written} but is a {actual}; correct the date or the weekday from the published notice"),
    "two_weekdays": ("{date} 标注了两个不同的星期（{written}）；请按通知原文改正",
                     "{date} is annotated with two different weekdays ({written}); correct it from the published notice"),
    "count": ("{start} 至 {end} 共 {actual} 天，通知写作 {written} 天；请按通知原文改正日期或天数",
              "{start} to {end} is {actual} day(s) but the notice says {written}; correct the dates or the count "
              "from the published notice"),
    "reversed": ("{start} 至 {end}：结束早于开始；请按通知原文改正",
                 "{start} to {end}: the range ends before it starts; correct it from the published notice"),
    "outside_year": ("{date} 不在 {year} 年内（仅元旦事项可含上一年12月的日期）；请核对年度或日期",
                     "{date} is not in {year} (only the 元旦 item may name days in December of the year before); "
                     "check the year or the date"),
    "workday_weekday": ("{date} 是{actual}，本就是工作日，不能作为调休上班日；请按通知原文改正",
                        "{date} is a {actual}, already a working day, so it cannot be a make-up working day; "
                        "correct it from the published notice"),
    "both": ("{date} 既列为放假又列为上班；请按通知原文改正", "{date} is listed both as a day off and as a working day; "
             "correct it from the published notice"),
    "disagrees_package": ("与 chinesecalendar 包中 {year} 年的安排不一致（通知为：{days}）；如确认通知无误，加 --replace 以导入的日历为准",
                          "disagrees with the chinesecalendar package for {year} (the notice has {days}); if the notice is right, "
                          "pass --replace to use the imported calendar instead"),
    "disagrees_import": ("与已导入的 {year} 年日历（{path}）不一致（新通知为：{days}）；如确认新通知无误，加 --replace 替换",
                         "disagrees with the {year} calendar imported earlier ({path}) (the new notice has {days}); if the new notice "
                         "is right, pass --replace to replace it"),
    "day_rest": ("{date} 放假", "{date} off"),
    "day_work": ("{date} 上班", "{date} working"),
    "bad_year": ("{year} 不是年度；请写四位数年份，如 2027", "{year} is not a year; write four digits, e.g. 2027"),
    "docx_unreadable": ("无法作为 .docx 读取（{reason}）；请另存为 .docx 或 .txt",
                        "cannot be read as .docx ({reason}); save it again as .docx or .txt"),
    "store_unreadable": ("日历文件已损坏（{reason}）；删除后重新运行 compliance calendar import",
                         "the calendar file is damaged ({reason}); delete it and rerun `compliance calendar import`"),
    "store_unwritable": ("无法写入日历目录（{reason}）；检查权限，或用 COMPLIANCE_CALENDAR_DIR 指定其他目录",
                         "cannot write to the calendar folder ({reason}); check its permissions or set "
                         "COMPLIANCE_CALENDAR_DIR to another folder"),
    # command output
    "imported": ("已导入 {year} 年节假日安排（放假 {rest} 天，调休上班 {work} 天）：{path}",
                 "imported the {year} holiday calendar ({rest} day(s) off, {work} make-up working day(s)): {path}"),
    "imported_replaces": ("{year} 年今后以导入的日历为准，不再使用 chinesecalendar 包的数据",
                          "from now on {year} follows the imported calendar, not the chinesecalendar package"),
    "unknown_year": ("{year} 年没有节假日日历：chinesecalendar 包未包含该年，也未导入；"
                     "请用 compliance calendar import 导入国务院办公厅的通知",
                     "no holiday calendar for {year}: the chinesecalendar package lacks it and none was imported; "
                     "import the State Council notice with `compliance calendar import`"),
    "source_package": ("chinesecalendar 包 {version}", "chinesecalendar package {version}"),
    "source_import": ("导入的通知：{title}（{path}）", "imported notice: {title} ({path})"),
    "source_replaces": ("，替代 chinesecalendar 包的数据", ", instead of the chinesecalendar package"),
    "import_unused": ("另有导入文件 {path} 与包一致，未使用", "imported file {path} agrees with the package; not used"),
    "show_year": ("{year} 年", "{year}"),
    "show_source": ("来源", "Source"),
    "show_rest": ("放假", "Days off"),
    "show_work": ("调休上班", "Make-up working days"),
    "show_other": ("其余周六、周日休息，周一至周五上班", "other Saturdays and Sundays are off, Monday to Friday working"),
    "show_imported_at": ("导入时间", "Imported"),
    "show_notice_date": ("通知日期", "Notice dated"),
    "col_year": ("年度", "Year"),
    "col_source": ("来源", "Source"),
    "list_dir": ("导入的日历保存在 {path}", "imported calendars are kept in {path}"),
    "none": ("无", "none"),
    # notes on a check report (facts.py / findings.py)
    "not_covered": ("节假日日历不含 {year} 年：在该年结束的期限无法计算，报告为无法判断；"
                    "请用 compliance calendar import 导入国务院办公厅关于{year}年部分节假日安排的通知",
                    "the holiday calendar does not cover {year}: periods ending then cannot be computed and are "
                    "reported not evaluable; import the State Council's {year} holiday notice with "
                    "`compliance calendar import`"),
    "used_import": ("{year} 年的节假日按导入的通知计算：{title}（{path}）",
                    "holidays in {year} follow the imported notice {title} ({path})"),
    "used_import_replaces": ("{year} 年的节假日按导入的通知计算（替代 chinesecalendar 包的数据）：{title}（{path}）",
                             "holidays in {year} follow the imported notice {title} ({path}), instead of the "
                             "chinesecalendar package"),
}

WEEKDAYS = (("周一", "Monday"), ("周二", "Tuesday"), ("周三", "Wednesday"), ("周四", "Thursday"),
            ("周五", "Friday"), ("周六", "Saturday"), ("周日", "Sunday"))


def text(key: str, lang: str, **params) -> str:
    return i18n.pick(_TEXT[key], lang).format(**params)


def both(key: str, **params) -> Bilingual:
    """A message for a report built before the language is known (rendered later with i18n.localize)."""
    return Bilingual(text(key, "zh", **params), text(key, "en", **params))


def weekday(index: int, lang: str) -> str:
    zh, en = WEEKDAYS[index]
    return en if lang == "en" else zh


def notice_error(error, lang: str) -> tuple[str, str | None]:
    """A holiday_notice.NoticeError as (message, place), the place naming the item."""
    params = dict(error.params)
    if "weekday" in params:
        params["actual"] = weekday(params.pop("weekday"), lang)
    if "written_index" in params:
        params["written"] = weekday(params.pop("written_index"), lang)
    if "name_zh" in params:
        params["name"] = params.pop("name_en") if lang == "en" else params.pop("name_zh")
        params.pop("name_zh", None)
        params.pop("name_en", None)
    place = text("item", lang, num=error.item.numeral, name=error.item.name) if error.item else None
    return text(error.key, lang, **params), place


def imported_notes(first: dt.date, last: dt.date) -> list[Bilingual]:
    """Notes naming the imported calendar used for each year from `first` to `last`."""
    return [both("used_import_replaces" if cal.replaces_package else "used_import", year=cal.year,
                 title=cal.title or "—", path=cal.path) for cal in calendar_store.used_imports(first, last)]
