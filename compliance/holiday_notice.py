"""The State Council's yearly holiday notice (国务院办公厅关于XXXX年部分节假日安排的通知) → the
year's days off and make-up working days, checked before anything is stored.

The text is read as published: numbered items such as
  一、元旦：1月1日（周五）至3日（周日）放假，共3天。1月4日（周一）上班。
with full- or half-width punctuation, 周X or 星期X, with or without weekday annotations.
An item is one paragraph; it ends with "。" (a copy wrapped over several lines is joined).

What is checked, and any failure refuses the whole notice:
- every annotated weekday matches its date;
- every count (共N天, 放假N天, digits or 一…十) matches its range;
- every date lies in the notice's year, except that the 元旦 item may name days in December
  of the year before (the 2012 and 2023 notices did: "2011年12月31日（星期六）上班",
  "2022年12月31日至2023年1月2日"); a 元旦 range written "12月31日至1月2日" starts the year before;
- make-up working days are Saturdays or Sundays, and no day is both off and working;
- items are numbered 一、二、… without a gap, and each of the seven festivals has an item.
Sentences without 放假 or 上班 (鼓励……在除夕（2月9日）休息) are informative and skipped, unless
a date in them carries a weekday (then a keyword was lost, and the notice is refused).
"""
from __future__ import annotations

import datetime as dt
import re
import sys
import unicodedata
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from .loader import decode, read_bytes

NUMERALS = "一二三四五六七八九十"
FESTIVALS = (("元旦", "New Year's Day"), ("春节", "Spring Festival"), ("清明", "Tomb-sweeping Day"),
             ("劳动", "Labour Day"), ("端午", "Dragon Boat Festival"), ("中秋", "Mid-autumn Festival"),
             ("国庆", "National Day"))
_WEEKDAY = {c: i for i, c in enumerate("一二三四五六日")} | {"天": 6}

_TITLE = re.compile(r"关于\s*(\d{4})\s*年\s*部分节假日安排的通知")
_NUMBER = re.compile(r"[\u4e00-\u9fff]{2,10}〔\s*\d{4}\s*〕\s*\d+\s*号")
_SIGNED = re.compile(r"^\s*(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日\s*$", re.M)
_HEADER = re.compile(r"(?:^|(?<=[\s。]))([一二三四五六七八九十]{1,3})\s*、\s*([\u4e00-\u9fff、]{1,15}?)\s*:", re.M)
_TOKEN = re.compile(
    r"(?P<date>(?:(?P<y>\d{4})\s*年\s*)?(?:(?P<m>\d{1,2})\s*月\s*)?(?P<d>\d{1,2})\s*日)(?:\s*\((?P<ann>[^()]*)\))?"
    r"|(?P<to>至)"
    r"|(?P<count>共\s*计?\s*(?P<n>\d+|[一二三四五六七八九十]{1,3})\s*天)"
    r"|(?P<rest>放\s*假(?:\s*调\s*休)?(?:\s*(?P<n2>\d+|[一二三四五六七八九十]{1,3})\s*天)?)"
    r"|(?P<work>上\s*班)"
    r"|(?P<end>[。;])")
_ANNOTATED = re.compile(r"(?:周|星期|礼拜)([一二三四五六日天])")


class NoticeError(Exception):
    """A notice that cannot be taken as it is: `key` names a message in calendar_i18n."""

    def __init__(self, key: str, item: "Item | None" = None, **params):
        super().__init__(key)
        self.key, self.item, self.params = key, item, params


@dataclass(frozen=True)
class Item:
    number: int
    numeral: str
    name: str
    body: str


@dataclass
class Notice:
    year: int
    title: str | None
    number: str | None            # 国办发明电〔2026〕N号, when the text has it
    date: dt.date | None          # the date it was signed, when the text has it
    holidays: dict[dt.date, str] = field(default_factory=dict)   # day off → festival
    workdays: dict[dt.date, str] = field(default_factory=dict)   # make-up working day → festival


# ------------------------------------------------------------------ reading
def read_notice(source: str) -> str:
    """The notice's text from a .txt or .docx file, or standard input for '-'.
    Raises InputError (file problems) or NoticeError (docx_unreadable)."""
    if source == "-":
        raw = sys.stdin.buffer.read()
        return _docx_text(raw) if raw.startswith(b"PK\x03\x04") else decode("-", raw)[0]
    path = Path(source)
    raw = read_bytes(path, "a .docx or .txt file")      # bounded, regular files only
    return _docx_text(raw) if path.suffix.lower() == ".docx" else decode(source, raw)[0]


