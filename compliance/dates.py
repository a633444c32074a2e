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
from dataclasses import dataclass

# A date that lies outside these years is almost certainly a typo.
EARLIEST_YEAR = 1990
LATEST_YEAR = 2100

_FULLWIDTH = str.maketrans("０１２３４５６７８９－／．", "0123456789-/.")
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
    written: str = ""  # as the user wrote it, for messages
    form: str = "iso"  # which spelling was normalised

    @property
    def is_day(self) -> bool:
        return self.first == self.last

    def __str__(self) -> str:
        if self.is_day:
            return self.first.isoformat()
        return self.first.strftime("%Y-%m")


def parse_date(value: object) -> RecordDate:
    """Read a record date from YAML/JSON: a date object, or one of the accepted spellings."""
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        _check_year(value.year, str(value))
        return RecordDate(value, value, value.isoformat(), "iso")
    if not isinstance(value, str):
        raise DateError(f"expected a date such as 2025-03-01, got {value!r}")
    text = unicodedata.normalize("NFKC", value).translate(_FULLWIDTH).strip()
    for pattern, form in _DAY_FORMS:
        m = pattern.match(text)
        if m:
            y, mo, d = (int(g) for g in m.groups())
            _check_year(y, value)
            try:
                day = dt.date(y, mo, d)
            except ValueError:
                raise DateError(f"{value!r} is not a real date (check the day and month)") from None
            return RecordDate(day, day, value, form)
    for pattern, form in _MONTH_FORMS:
        m = pattern.match(text)
        if m:
            y, mo = int(m.group(1)), int(m.group(2))
            _check_year(y, value)
            if not 1 <= mo <= 12:
                raise DateError(f"{value!r} is not a real month")
            last = calendar.monthrange(y, mo)[1]
            return RecordDate(dt.date(y, mo, 1), dt.date(y, mo, last), value, form)
    raise DateError(
        f"{value!r} is not a date: write 2025-03-01 (or 2025年3月1日, 2025/3/1, 2025.3.1; "
        "2025-03 when only the month is known)"
    )


def _check_year(year: int, written: str) -> None:
    if not EARLIEST_YEAR <= year <= LATEST_YEAR:
        raise DateError(
            f"{written!r}: year {year} is outside {EARLIEST_YEAR}-{LATEST_YEAR}; check for a typo"
        )
