"""What every command shares: options, console, dates, the rulebook.

Every command module is imported to build `compliance --help`, so this module and the
command modules import only click at the top; the rest is imported by the command that
needs it (a short run should not pay for what it does not use).
"""
from __future__ import annotations

import datetime as dt
import functools
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from rich.console import Console

    from ..rulebook import Rulebook

LANGS = click.Choice(["zh", "en"])

rules_option = click.option("--rules", "rules_dir", metavar="DIR",
                            help="Use the rule files in DIR instead of the bundled ones.")
lang_option = click.option("--lang", type=LANGS, default="zh", show_default=True, help="Output language.")
as_of_option = click.option("--as-of", "as_of", metavar="DATE", help="Judge deadlines as of this day (default: today).")
profile_option = click.option("--profile", metavar="NAME-or-FILE",
                              help="Local parameter profile (default: the record's jurisdiction).")


@functools.cache
def pipe_console_class() -> type[Console]:
    """A rich Console for pipes that escapes terminal controls in what it prints (rich is
    imported on first use)."""
    from ..terminal import SafeConsole

    class PipeConsole(SafeConsole):
        """rich exits with 1 when the reader of a pipe leaves (`... | head`); hand that to
        cli.main, which ends quietly with 0 like the other writers."""

        def on_broken_pipe(self) -> None:
            self.quiet = True
            raise BrokenPipeError

    return PipeConsole


class TrimmedLines:
    """A text stream whose lines lose their trailing spaces (rich pads table rows to the
    width; in a pipe or a file the padding is noise that diffs and greps trip over)."""

    def __init__(self, stream):
        self._stream, self._pending = stream, ""

    def write(self, text: str) -> int:
        *lines, self._pending = (self._pending + text).split("\n")
        if lines:
            self._stream.write("".join(line.rstrip(" ") + "\n" for line in lines))
        return len(text)

    def flush(self) -> None:
        if self._pending:
            self._stream.write(self._pending.rstrip(" "))
            self._pending = ""
        self._stream.flush()

    def isatty(self) -> bool:
        return False

    def fileno(self) -> int:
        return self._stream.fileno()

    @property
    def encoding(self) -> str:
        return getattr(self._stream, "encoding", "utf-8")


def console(stream=None) -> Console:
    """Colour only on a terminal; a pipe or a file gets plain text (80 columns unless COLUMNS),
    with no trailing spaces."""
    out = stream or sys.stdout
    tty = out.isatty()
    return pipe_console_class()(file=out if tty else TrimmedLines(out), highlight=False, no_color=not tty)


class LazyChoice(click.Choice):
    """A Choice whose values come from a module that is imported only when they are asked for."""

    def __init__(self, load, case_sensitive: bool = True):
        self._load = load
        super().__init__((), case_sensitive)

    @property
    def choices(self):
        return tuple(self._load())

    @choices.setter
    def choices(self, _value) -> None:  # click.Choice.__init__ assigns it
        pass


def parse_as_of(value: str | None) -> dt.date:
    """A day, written as records write days (2025-12-31, 2025年12月31日, 2025/12/31, 2025.12.31)."""
    if not value:
        return dt.date.today()
    from ..dates import DateError, parse_date
    try:
        day = parse_date(value)
    except DateError:
        day = None
    if day is None or not day.is_day:
        raise click.BadParameter(f"{value!r} 不是具体日期；请写作 2025-12-31 或 2025年12月31日 / {value!r} is not a day; "
                                 "write 2025-12-31 or 2025年12月31日", param_hint="--as-of") from None
    return day.first


def rulebook(rules_dir: str | None) -> Rulebook:
    from ..rulebook_cache import load_rulebook_cached
    return load_rulebook_cached(Path(rules_dir) if rules_dir else None)  # stored across runs
