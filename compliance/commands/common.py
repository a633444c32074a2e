"""What every command shares: options, console, dates, the rulebook."""
from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import click
from rich.console import Console

from ..rulebook import Rulebook, load_rulebook
from ..terminal import SafeConsole

LANGS = click.Choice(["zh", "en"])

rules_option = click.option("--rules", "rules_dir", metavar="DIR",
                            help="Use the rule files in DIR instead of the bundled ones.")
lang_option = click.option("--lang", type=LANGS, default="zh", show_default=True, help="Output language.")
as_of_option = click.option("--as-of", "as_of", metavar="DATE", help="Judge deadlines as of this day (default: today).")
profile_option = click.option("--profile", metavar="NAME-or-FILE",
                              help="Local parameter profile (default: the record's jurisdiction).")


class PipeConsole(SafeConsole):
    """rich exits with 1 when the reader of a pipe leaves (`... | head`); hand that to
    cli.main, which ends quietly with 0 like the other writers."""

    def on_broken_pipe(self) -> None:
        self.quiet = True
        raise BrokenPipeError


def console(stream=None) -> Console:
    """Colour only on a terminal; a pipe or a file gets plain text (80 columns unless COLUMNS)."""
    out = stream or sys.stdout
    return PipeConsole(file=out, highlight=False, no_color=not out.isatty())


def parse_as_of(value: str | None) -> dt.date:
    if not value:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date; write YYYY-MM-DD", param_hint="--as-of") from None


def rulebook(rules_dir: str | None) -> Rulebook:
    return load_rulebook(Path(rules_dir) if rules_dir else None)
