"""`compliance template FILE` and `compliance export PATH... FILE`: Excel ledgers (台账).

template: an empty ledger with the documented layout, drop-down lists, date checks and an
instructions sheet. export: decision records → a ledger, saying what a ledger cannot hold.
"""
from __future__ import annotations

import sys
from pathlib import Path

import click

from ..atomic import output_target, same_file
from ..errors import InputError
from ..terminal import safe_line
from ..vocabulary import RECORD_TYPES  # the ledger's sheets (ledger.TYPE_SHEETS), without openpyxl


def _target(path: Path, force: bool) -> None:
    if path.suffix.lower() != ".xlsx":
        raise click.BadParameter(f"{path}: a ledger is an .xlsx file", param_hint="FILE")
    if path.exists() and not force:
        raise click.BadParameter(f"{path} exists; pass --force to replace it", param_hint="FILE")
    if not path.parent.is_dir():
        raise click.BadParameter(f"directory {path.parent} does not exist", param_hint="FILE")


_TYPES = click.Choice(list(dict(RECORD_TYPES)))
_NOT_EXPORTED = {"ledger": "a ledger is already a ledger; give record files or directories",
                 "empty": "no .yaml, .yml or .json record files in this directory",
                 "missing": "no such file or directory", "special": "not a regular file"}


@click.command()
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--type", "types", type=_TYPES, multiple=True,
              help="Only the sheet of this record type (repeatable; default: all three).")
@click.option("--force", is_flag=True, help="Replace FILE if it exists.")
def template(file, types, force) -> None:
    """Write an empty ledger (台账) with headers, drop-down lists and an instructions sheet."""
    from ..ledger import TYPE_SHEETS, LedgerWriter
    _target(file, force)
    LedgerWriter(tuple(types) or tuple(TYPE_SHEETS)).save(file)
    click.echo(safe_line(file), err=True)


@click.command()
@click.argument("sources", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--force", is_flag=True, help="Replace FILE if it exists.")
def export(sources, file, force) -> None:
    """Turn decision records (files or directories) into a ledger (台账) FILE."""
    from .. import audit as batch
    from ..ledger import LedgerWriter
    from ..records import load_record
    _target(file, force)
    inputs = batch.discover(sources)
    for candidate in list(sources) + [p for _, p in inputs.sources]:
        if same_file(file, candidate):
            raise InputError(str(file), f"the ledger would overwrite the input {candidate}; write it to another file")
    if file.exists():
        output_target(file, "ledger")    # read-only, hard links: refused before any work
    writer = None                        # made at the first record: an unsaved workbook complains at exit
    written = failed = 0
    seen: dict[str, str] = {}
    for kind, path in inputs.sources:
        if kind != "file":
            click.echo(f"error: {safe_line(path)}: {_NOT_EXPORTED[kind]}", err=True)
            failed += 1
            continue
        try:
            loaded = load_record(path)
        except InputError as e:
            click.echo(f"error: {e}", err=True)
            failed += 1
            continue
        record = loaded.record
        writer = writer or LedgerWriter()
        lost = writer.add(record)
        if lost:
            click.echo(f"error: {safe_line(path)}: record {safe_line(record.id)}: a ledger cell cannot hold {'; '.join(lost)} "
                       "(Excel's limit is 32,767 characters); the record was not exported: keep it as a YAML file",
                       err=True)
            failed += 1
            continue
        if record.id in seen:
            click.echo(safe_line(f"warning: {path}: id {record.id} also in {seen[record.id]}"), err=True)
        seen.setdefault(record.id, str(path))
        written += 1
    if not written:
        if writer is not None:
            writer.discard()
        raise InputError(str(file), "nothing to export (no record could be read); the ledger was not written"
                         + (" and the existing file was left unchanged" if file.exists() else ""))
    writer.save(file)
    click.echo(f"{safe_line(file)}: {written} record(s)" + (f", {failed} input(s) not exported" if failed else ""), err=True)
    sys.exit(2 if failed else 0)


COMMANDS = [template, export]
