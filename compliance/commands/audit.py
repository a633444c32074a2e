"""`compliance audit PATH...`: check a year's records (files, directories, ledgers) and
write one report with per-record findings and a summary."""
from __future__ import annotations

import datetime as dt
import shutil
import sys
from contextlib import nullcontext
from pathlib import Path

import click

from .. import __version__
from ..atomic import STDOUT, output_target, same_file
from ..errors import InputError
from ..severity import DEFAULT_FAIL_ON, FAIL_ON_CHOICES
from ..terminal import safe_line
from .common import (LazyChoice, as_of_option, lang_option, parse_as_of, pipe_console_class, profile_option,
                     rulebook, rules_option)


def _formats() -> tuple[str, ...]:
    from ..formats.audit_base import CHOICES
    return CHOICES


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--year", type=click.IntRange(1990, 2100), metavar="YYYY",
              help="Only records whose decision (the `decision` step) is dated in this year; "
                   "records without a decision date are included, with a note.")
@click.option("--jobs", "-j", type=click.IntRange(0, 64), default=0, show_default=True,
              help="Worker processes; 0 = one per CPU for large batches, 1 = no workers.")
@click.option("--format", "fmt", type=LazyChoice(_formats), default="text", show_default=True)
@click.option("--out", "-o", "out", type=click.Path(path_type=Path, dir_okay=False),
              help="Write the report to FILE (atomically; through a symlink to its target; a FIFO is "
                   "written as a stream; `-` is standard output) instead of standard output.")
@lang_option
@as_of_option
@profile_option
@click.option("--fail-on", type=click.Choice(FAIL_ON_CHOICES), default=DEFAULT_FAIL_ON, show_default=True,
              help="Exit 1 when an unwaived violation at or above this severity is found.")
@rules_option
@click.option("--baseline", type=click.Path(path_type=Path, dir_okay=False), metavar="EARLIER.json",
              help="The JSON report of an earlier audit: each finding is reported new or unchanged, and those "
                   "no longer found resolved (整改情况).")
@click.option("--rectifications", "register", type=click.Path(path_type=Path, dir_okay=False), metavar="整改台账.xlsx",
              help="A filled rectification register (written by --format xlsx): its rows with a 整改措施 are read "
                   "as the records' rectification entries.")
