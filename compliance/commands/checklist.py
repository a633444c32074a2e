"""`compliance checklist FILE --before GATE`: what must be done before a meeting or a decision."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from .. import formats

from .common import as_of_option, console, lang_option, parse_as_of, profile_option, rulebook, rules_option


@click.command()
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--before", "gate", required=True, metavar="GATE",
              help="The step to prepare for: party_group_meeting (党组会议), executive_meeting (常务会议), "
                   "decision (作出决定), decision_announced (公告), enforcement_application (申请强制执行), "
                   "or any step kind or Chinese label of the record's type.")
@click.option("--format", "fmt", type=click.Choice(formats.names("checklist")), default="text",
              show_default=True, help="docx: a Word review sheet (会前审核表) with signature lines; needs -o.")
@lang_option
@as_of_option
@profile_option
@click.option("--all", "include_all", is_flag=True, help="Also list the gate's rules that do not apply.")
@click.option("-o", "--output", type=click.Path(path_type=Path), metavar="FILE.docx",
              help="With --format docx: the Word document to write (replaced atomically if it exists).")
@click.option("--template", type=click.Path(path_type=Path), metavar="FILE.docx",
              help="With --format docx: your own Word template; variables in docs/word-documents.md.")
@rules_option
def checklist(file, gate, fmt, lang, as_of, profile, include_all, output, template, rules_dir) -> None:
    """What must be done before GATE: done, missing, pending (with the date), and the earliest lawful date.

    Exit 0 when ready (nothing blocking or major missing or pending), 1 when not, 2 on input errors.
    """
    from ..checklist import build_checklist
    from ..evaluate import Evaluator
    from ..records import load_record
    day = parse_as_of(as_of)
    if (fmt == "docx") != (output is not None) or (template is not None and fmt != "docx"):
        raise click.UsageError("--format docx needs -o FILE.docx; -o and --template go with --format docx")
    if output is not None:
        from ..formats.docx_template import check_output  # Word libraries: only for --format docx
        check_output(output, [file] + ([template] if template else []))
    evaluator = Evaluator(rulebook(rules_dir))
    loaded = load_record(file)  # an InputError goes to cli.main: one line, exit 2
    result = build_checklist(evaluator, loaded, gate, day, lang, profile, include_all)
    formats.write("checklist", fmt, result, formats.Output(sys.stdout, console=console, path=output,
                                                          template=template, record=loaded.record))
    sys.exit(result.exit_code)


COMMANDS = [checklist]
