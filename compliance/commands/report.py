"""`compliance report merge A.json B.json ...`: several audit reports as one."""
from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import click

from ..severity import DEFAULT_FAIL_ON, FAIL_ON_CHOICES
from .common import LANGS, LazyChoice, rules_option


def _formats() -> tuple[str, ...]:
    from ..formats.audit_base import CHOICES
    return CHOICES


@click.group()
def report() -> None:
    """Work with reports that `compliance audit --format json` wrote."""


@report.command()
@click.argument("reports", nargs=-1, required=True, type=click.Path(path_type=Path, dir_okay=False))
@click.option("--format", "fmt", default="text", show_default=True,
              type=LazyChoice(_formats))
@click.option("--out", "-o", "out", type=click.Path(path_type=Path, dir_okay=False),
              help="Write the merged report to FILE (atomically) instead of standard output.")
@click.option("--allow-mixed", is_flag=True,
              help="Merge reports checked against other rules, as of other days, with other profiles or years "
                   "(each difference is noted).")
@click.option("--lang", type=LANGS, default=None, help="Output language (default: the reports').")
@click.option("--fail-on", type=click.Choice(FAIL_ON_CHOICES), default=DEFAULT_FAIL_ON, show_default=True)
@rules_option
def merge(reports, fmt, out, allow_mixed, lang, fail_on, rules_dir) -> None:
    """Merge the JSON reports of several audit runs into one report.

    \b
    The summary is rebuilt from the records, so it equals the summary of one
    audit of all the inputs. A record found in two reports is kept once and
    noted. Reports checked against other rules, as of another day, with another
    profile or for another year are refused (exit 2) unless --allow-mixed.
    Exit codes as for `audit`.
    """
    from .. import __version__, i18n
    from ..atomic import STDOUT, output_target, report_output, same_file
    from ..errors import InputError
    from ..formats.audit_base import BINARY, ENCODING, NEWLINE, AuditMeta, rule_rows
    from ..merge import compatibility, merge as merge_parts, read_parts
    from .audit import binary_output, writer_for
    from .common import rulebook
    if out is not None and str(out) == STDOUT:
        out = None
    if fmt in BINARY and out is None and sys.stdout.isatty():
        raise click.UsageError(f"--format {fmt} writes a spreadsheet; give -o FILE.{fmt}")
    parts = read_parts(list(reports))
    if out is not None:
        output_target(out, "report")
        for p in reports:
            if Path(p).is_file() and same_file(out, p):
                raise InputError(str(out), f"the merged report would overwrite the input {p}; write it to another file")
    notes = compatibility(parts, allow_mixed)
    first = parts[0].data
    lang = lang or first.get("lang") or "zh"
    book = rulebook(rules_dir)
    meta = AuditMeta(as_of=first.get("as_of") or "", lang=lang, tool_version=__version__, year=first.get("year"),
                     inputs=[i for p in parts for i in p.data.get("inputs") or [str(p.path)]],
                     generated=dt.datetime.now().isoformat(timespec="seconds"), rules=rule_rows(book, lang),
                     profile=first.get("profile"), rule_set=first.get("rule_set"))
    opened = binary_output(out) if fmt in BINARY else report_output(out, encoding=ENCODING.get(fmt, "utf-8"),
                                                                        newline=NEWLINE.get(fmt))
    with opened as stream:
        summary = merge_parts(parts, writer_for(fmt, stream, meta, to_terminal=out is None), book, lang, notes)
    s = summary.as_dict()
    line = i18n.text("summary", lang).format(**{k: s[k] for k in ("records", "fail", "incomplete", "pass", "error")})
    click.echo(line, err=True)
    sys.exit(summary.exit_code(fail_on))


COMMANDS = [report]
