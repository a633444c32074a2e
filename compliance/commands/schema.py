"""`compliance schema`: the JSON Schema of the decision-record format."""
from __future__ import annotations

import json

import click


@click.command()
def schema() -> None:
    """Print the JSON Schema of the decision-record format."""
    from ..schema import record_schema
    click.echo(json.dumps(record_schema(), ensure_ascii=False, indent=2))


COMMANDS = [schema]
