"""Where a year's holiday calendar comes from: the chinesecalendar package, or a notice the
user imported (`compliance calendar import`), kept as one JSON file per year in the user's
data folder (COMPLIANCE_CALENDAR_DIR overrides it).

Which one answers for a day of year Y:
- the imported Y file if the package lacks Y, or if it was imported with --replace;
- else the package; else nobody (None: the year is not covered);
- a day that the answering Y+1 import names (its 元旦 item may reach into December of Y)
  takes the Y+1 notice's word, as the package does.
"""
from __future__ import annotations

import datetime as dt
import functools
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import chinese_calendar

from .atomic import atomic_writer
from .errors import InputError

if TYPE_CHECKING:  # the notice parser is needed only to import a notice
    from .holiday_notice import Notice

ENV = "COMPLIANCE_CALENDAR_DIR"
FORMAT = "compliance-calendar/1"
_YEAR_FILE = re.compile(r"^(\d{4})\.json$")


def calendar_dir() -> Path:
    override = os.environ.get(ENV)
    if override:
        return Path(override).expanduser()
    import platformdirs  # XDG_DATA_HOME on Linux, the platform's own place elsewhere
    return Path(platformdirs.user_data_dir("compliance", appauthor=False)) / "calendars"


@dataclass(frozen=True)
class YearCalendar:
    year: int
    path: Path
    title: str | None
    number: str | None
    notice_date: str | None
    imported_at: str
    source: str
    replaces_package: bool
    holidays: dict[dt.date, str] = field(default_factory=dict)
    workdays: dict[dt.date, str] = field(default_factory=dict)

    def is_workday(self, day: dt.date) -> bool:
        if day in self.holidays:
            return False
        return day in self.workdays or day.weekday() < 5

    def names(self, day: dt.date) -> bool:
        return day in self.holidays or day in self.workdays


class CalendarStoreError(Exception):
    """An import refused: it would change a calendar in use (allowed with --replace), or the
    folder cannot be written. `key` names a message in calendar_i18n."""

    def __init__(self, key: str, year: int, days: list[tuple[dt.date, bool]], path: Path | None = None):
        super().__init__(key)
        self.key, self.year, self.days, self.path = key, year, days, path


# ------------------------------------------------------------------ the package
@functools.cache
def package_covers(year: int) -> bool:
    try:
        chinese_calendar.is_workday(dt.date(year, 6, 1))
    except NotImplementedError:
        return False
    return True


def package_years() -> list[int]:
    years = {d.year for d in chinese_calendar.holidays}
    return [y for y in range(min(years), max(years) + 1) if package_covers(y)]


def package_version() -> str:
    from importlib import metadata  # slow to import; only `calendar list` asks
    try:
        return metadata.version("chinesecalendar")
    except metadata.PackageNotFoundError:  # pragma: no cover - installed from a checkout
        return "?"


def package_days(year: int) -> tuple[dict[dt.date, str], dict[dt.date, str]]:
    """The package's days off and make-up working days in `year`, with Chinese names."""
    names = {h.value: h.chinese for h in chinese_calendar.Holiday}
    holidays = {d: names.get(n, n) for d, n in chinese_calendar.holidays.items() if d.year == year}
    workdays = {d: names.get(n, n) for d, n in chinese_calendar.workdays.items() if d.year == year}
    return dict(sorted(holidays.items())), dict(sorted(workdays.items()))


# ------------------------------------------------------------------ the imported files
_generation = 0
_loaded: dict[tuple, YearCalendar | None] = {}


def state() -> tuple:
    """Changes whenever the calendars may have: another folder, or an import in this process."""
    return os.environ.get(ENV), os.environ.get("XDG_DATA_HOME"), _generation


def imported(year: int) -> YearCalendar | None:
    key = (state(), year)
    if key not in _loaded:
        _loaded[key] = _load(calendar_dir() / f"{year}.json", year)
    return _loaded[key]


def imported_years() -> list[int]:
    folder = calendar_dir()
    try:
        names = [p.name for p in folder.iterdir()]
    except (FileNotFoundError, NotADirectoryError):
        return []
    except OSError as e:
        raise InputError(str(folder), f"cannot read the calendar folder ({e.strerror or e}); check its permissions")
    return sorted(int(m.group(1)) for m in map(_YEAR_FILE.match, names) if m)


