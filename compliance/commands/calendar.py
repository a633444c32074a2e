"""`compliance calendar import|show|list`: the holiday calendars periods are counted with."""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import click

from ..errors import InputError
from .common import console, lang_option

_FORMAT = click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)


@click.group()
def calendar() -> None:
    """Holiday calendars: import the State Council's yearly notice, show a year, list the years."""


@calendar.command("import")
@click.argument("notice", metavar="NOTICE")
@click.option("--year", metavar="YEAR", help="The notice's year, when its text has no title.")
@click.option("--replace", is_flag=True,
              help="Use this notice even where it disagrees with the package or an earlier import.")
@lang_option
def calendar_import(notice: str, year: str | None, replace: bool, lang: str) -> None:
    """Read a holiday notice (.txt, .docx, or - for standard input), check it, and store its year.

    NOTICE is the text of 国务院办公厅关于XXXX年部分节假日安排的通知 as published. Any
    mismatch (a weekday, a day count, a date outside the year) refuses the whole notice."""
    from .. import calendar_store
    from ..calendar_i18n import notice_error, text
    from ..holiday_notice import NoticeError, parse_notice, read_notice
    name = "<stdin>" if notice == "-" else notice
    wanted = _year(year, lang, "--year") if year is not None else None
    try:
        parsed = parse_notice(read_notice(notice), wanted)
        cal = calendar_store.save(parsed, "-" if notice == "-" else str(Path(notice).resolve()), replace)
    except NoticeError as e:
        message, place = notice_error(e, lang)
        raise InputError(name, message, place) from None
    except calendar_store.CalendarStoreError as e:
        raise InputError(name, _store_error(e, lang)) from None
    click.echo(text("imported", lang, year=cal.year, rest=len(cal.holidays), work=len(cal.workdays), path=cal.path))
    if cal.replaces_package:
        click.echo(text("imported_replaces", lang, year=cal.year))


@calendar.command("show")
@click.argument("year", metavar="YEAR")
@_FORMAT
@lang_option
def calendar_show(year: str, fmt: str, lang: str) -> None:
    """The year's days off and make-up working days as periods will use them, and their source."""
    from ..calendar_i18n import text, weekday
    number = _year(year, lang, "calendar show")
    view = _year_view(number, lang)
    if view is None:
        raise InputError("calendar show", text("unknown_year", lang, year=number))
    if fmt == "json":
        click.echo(json.dumps(view, ensure_ascii=False, indent=2))
        return
    colon, comma = (": ", ", ") if lang == "en" else ("：", "，")
    out = console()
    out.print(f"[bold]{text('show_year', lang, year=number)}[/bold]")
    out.print(f"{text('show_source', lang)}{colon}{view['source']['text']}")
    for label, key in (("show_notice_date", "notice_date"), ("show_imported_at", "imported_at")):
        if view["source"].get(key):
            out.print(f"{text(label, lang)}{colon}{view['source'][key]}")
    for label, days in (("show_rest", view["holidays"]), ("show_work", view["workdays"])):
        out.print(f"{text(label, lang)} ({len(days)}){colon.strip()}")
        for name, first, last in _runs(days):
            span = first.isoformat() if first == last else f"{first.isoformat()} – {last.isoformat()}"
            count = (last - first).days + 1
            out.print(f"  {name}  {span}  {weekday(first.weekday(), lang)}" + ("" if first == last else
                      f"–{weekday(last.weekday(), lang)}{comma}{count} {'day(s)' if lang == 'en' else '天'}"))
        if not days:
            out.print(f"  {text('none', lang)}")
    out.print(text("show_other", lang))


