"""Period arithmetic the way a Chinese court computes it.

- Start day excluded by default (民法典 Art 201); a profile may count it.
- Month and year periods end on the corresponding day, or the month's last day when
  there is none (民法典 Art 202).
- A period whose last day is a rest day (statutory holiday or weekend, 民事诉讼法 Art 85)
  ends on the next working day (民法典 Art 203); 调休 make-up days are working days. A
  maximum that limits the administration and a lead time (`no_rollover`) keep their
  calendar last day.
- Working-day periods count working days only.

The official holiday calendar comes from the `chinese_calendar` package, or for a year it
lacks, from the State Council notice the user imported (calendar_store). For a year
neither covers, the last day is unknown (None): rules then report *not evaluable*
rather than guess.
"""
from __future__ import annotations

import calendar
import functools
import datetime as dt
import re
from dataclasses import dataclass
from typing import Literal

from . import calendar_store

Unit = Literal["days", "working_days", "months", "years"]
Counting = Literal["exclude_start_day", "include_start_day"]

_SPEC = re.compile(r"^\s*(\d+|param\.[a-z_]+)\s*(days?|working[_ ]days?|months?|years?)\s*(no_rollover)?\s*$")
_UNIT_KEY = {"days": "d", "working_days": "wd", "months": "m", "years": "y"}


class CalendarNotCovered(Exception):
    """The holiday calendar has no data for a year a period touches."""

    def __init__(self, year: int):
        super().__init__(year)
        self.year = year


@dataclass(frozen=True)
class PeriodSpec:
    """N units, or a number of units a profile parameter gives (`param.signing_period_days days`)."""

    amount: int
    unit: Unit
    param: str | None = None
    # False for a maximum that limits the administration and for a lead time: the last day
    # is the calendar day even when it is a rest day (decision-record.md, rest days)
    rollover: bool = True

    @classmethod
    def parse(cls, text: str) -> "PeriodSpec":
        m = _SPEC.match(text)
        if not m:
            raise ValueError(f"{text!r} is not a period: write e.g. '30 days', '7 working_days', '6 months', "
                             "'1 year', '1 year no_rollover' or 'param.NAME days'")
        unit = m.group(2).replace(" ", "_")
        unit = unit if unit.endswith("s") else unit + "s"
        rollover = m.group(3) is None
        if not rollover and unit == "working_days":
            raise ValueError(f"{text!r}: a working-day period never ends on a rest day; drop no_rollover")
        if m.group(1).startswith("param."):
            return cls(0, unit, m.group(1)[6:], rollover)  # type: ignore[arg-type]
        return cls(int(m.group(1)), unit, None, rollover)  # type: ignore[arg-type]

    @property
    def key(self) -> str:
        """A short identifier usable as a fact property name."""
        return _UNIT_KEY[self.unit] + (f"_{self.param}" if self.param else str(self.amount)) + \
            ("" if self.rollover else "n")

    def resolve(self, values: dict) -> "PeriodSpec | None":
        """The concrete period, with a parameter's value; None while the parameter is unknown."""
        if self.param is None:
            return self
        value = values.get(self.param)
        return None if value is None else PeriodSpec(int(value), self.unit, None, self.rollover)

    def __str__(self) -> str:
        unit = self.unit[:-1] if self.amount == 1 and not self.param else self.unit
        return f"{self.param and 'param.' + self.param or self.amount} {unit}" + ("" if self.rollover else " no_rollover")


def is_workday(day: dt.date) -> bool:
    return _is_workday(day, calendar_store.state())


@functools.lru_cache(maxsize=8192)
def _is_workday(day: dt.date, calendars: tuple) -> bool:
    # keyed on the store's state, so an import (or another calendar folder) is seen at once
    answer = calendar_store.is_workday(day)
    if answer is None:
        raise CalendarNotCovered(day.year)
    return answer


def roll_to_workday(day: dt.date) -> dt.date:
    calendars = calendar_store.state()
    while not _is_workday(day, calendars):
        day += dt.timedelta(days=1)
    return day


def add_months(day: dt.date, months: int) -> dt.date:
    """The corresponding day `months` later, or that month's last day."""
    y, m = divmod(day.month - 1 + months, 12)
    year, month = day.year + y, m + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def last_day(start: dt.date, spec: PeriodSpec, counting: Counting = "exclude_start_day") -> dt.date:
    """The last day of a period of `spec` that begins on `start`.

    Raises CalendarNotCovered when a holiday year it needs is not in the calendar.
    """
    return _last_day(start, spec, counting, calendar_store.state())


@functools.lru_cache(maxsize=16384)
def _last_day(start: dt.date, spec: PeriodSpec, counting: Counting, calendars: tuple) -> dt.date:
    # memoised: a batch computes the same few periods from the same days over and over
    # (working days are counted one by one); keyed on the calendars like _is_workday
    include = counting == "include_start_day"
    if spec.unit == "working_days":
        day, counted = start, 0
        if include and _is_workday(start, calendars):
            counted = 1
        while counted < spec.amount:
            day += dt.timedelta(days=1)
            if _is_workday(day, calendars):
                counted += 1
        return day
    if spec.unit == "days":
        end = start + dt.timedelta(days=spec.amount - (1 if include else 0))
    else:
        months = spec.amount * (12 if spec.unit == "years" else 1)
        end = add_months(start, months) - dt.timedelta(days=1 if include else 0)
    if spec.rollover:
        while not _is_workday(end, calendars):
            end += dt.timedelta(days=1)
    return end


def chain_last_day(start: dt.date, periods: tuple["PeriodSpec", ...], counting: Counting,
                   params: dict) -> dt.date | None:
    """The last day after periods applied in turn (`+ 6 months + 3 months`); None when a
    period's length is a profile parameter that is unknown. Raises CalendarNotCovered."""
    day = start
    for spec in periods:
        concrete = spec.resolve(params)
        if concrete is None:
            return None
        day = last_day(day, concrete, counting)
    return day


def counted_days(start: dt.date, end: dt.date, counting: Counting = "exclude_start_day") -> int:
    """How many calendar days a period from start to end counts."""
    return (end - start).days + (1 if counting == "include_start_day" else 0)