def active(year: int) -> YearCalendar | None:
    """The imported calendar that answers for `year`, or None (the package, or nobody)."""
    cal = imported(year)
    if cal is not None and (cal.replaces_package or not package_covers(year)):
        return cal
    return None


def is_workday(day: dt.date) -> bool | None:
    """Working day or not; None when no calendar covers the day's year."""
    cal = active(day.year)
    if cal is not None:
        answer = cal.is_workday(day)
    elif package_covers(day.year):
        answer = chinese_calendar.is_workday(day)
    else:
        return None
    following = active(day.year + 1) if day.month == 12 else None
    if following is not None and following.names(day):
        return following.is_workday(day)
    return answer


def used_imports(first: dt.date, last: dt.date) -> list[YearCalendar]:
    """The imported calendars that answered for some day from `first` to `last`."""
    return [cal for year in range(first.year, last.year + 1) for cal in [active(year)] if cal is not None]


# ------------------------------------------------------------------ importing
def save(notice: Notice, source: str, replace: bool = False) -> YearCalendar:
    """Store the notice's year; CalendarStoreError if it changes a calendar in use and not `replace`."""
    year = notice.year
    folder = calendar_dir()
    path = folder / f"{year}.json"
    previous = imported(year)
    if previous is not None and not replace:
        changed = _differences(notice, previous.is_workday, [year - 1, year])
        if changed:
            raise CalendarStoreError("disagrees_import", year, changed, previous.path)
    replaces = False
    years = [y for y in (year - 1, year) if package_covers(y)]
    if years:
        changed = _differences(notice, chinese_calendar.is_workday, years)
        if changed and not replace:
            raise CalendarStoreError("disagrees_package", year, changed)
        replaces = bool(changed)
    data = {
        "format": FORMAT,
        "year": year,
        "title": notice.title,
        "number": notice.number,
        "notice_date": notice.date.isoformat() if notice.date else None,
        "imported_at": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        "source": source,
        "replaces_package": replaces,
        "holidays": {d.isoformat(): n for d, n in sorted(notice.holidays.items())},
        "workdays": {d.isoformat(): n for d, n in sorted(notice.workdays.items())},
    }
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with atomic_writer(path) as f:
            json.dump(data, f, ensure_ascii=False, indent=2)
            f.write("\n")
    except OSError as e:
        raise CalendarStoreError("store_unwritable", year, [], folder) from e
    _changed()
    return imported(year)  # type: ignore[return-value]


def _changed() -> None:
    global _generation
    _generation += 1
    _loaded.clear()


def _differences(notice: Notice, other, years: list[int]) -> list[tuple[dt.date, bool]]:
    """Days of `years` (and the notice's own days) on which the notice and `other` differ,
    with the notice's answer (True = working)."""
    mine = YearCalendar(year=notice.year, path=Path(), title=None, number=None, notice_date=None, imported_at="",
                        source="", replaces_package=False, holidays=notice.holidays, workdays=notice.workdays)
    days = set(notice.holidays) | set(notice.workdays)
    if notice.year in years:
        days |= set(_year_days(notice.year))
    days = {d for d in days if d.year in years}
    return [(d, mine.is_workday(d)) for d in sorted(days) if mine.is_workday(d) != other(d)]


def _year_days(year: int) -> list[dt.date]:
    first = dt.date(year, 1, 1)
    return [first + dt.timedelta(days=i) for i in range((dt.date(year + 1, 1, 1) - first).days)]


def _load(path: Path, year: int) -> YearCalendar | None:
    try:
        raw = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as e:
        raise InputError(str(path), f"cannot read the imported holiday calendar ({type(e).__name__}); "
                         "delete it and rerun `compliance calendar import`") from None
    try:
        data = json.loads(raw)
        if data.get("format") != FORMAT or data.get("year") != year:
            raise ValueError(f"not a {FORMAT} file for {year}")
        return YearCalendar(
            year=year, path=path, title=data.get("title"), number=data.get("number"),
            notice_date=data.get("notice_date"), imported_at=str(data["imported_at"]), source=str(data["source"]),
            replaces_package=bool(data.get("replaces_package")),
            holidays={dt.date.fromisoformat(k): str(v) for k, v in data["holidays"].items()},
            workdays={dt.date.fromisoformat(k): str(v) for k, v in data["workdays"].items()})
    except (ValueError, KeyError, TypeError, AttributeError) as e:
        raise InputError(str(path), f"the imported holiday calendar is damaged ({e}); delete it and rerun "
                         "`compliance calendar import`") from None