@click.pass_context
def audit(ctx, paths, year, jobs, fmt, out, lang, as_of, profile, fail_on, rules_dir, baseline, register) -> None:
    """Audit many decision records at once: directories, record files and .xlsx ledgers.

    \b
    Every input is in the report once: checked, or an error with its place and
    reason (a bad file never stops the batch). Directories are read recursively
    (*.yaml, *.yml, *.json; not under `expected/` or `profiles/`, not
    *.expected.yaml); a ledger is read when it is named. With --year, a record
    decided in another year is listed as excluded; one with no decision date is
    checked, with a note. Two records with the same id are both checked and
    reported as duplicates. Exit 0: no violation at or above --fail-on; 1: some;
    2: an input could not be read or validated, or ids repeat; 3: internal error.

    \b
    Year over year: --baseline LAST.json compares with an earlier audit;
    --format xlsx -o 整改台账.xlsx writes the rectification register, and
    --rectifications 整改台账.xlsx reads the filled register back.
    """
    from .. import audit as batch
    from .. import i18n
    from ..atomic import report_output
    from ..formats.audit_base import BINARY, ENCODING, NEWLINE, AuditMeta, rule_rows
    from ..profiles import load_profile
    from ..ruleset import identity
    day = parse_as_of(as_of)
    book = rulebook(rules_dir)
    if profile:
        load_profile(profile)  # a bad --profile is a usage error, before any record
    if out is not None and str(out) == STDOUT:
        out = None
    if out is not None and not out.parent.is_dir():
        raise click.BadParameter(f"directory {out.parent} does not exist", param_hint="--out")
    if fmt in BINARY and out is None and sys.stdout.isatty():
        raise click.UsageError(f"--format {fmt} writes a spreadsheet; give -o FILE.{fmt}")
    entries = _register(register, book)
    inputs = batch.discover(paths)
    if out is not None:
        output_target(out, "report")     # refused before any work: read-only, hard links, sockets...
        _not_an_input(out, list(paths) + [p for p in (baseline, register) if p], inputs)
    rule_set = identity(book)
    comparison = _comparison(baseline, lang, rule_set, profile)
    debug = bool(ctx.find_object(dict) and ctx.find_object(dict).get("debug"))
    options = batch.Options(as_of=day, lang=lang, profile=profile, year=year, rules_dir=rules_dir, debug=debug,
                            rectifications=entries)
    meta = AuditMeta(as_of=day.isoformat(), lang=lang, tool_version=__version__, year=year,
                     inputs=[str(p) for p in paths], generated=dt.datetime.now().isoformat(timespec="seconds"),
                     rules=rule_rows(book, lang), profile=profile, rule_set=rule_set)
    progress = _progress(lang)
    opened = binary_output(out) if fmt in BINARY else report_output(out, encoding=ENCODING.get(fmt, "utf-8"),
                                                                        newline=NEWLINE.get(fmt))
    with opened as stream:
        writer = writer_for(fmt, stream, meta, to_terminal=out is None)
        with progress or nullcontext():
            task = None

            def start(total: int) -> None:
                nonlocal task
                if progress is not None:
                    task = progress.add_task(i18n.text("audit_progress", lang), total=total)

            def advance(n: int) -> None:
                if progress is not None and task is not None:
                    progress.advance(task, n)

            outcome = batch.run(paths, options, writer, jobs=jobs, progress=advance, on_start=start, rulebook=book,
                                inputs=inputs, comparison=comparison)
    summary = outcome.summary
    if out is not None or fmt != "text":
        s = summary.as_dict()
        line = i18n.text("summary", lang).format(**{k: s[k] for k in ("records", "fail", "incomplete", "pass", "error")})
        if out is not None:
            line += "；" if lang == "zh" else "; "
            line += i18n.text("audit_written", lang).format(path=safe_line(out))
        click.echo(line, err=True)
    sys.exit(summary.exit_code(fail_on))


def _register(path: Path | None, book):
    """Entries of a filled 整改台账, by record id (an input error names the cell)."""
    if path is None:
        return None
    from ..register import read
    return read(path, book.by_id())


def _comparison(path: Path | None, lang: str, rule_set: dict, profile: str | None):
    if path is None:
        return None
    from .. import __version__
    from ..baseline import Comparison, load
    return Comparison(load(path), lang, rule_set=rule_set, profile=profile, tool_version=__version__)


def binary_output(out: Path | None):
    """A spreadsheet goes to FILE atomically, or to a pipe (never to a terminal)."""
    from ..atomic import atomic_writer
    if out is not None:
        return atomic_writer(out, binary=True)
    return nullcontext(sys.stdout.buffer)


def _not_an_input(out: Path, paths, inputs) -> None:
    """The report must never replace what it reports on (also through a link)."""
    for candidate in list(paths) + [p for _, p in inputs.sources]:
        if Path(candidate).is_file() and same_file(out, candidate):
            raise InputError(str(out), f"the report would overwrite the input {candidate}; "
                             "write the report to another file")


def _progress(lang: str):
    """A progress bar on stderr, only when stderr is a terminal (never in pipes or logs)."""
    if not sys.stderr.isatty():
        return None
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn
    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                    TimeRemainingColumn(), console=Console(stderr=True), transient=True)


def writer_for(fmt: str, stream, meta, to_terminal: bool):
    from ..formats.audit_base import writer_class
    cls = writer_class(fmt)
    if fmt == "text":
        tty = to_terminal and sys.stdout.isatty()
        width = shutil.get_terminal_size((100, 24)).columns if tty else 100
        console = pipe_console_class()(file=stream, width=width, force_terminal=tty, no_color=not tty, highlight=False)
        return cls(stream, meta, console=console)
    return cls(stream, meta)


COMMANDS = [audit]
