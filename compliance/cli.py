"""The `compliance` command: registers the commands and turns errors into exit codes."""
from __future__ import annotations

import importlib
import os
import pkgutil
import sys
import traceback

import click

from . import __version__, commands
from .errors import InputError, one_line


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="compliance")
@click.option("--debug", is_flag=True, help="Show tracebacks of internal errors.")
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    """Check the procedure behind house-expropriation decisions and major decisions."""
    ctx.ensure_object(dict)["debug"] = debug    # main() reads it from the same object


for _info in sorted(pkgutil.iter_modules(commands.__path__), key=lambda m: m.name):
    for _command in getattr(importlib.import_module(f"{commands.__name__}.{_info.name}"), "COMMANDS", ()):
        cli.add_command(_command)


def main() -> None:
    """Run a command; every failure ends as one line on stderr and an exit code (the contract):
    2 usage or input errors, 3 internal errors (with --debug: the traceback), 130 Ctrl-C."""
    state: dict = {}      # the group stores the parsed --debug here (one source for it)
    try:
        cli.main(standalone_mode=False, obj=state)
    except click.exceptions.Exit as e:
        sys.exit(e.exit_code)
    except click.ClickException as e:
        e.show()
        sys.exit(2)
    except (click.exceptions.Abort, KeyboardInterrupt):
        # Reports are written whole or not at all (atomic files; text printed at the end),
        # so an interrupted batch leaves nothing half-written.
        click.echo("interrupted", err=True)
        sys.exit(130)
    except InputError as e:
        click.echo(f"error: {e}", err=True)
        sys.exit(2)
    except SystemExit:
        raise
    except BrokenPipeError:
        _silence_stdout()       # `compliance ... | head`: the reader left; not an error
        sys.exit(0)
    except Exception as e:  # noqa: BLE001 - the contract: one line, a hint, exit 3
        if state.get("debug"):
            traceback.print_exc()
        elif isinstance(e, UnicodeEncodeError) and getattr(e, "encoding", None):
            click.echo(f"internal error: the output cannot be written in this terminal's encoding ({e.encoding}); "
                       "use a UTF-8 locale or set PYTHONIOENCODING=utf-8 (rerun with --debug for details)", err=True)
        else:
            click.echo(f"internal error: {one_line(f'{type(e).__name__}: {e}', 300)} "
                       "(rerun with --debug for details)", err=True)
        sys.exit(3)


def _silence_stdout() -> None:
    """After a broken pipe, point stdout at /dev/null so the exit flush does not fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass
