"""`compliance check FILE...`: every finding with its rule, basis, dates and remedy."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from .. import formats
from ..severity import DEFAULT_FAIL_ON, FAIL_ON_CHOICES
from .common import as_of_option, console, lang_option, parse_as_of, profile_option, rulebook, rules_option


@click.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(formats.names("check")), default="text", show_default=True)
@lang_option
@as_of_option
@profile_option
@click.option("--fail-on", type=click.Choice(FAIL_ON_CHOICES), default=DEFAULT_FAIL_ON, show_default=True,
              help="Exit 1 when an unwaived violation at or above this severity is found.")
@click.option("--all", "include_all", is_flag=True, help="Also list satisfied and not-applicable rules.")
@click.option("--explain", is_flag=True, help="For each finding, the facts and computed dates that decided it.")
@rules_option
def check(files, fmt, lang, as_of, profile, fail_on, include_all, explain, rules_dir) -> None:
    """Check decision records and report every finding with its legal basis."""
    from ..evaluate import Evaluator
    from ..report import Checker, check_files
    day = parse_as_of(as_of)
    checker = Checker(Evaluator(rulebook(rules_dir)))
    if profile:
        checker.profile(profile)  # a bad --profile is a usage error, before any record
    report = check_files(checker, list(files), day, lang, profile, include_all, explain)
    formats.write("check", fmt, report, formats.Output(sys.stdout, console=console))
    sys.exit(report.exit_code(fail_on))


COMMANDS = [check]
