"""`compliance rectify FILE RULE --measure ...`: add an entry to a record's rectification
register (整改) without hand-editing the file."""
from __future__ import annotations

from pathlib import Path

import click

from ..terminal import safe_line
from .common import lang_option, rulebook


@click.command()
@click.argument("file", type=click.Path(path_type=Path))
@click.argument("rule")
@click.option("--measure", required=True, metavar="TEXT", help="The measure taken or planned (整改措施).")
@click.option("--responsible", metavar="WHO", help="The person or unit responsible (责任人).")
@click.option("--due", metavar="DATE", help="The due date (整改期限), e.g. 2026-03-31 or 2026年3月31日.")
@click.option("--household", metavar="ID", help="Only this household's finding of the rule.")
@click.option("--done", metavar="DATE", help="When it was done (完成日期).")
@click.option("--doc", metavar="N", help="The document showing it done (完成文件).")
@lang_option
def rectify(file, rule, measure, responsible, due, household, done, doc, lang) -> None:
    """Add a rectification entry for RULE to the record in FILE.

    The file is rewritten atomically and locked while it is, keeping its comments; the
    previous version is kept as FILE.bak. An entry that would make the record invalid is
    refused (exit 2) and the file is left unchanged. `check` and `audit` then report the
    finding as 整改中 until the due date, 逾期未整改 after it.
    """
    from .. import i18n
    from ..errors import InputError
    from ..models import suggest
    from ..record_edit import add_rectification
    known = {r.id for r in rulebook(None).rules}
    if rule.strip() not in known:        # like a waiver, an entry must name a rule that exists
        raise InputError(str(file), f"no rule {rule!r}{suggest(rule.strip().upper(), known)}; see `compliance rules list`")
    result = add_rectification(file, rule, measure, responsible, due, household, done, doc)
    click.echo(i18n.text("rect_added", lang).format(rule=result.written_kind, file=safe_line(result.path)))
    click.echo(i18n.text("rec_backup", lang).format(backup=safe_line(result.backup)))
    if result.reformatted:
        click.echo(i18n.text("rec_reformatted", lang).format(n=result.reformatted))


COMMANDS = [rectify]