def _docx_text(raw: bytes) -> str:
    import io

    import docx
    try:
        document = docx.Document(io.BytesIO(raw))
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as e:
        raise NoticeError("docx_unreadable", reason=type(e).__name__) from None
    except Exception as e:  # noqa: BLE001 - python-docx raises its own types for a non-Word zip
        raise NoticeError("docx_unreadable", reason=str(e) or type(e).__name__) from None
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        lines += [p.text for row in table.rows for cell in row.cells for p in cell.paragraphs]
    return "\n".join(lines)


# ------------------------------------------------------------------ parsing
def parse_notice(text: str, year: int | None = None) -> Notice:
    """Check every item and return the year's calendar; NoticeError on the first problem."""
    text = unicodedata.normalize("NFKC", text)  # full-width digits and punctuation → half-width
    title_match = _TITLE.search(text)
    title_year = int(title_match.group(1)) if title_match else None
    if year is not None and title_year is not None and year != title_year:
        raise NoticeError("year_conflict", title_year=title_year, year=year)
    year = year if year is not None else title_year
    if year is None:
        raise NoticeError("no_year")
    notice = Notice(year, _title_line(text, title_match), _number(text), _signed(text))
    items = split_items(text)
    if not items:
        raise NoticeError("no_items")
    for expected, item in enumerate(items, 1):
        if item.number != expected:
            raise NoticeError("item_order", item, expected=_numeral(expected), num=item.numeral)
    for item in items:
        _read_item(item, notice)
    names = "".join(item.name for item in items)
    for zh, en in FESTIVALS:
        if zh not in names:
            raise NoticeError("festival_missing", name_zh=zh, name_en=en)
    return notice


def split_items(text: str) -> list[Item]:
    """Numbered items, each up to the line that closes it with 。 (so the closing paragraphs
    and the signature are not read as part of the last item)."""
    headers = list(_HEADER.finditer(text))
    items = []
    for i, m in enumerate(headers):
        chunk = text[m.end(): headers[i + 1].start() if i + 1 < len(headers) else len(text)]
        body = []
        for line in chunk.splitlines():
            body.append(line.strip())
            if line.rstrip().endswith(("。", ".")):
                break
        number = _number_of(m.group(1))
        items.append(Item(number, m.group(1), m.group(2), _without_signature("".join(body).strip())))
    return items


def _without_signature(body: str) -> str:
    """A notice pasted as one line runs on into the signature (国务院办公厅 2024年11月12日):
    drop a tail after the last 。 that names no day off, working day or day of the year."""
    cut = body.rfind("。")
    tail = body[cut + 1:]
    if cut < 0 or not tail or re.search(r"放假|上班|至", tail):
        return body
    if re.sub(r"\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日", "", tail).count("日"):
        return body
    return body[:cut + 1]


def _read_item(item: Item, notice: Notice) -> None:
    if not item.body.endswith(("。", ".")):
        raise NoticeError("truncated", item)
    body = re.sub(r"\.$", "。", item.body)
    pending: list[tuple[dt.date, str | None, bool]] = []   # (day, annotation, explicit year) since the last keyword
    ranged = False
    last_range: tuple[dt.date, dt.date] | None = None
    prev: tuple[int, int] | None = None               # (year, month) a day-only date inherits
    rest_days = 0
    for tok in _TOKEN.finditer(body):
        if tok.group("date"):
            day, prev = _resolve(tok, prev, notice.year, item)
            pending.append((day, tok.group("ann"), tok.group("y") is not None))
        elif tok.group("to"):
            if len(pending) != 1 or ranged:
                raise NoticeError("dangling_range", item, text=_around(body, tok))
            ranged = True
        elif tok.group("rest"):
            if not pending or (ranged and len(pending) != 2):
                raise NoticeError("dangling_range" if ranged else "stray_count", item, text=_around(body, tok))
            if ranged:
                start, end = _range(pending, item, notice.year)
                days = _days(start, end)
                _check_weekday(start, pending[0][1], item)
                _check_weekday(end, pending[1][1], item)
                last_range = (start, end)
            else:
                days = [p[0] for p in pending]
                for day, annotation, _explicit in pending:
                    _check_weekday(day, annotation, item)
                last_range = (days[0], days[0]) if len(days) == 1 else None
            for day in days:
                _in_year(day, notice.year, item)
                notice.holidays[day] = item.name
            rest_days += len(days)
            if tok.group("n2"):
                _check_count(last_range, _count(tok.group("n2")), item, body, tok)
            pending, ranged = [], False
        elif tok.group("count"):
            if last_range is None:
                raise NoticeError("stray_count", item, text=tok.group("count"))
            _check_count(last_range, _count(tok.group("n")), item, body, tok)
            last_range = None
        elif tok.group("work"):
            if not pending or ranged:
                raise NoticeError("dangling_range" if ranged else "stray_count", item, text=_around(body, tok))
            for day, annotation, _explicit in pending:
                _check_weekday(day, annotation, item)
                _in_year(day, notice.year, item)
                if day.weekday() < 5:
                    raise NoticeError("workday_weekday", item, date=day.isoformat(), weekday=day.weekday())
                notice.workdays[day] = item.name
            pending = []
        elif tok.group("end"):
            if ranged:
                raise NoticeError("dangling_range", item, text=_around(body, tok))
            for day, annotation, _explicit in pending:   # dates in an informative sentence
                _check_weekday(day, annotation, item)
                if annotation and _ANNOTATED.search(annotation):   # a weekday says it is a day off or on
                    raise NoticeError("no_keyword", item, date=day.isoformat())
            pending, last_range = [], None
    if not rest_days:
        raise NoticeError("no_rest", item)
    for day in notice.workdays:
        if day in notice.holidays:
            raise NoticeError("both", item, date=day.isoformat())


