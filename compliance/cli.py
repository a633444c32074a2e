"""The `compliance` command: registers the commands and turns errors into exit codes."""
from __future__ import annotations

import importlib
import pkgutil
import sys
import traceback

import click

from . import __version__, commands
from .errors import InputError


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="compliance")
@click.option("--debug", is_flag=True, help="Show tracebacks of internal errors.")
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    """Check the procedure behind house-expropriation decisions and major decisions."""
    ctx.obj = {"debug": debug}


for _info in sorted(pkgutil.iter_modules(commands.__path__), key=lambda m: m.name):
    for _command in getattr(importlib.import_module(f"{commands.__name__}.{_info.name}"), "COMMANDS", ()):
        cli.add_command(_command)


def main() -> None:
    debug = "--debug" in sys.argv
    try:
        cli.main(standalone_mode=False)
    except click.exceptions.Exit as e:
        sys.exit(e.exit_code)
    except click.ClickException as e:
        e.show()
        sys.exit(2)
    except click.exceptions.Abort:
        click.echo("interrupted", err=True)
        sys.exit(130)
    except InputError as e:
        click.echo(f"error: {e}", err=True)
        sys.exit(2)
    except KeyboardInterrupt:
        click.echo("interrupted", err=True)
        sys.exit(130)
    except SystemExit:
        raise
    except BrokenPipeError:
        sys.exit(0)
    except Exception as e:  # noqa: BLE001 - the contract: one line, a hint, exit 3
        if debug:
            traceback.print_exc()
        else:
            click.echo(f"internal error: {type(e).__name__}: {e} (rerun with --debug for details)", err=True)
        sys.exit(3)
