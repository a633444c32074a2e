"""Dates as written in decision records.

A record date is known to the day (2025-03-01) or only to the month (2025-03, as in
court judgments). Either way it is a closed interval of days, so every comparison a
rule makes can say "surely", "possibly" or "surely not".
"""
from __future__ import annotations

import calendar
import datetime as dt
import re
import unicodedata
from .errors import shown
from dataclasses import dataclass, field

# A date that lies outside these years is almost certainly a typo.
EARLIEST_YEAR = 1990
LATEST_YEAR = 2100

_FULLWIDTH = str.maketrans("０１２３４５６７８９－／．。‐‑‒–—―−", "0123456789-/..-------")
_SPACES = re.compile(r"\s+")
# 二〇二五年四月二十五日, as official documents date themselves
_CN_DIGITS = {"〇": 0, "○": 0, "零": 0, "Ｏ": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5,
              "六": 6, "七": 7, "八": 8, "九": 9}
_CN_DATE = re.compile(r"^([〇○零Ｏ一二三四五六七八九]{4})年([〇○零一二三四五六七八九十]{1,3})月"
                      r"(?:([〇○零一二三四五六七八九十]{1,4})日)?$")
_DAY_FORMS = [
    (re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"), "iso"),
    (re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日$"), "chinese"),
    (re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$"), "slash"),
    (re.compile(r"^(\d{4})\.(\d{1,2})\.(\d{1,2})$"), "dot"),
]
_MONTH_FORMS = [
    (re.compile(r"^(\d{4})-(\d{1,2})$"), "iso"),
    (re.compile(r"^(\d{4})年(\d{1,2})月$"), "chinese"),
    (re.compile(r"^(\d{4})/(\d{1,2})$"), "slash"),
    (re.compile(r"^(\d{4})\.(\d{1,2})$"), "dot"),
]


class DateError(ValueError):
    """A date that cannot be read; the message says how to write it."""


@dataclass(frozen=True, order=True)
class RecordDate:
    """A day, or a month when only the month is known."""

    first: dt.date
    last: dt.date
    # How it was written: for messages only. Not compared, so 2025年3月1日 == 2025-03-01 and
    # sorting steps by date never depends on the spelling.
    written: str = field(default="", compare=False)
    form: str = field(default="iso", compare=False)  # which spelling was normalised

    @property
    def is_day(self) -> bool:
        return self.first == self.last

    @property
    def is_bound(self) -> bool:
        """Only an upper bound is known: a stage proven by a later step (stages.py)."""
        return self.form == "bound"

    def __str__(self) -> str:
        if self.is_bound:
            return f"≤{self.last.isoformat()}"
        if self.is_day:
            return self.first.isoformat()
        return self.first.strftime("%Y-%m")


EARLIEST_DAY = dt.date(1900, 1, 1)     # before any record's procedure; the lower end of a bound


def bounded_date(last: dt.date | None) -> RecordDate | None:
    """A date known only to be on or before `last` (None: nothing known)."""
    if last is None:
        return None
    return RecordDate(EARLIEST_DAY, last, f"≤{last.isoformat()}", "bound")


def parse_date(value: object) -> RecordDate:
    """Read a record date from YAML/JSON: a date object, or one of the accepted spellings."""
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        _check_year(value.year, str(value))
        return RecordDate(value, value, value.isoformat(), "iso")
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise DateError(f"expected a date such as 2025-03-01, got {shown(value)}")
    if isinstance(value, float):
        raise DateError(f"{value!r} was read as a number: write 2025-03 for a month (or quote it, '{value!r}')")
    if isinstance(value, int):
        raise DateError(f"{value!r} is a number, not a date: write it as 2025-03-01 (or 2025-03 when only "
                        "the month is known)")
    if len(value) > 40:
        raise DateError(f"{shown(value)} is not a date: write 2025-03-01")
    text = _SPACES.sub("", unicodedata.normalize("NFKC", value).translate(_FULLWIDTH))
    cn = _CN_DATE.match(text)
    if cn:
        return _from_chinese_numerals(value, cn)
    for pattern, form in _DAY_FORMS:
        m = pattern.match(text)
        if m:
            y, mo, d = (int(g) for g in m.groups())
            _check_year(y, value)
            try:
                day = dt.date(y, mo, d)
            except ValueError:
                raise DateError(f"{value!r} is not a real date (check the day and month)") from None
            return RecordDate(day, day, value, _form(form, value, text))
    for pattern, form in _MONTH_FORMS:
        m = pattern.match(text)
        if m:
            y, mo = int(m.group(1)), int(m.group(2))
            _check_year(y, value)
            if not 1 <= mo <= 12:
                raise DateError(f"{value!r} is not a real month")
            last = calendar.monthrange(y, mo)[1]
            return RecordDate(dt.date(y, mo, 1), dt.date(y, mo, last), value, _form(form, value, text))
    raise DateError(
        f"{shown(value)} is not a date: write 2025-03-01 (or 2025年3月1日, 2025/3/1, 2025.3.1; "
        "2025-03 when only the month is known)"
    )


def _check_year(year: int, written: str) -> None:
    if not EARLIEST_YEAR <= year <= LATEST_YEAR:
        raise DateError(
            f"{written!r}: year {year} is outside {EARLIEST_YEAR}-{LATEST_YEAR}; check for a typo"
        )


def _form(form: str, written: str, text: str) -> str:
    """The spelling, with `-fullwidth` when full-width digits, Chinese punctuation or spaces
    were normalised (so the reader is told, even for an ISO date)."""
    return form if written.strip() == text else f"{form}-fullwidth"


def _cn_number(text: str) -> int | None:
    if "十" not in text:
        return int("".join(str(_CN_DIGITS[c]) for c in text)) if all(c in _CN_DIGITS for c in text) else None
    tens, _, units = text.partition("十")
    if len(tens) > 1 or len(units) > 1 or (tens and tens not in _CN_DIGITS) or (units and units not in _CN_DIGITS):
        return None
    return (_CN_DIGITS[tens] if tens else 1) * 10 + (_CN_DIGITS[units] if units else 0)


def _from_chinese_numerals(value: str, m: re.Match) -> RecordDate:
    y, mo = _cn_number(m.group(1)), _cn_number(m.group(2))
    d = _cn_number(m.group(3)) if m.group(3) else None
    if y is None or mo is None or (m.group(3) and d is None):
        raise DateError(f"{value!r} is not a date: write 2025-03-01 (or 二〇二五年三月一日)")
    _check_year(y, value)
    if d is None:
        if not 1 <= mo <= 12:
            raise DateError(f"{value!r} is not a real month")
        return RecordDate(dt.date(y, mo, 1), dt.date(y, mo, calendar.monthrange(y, mo)[1]), value, "chinese-numerals")
    try:
        day = dt.date(y, mo, d)
    except ValueError:
        raise DateError(f"{value!r} is not a real date (check the day and month)") from None
    return RecordDate(day, day, value, "chinese-numerals")