def _resolve(tok: re.Match, prev: tuple[int, int] | None, year: int, item: Item) -> tuple[dt.date, tuple[int, int]]:
    """A date as written → a day: no year means the notice's year (or the previous date's,
    when the month is left out too: 1月1日至3日)."""
    if tok.group("m") is None:
        if prev is None:
            raise NoticeError("no_month", item, text=tok.group("date"))
        y, m = (int(tok.group("y")) if tok.group("y") else prev[0]), prev[1]
    else:
        y, m = (int(tok.group("y")) if tok.group("y") else year), int(tok.group("m"))
    try:
        day = dt.date(y, m, int(tok.group("d")))
    except ValueError:
        raise NoticeError("bad_date", item, text=tok.group("date")) from None
    return day, (y, m)


def _range(pending: list, item: Item, year: int) -> tuple[dt.date, dt.date]:
    (start, _a, explicit), (end, _b, _e) = pending
    if end < start and not explicit and start.month == 12 and "元旦" in item.name:
        start = start.replace(year=year - 1)   # 元旦：12月31日至1月2日
    if end < start:
        raise NoticeError("reversed", item, start=start.isoformat(), end=end.isoformat())
    return start, end


def _days(start: dt.date, end: dt.date) -> list[dt.date]:
    return [start + dt.timedelta(days=i) for i in range((end - start).days + 1)]


def _check_count(span: tuple[dt.date, dt.date] | None, written: int, item: Item, body: str, tok: re.Match) -> None:
    if span is None:
        raise NoticeError("stray_count", item, text=_around(body, tok))
    actual = (span[1] - span[0]).days + 1
    if actual != written:
        raise NoticeError("count", item, start=span[0].isoformat(), end=span[1].isoformat(),
                          actual=actual, written=written)


def _check_weekday(day: dt.date, annotation: str | None, item: Item) -> None:
    found = {_WEEKDAY[c] for c in _ANNOTATED.findall(annotation or "")}
    if len(found) > 1:
        raise NoticeError("two_weekdays", item, date=day.isoformat(), written=annotation)
    if found and found != {day.weekday()}:
        raise NoticeError("weekday", item, date=day.isoformat(), written_index=found.pop(), weekday=day.weekday())


def _in_year(day: dt.date, year: int, item: Item) -> None:
    if day.year == year or (day.year == year - 1 and day.month == 12 and "元旦" in item.name):
        return
    raise NoticeError("outside_year", item, date=day.isoformat(), year=year)


def _around(body: str, tok: re.Match, width: int = 16) -> str:
    return body[max(0, tok.start() - width): tok.end()]


def _count(written: str) -> int:
    return int(written) if written.isdigit() else _number_of(written)


def _number_of(numeral: str) -> int:
    if numeral == "十":
        return 10
    if numeral.startswith("十"):
        return 10 + NUMERALS.index(numeral[1]) + 1
    if len(numeral) == 1:
        return NUMERALS.index(numeral) + 1
    tens = NUMERALS.index(numeral[0]) + 1
    rest = numeral[2:] if numeral[1] == "十" else ""
    return tens * 10 + (NUMERALS.index(rest) + 1 if rest else 0)


def _numeral(n: int) -> str:
    if n <= 10:
        return NUMERALS[n - 1]
    tens, ones = divmod(n, 10)
    return (NUMERALS[tens - 1] if tens > 1 else "") + "十" + (NUMERALS[ones - 1] if ones else "")


def _title_line(text: str, match: re.Match | None) -> str | None:
    if match is None:
        return None
    start = text.rfind("\n", 0, match.start()) + 1
    end = text.find("\n", match.end())
    return text[start: end if end >= 0 else len(text)].strip()


def _number(text: str) -> str | None:
    m = _NUMBER.search(text)
    return re.sub(r"\s+", "", m.group(0)) if m else None


def _signed(text: str) -> dt.date | None:
    found = _SIGNED.findall(text)
    if not found:
        return None
    try:
        return dt.date(*map(int, found[-1]))
    except ValueError:
        return None