@calendar.command("list")
@_FORMAT
@lang_option
def calendar_list(fmt: str, lang: str) -> None:
    """Every year with a calendar, and where it comes from (the package or an imported file)."""
    from .. import calendar_store
    from ..calendar_i18n import text
    years = sorted(set(calendar_store.package_years()) | set(calendar_store.imported_years()))
    rows = []
    for year in years:
        source = _source(year, lang)
        rows.append({"year": year, **{k: v for k, v in source.items() if k != "text"}, "text": source["text"]})
    if fmt == "json":
        click.echo(json.dumps({"directory": str(calendar_store.calendar_dir()), "years": rows},
                              ensure_ascii=False, indent=2))
        return
    from rich.table import Table
    table = Table(box=None, pad_edge=False)
    table.add_column(text("col_year", lang))
    table.add_column(text("col_source", lang))
    for row in rows:
        table.add_row(str(row["year"]), row["text"])
    out = console()
    out.print(table)
    out.print(text("list_dir", lang, path=calendar_store.calendar_dir()))


def _year(value: str, lang: str, where: str) -> int:
    from ..calendar_i18n import text
    if not (value.isascii() and value.isdigit() and len(value) == 4):
        raise InputError(where, text("bad_year", lang, year=repr(value)))
    return int(value)


def _source(year: int, lang: str) -> dict:
    """Where `year` comes from, as the lookup decides (calendar_store.active)."""
    from .. import calendar_store
    from ..calendar_i18n import text
    cal = calendar_store.active(year)
    if cal is not None:
        words = text("source_import", lang, title=cal.title or "—", path=cal.path)
        if cal.replaces_package:
            words += text("source_replaces", lang)
        return {"source": "imported", "file": str(cal.path), "title": cal.title, "number": cal.number,
                "notice_date": cal.notice_date, "imported_at": cal.imported_at,
                "replaces_package": cal.replaces_package, "text": words}
    if calendar_store.package_covers(year):
        version = calendar_store.package_version()
        words = text("source_package", lang, version=version)
        unused = calendar_store.imported(year)
        if unused is not None:
            words += "; " + text("import_unused", lang, path=unused.path)
        return {"source": "package", "package": "chinesecalendar", "version": version, "text": words}
    return {"source": None, "text": text("unknown_year", lang, year=year)}


def _year_view(year: int, lang: str) -> dict | None:
    from .. import calendar_store
    source = _source(year, lang)
    if source["source"] is None:
        return None
    cal = calendar_store.active(year)
    holidays, workdays = (cal.holidays, cal.workdays) if cal else calendar_store.package_days(year)
    following = calendar_store.active(year + 1)   # its 元旦 item may name days of this December
    if following is not None:
        holidays = {**holidays, **{d: n for d, n in following.holidays.items() if d.year == year}}
        workdays = {**workdays, **{d: n for d, n in following.workdays.items() if d.year == year}}
    return {"year": year, "source": source,
            "holidays": {d.isoformat(): n for d, n in sorted(holidays.items())},
            "workdays": {d.isoformat(): n for d, n in sorted(workdays.items())}}


def _runs(days: dict[str, str]) -> list[tuple[str, dt.date, dt.date]]:
    """Consecutive days of one festival as (name, first, last)."""
    runs: list[tuple[str, dt.date, dt.date]] = []
    for iso, name in days.items():
        day = dt.date.fromisoformat(iso)
        if runs and runs[-1][0] == name and runs[-1][2] + dt.timedelta(days=1) == day:
            runs[-1] = (name, runs[-1][1], day)
        else:
            runs.append((name, day, day))
    return runs


def _store_error(error: calendar_store.CalendarStoreError, lang: str) -> str:
    from ..calendar_i18n import text
    shown = "、" if lang == "zh" else ", "
    days = shown.join(text("day_work" if work else "day_rest", lang, date=d.isoformat()) for d, work in error.days[:5])
    if len(error.days) > 5:
        days += "…"
    cause = error.__cause__
    reason = getattr(cause, "strerror", None) or str(cause or "")
    return text(error.key, lang, year=error.year, days=days, path=error.path, reason=reason)


COMMANDS = [calendar]
