"""`compliance checklist FILE --before GATE`: what must be done before a meeting or a decision."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from ..checklist import build_checklist
from ..evaluate import Evaluator
from ..formats import checklist_json, checklist_markdown, checklist_text
from ..records import load_record
from .common import as_of_option, console, lang_option, parse_as_of, profile_option, rulebook, rules_option


@click.command()
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--before", "gate", required=True, metavar="GATE",
              help="The step to prepare for: party_group_meeting (党组会议), executive_meeting (常务会议), "
                   "decision (作出决定), decision_announced (公告), enforcement_application (申请强制执行), "
                   "or any step kind or Chinese label of the record's type.")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "markdown"]), default="text", show_default=True)
@lang_option
@as_of_option
@profile_option
@click.option("--all", "include_all", is_flag=True, help="Also list the gate's rules that do not apply.")
@rules_option
def checklist(file, gate, fmt, lang, as_of, profile, include_all, rules_dir) -> None:
    """What must be done before GATE: done, missing, pending (with the date), and the earliest lawful date.

    Exit 0 when ready (nothing blocking or major missing or pending), 1 when not, 2 on input errors.
    """
    day = parse_as_of(as_of)
    evaluator = Evaluator(rulebook(rules_dir))
    loaded = load_record(file)  # an InputError goes to cli.main: one line, exit 2
    result = build_checklist(evaluator, loaded, gate, day, lang, profile, include_all)
    if fmt == "json":
        click.echo(checklist_json.render(result))
    elif fmt == "markdown":
        click.echo(checklist_markdown.render(result), nl=False)
    else:
        console().print(checklist_text.renderable(result))
    sys.exit(result.exit_code)


COMMANDS = [checklist]
