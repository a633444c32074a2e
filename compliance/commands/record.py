"""`compliance record FILE KIND --date D`: record a step without hand-editing the file."""
from __future__ import annotations

from pathlib import Path

import click

from ..terminal import safe_line
from .common import lang_option


@click.command()
@click.argument("file", type=click.Path(path_type=Path))
@click.argument("kind")
@click.option("--date", metavar="DATE", help="When it happened (2025-04-18; 2025年4月18日 and 2025-04 work too).")
@click.option("--doc", metavar="N", help="Document number (文号) or minutes reference.")
@click.option("--by", "by", metavar="WHO", help="Who did it.")
@click.option("--field", "fields", multiple=True, metavar="KEY=VALUE",
              help="Any other field of the step, e.g. --field conclusion=lawful --field end=2025-03-31 "
                   "--field 'materials=[draft, risk_report]'. Repeatable.")
@click.option("--household", metavar="ID", help="Add the step to this household entry instead.")
@lang_option
def record(file, kind, date, doc, by, fields, household, lang) -> None:
    """Add a step of KIND (a step kind or its Chinese label) to the record in FILE.

    The file is rewritten atomically, keeping its comments and key order; the previous
    version is kept as FILE.bak. A step that would make the record invalid is refused
    (exit 2) and the file is left unchanged.
    """
    from .. import i18n
    from ..record_edit import add_step
    done = add_step(file, kind, date, doc, by, list(fields), household)
    label = i18n.step_label(done.kind, done.scope, lang)
    click.echo(i18n.text("rec_done", lang).format(label=label, date=done.when, file=safe_line(done.path)))
    click.echo(i18n.text("rec_backup", lang).format(backup=safe_line(done.backup)))
    if done.reformatted:
        click.echo(i18n.text("rec_reformatted", lang).format(n=done.reformatted))
    click.echo(i18n.text("rec_next", lang))


COMMANDS = [record]
