"""The `compliance` command. Thin: options in, pipeline called, output written."""
from __future__ import annotations

import datetime as dt
import json
import sys
import traceback
from pathlib import Path

import click
from rich.console import Console

from . import __version__, i18n
from .errors import InputError
from .evaluate import Evaluator
from .formats import json_report, text
from .report import Checker, check_files
from .rulebook import Rulebook, load_rulebook

LANGS = click.Choice(["zh", "en"])


def _console(stream=None) -> Console:
    # Colour only on a terminal; a pipe or file gets plain text.
    out = stream or sys.stdout
    return Console(file=out, highlight=False, no_color=not out.isatty())


def _as_of(value: str | None) -> dt.date:
    if not value:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date; write YYYY-MM-DD", param_hint="--as-of") from None


def _rulebook(rules_dir: str | None) -> Rulebook:
    return load_rulebook(Path(rules_dir) if rules_dir else None)


rules_option = click.option("--rules", "rules_dir", metavar="DIR", help="Use the rule files in DIR instead of the bundled ones.")
lang_option = click.option("--lang", type=LANGS, default="zh", show_default=True, help="Output language.")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="compliance")
@click.option("--debug", is_flag=True, help="Show tracebacks of internal errors.")
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    """Check the procedure behind house-expropriation decisions and major decisions."""
    ctx.obj = {"debug": debug}


@cli.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@lang_option
@click.option("--as-of", "as_of", metavar="DATE", help="Judge deadlines as of this day (default: today).")
@click.option("--profile", metavar="NAME-or-FILE", help="Local parameter profile (default: the record's jurisdiction).")
@click.option("--fail-on", type=click.Choice(["blocking", "major", "minor", "never"]), default="major", show_default=True,
              help="Exit 1 when an unwaived violation at or above this severity is found.")
@click.option("--all", "include_all", is_flag=True, help="Also list satisfied and not-applicable rules.")
@rules_option
def check(files, fmt, lang, as_of, profile, fail_on, include_all, rules_dir) -> None:
    """Check decision records and report every finding with its legal basis."""
    day = _as_of(as_of)
    checker = Checker(Evaluator(_rulebook(rules_dir)))
    if profile:
        checker.profile(profile)  # a bad --profile is a usage error, before any record
    report = check_files(checker, list(files), day, lang, profile, include_all)
    if fmt == "json":
        click.echo(json_report.render(report))
    else:
        console = _console()
        for block in text.renderables(report):
            console.print(block)
    sys.exit(report.exit_code(fail_on))


@cli.group()
def rules() -> None:
    """The rule catalog: list, show, test and lint rule files."""


def _rule_row(rule, lang: str) -> dict:
    return {
        "id": rule.id,
        "title": rule.title.get(lang),
        "severity": rule.severity,
        "basis": rule.basis(lang),
        "source": rule.source.doc or rule.source.name,
        "effective_from": rule.effective.from_.isoformat(),
        "effective_to": rule.effective.to.isoformat() if rule.effective.to else None,
        "verified": rule.verified,
        "applies_to": rule.applies_to,
        "check": "informational" if not rule.checks else "checked",
    }


@rules.command("list")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@lang_option
@rules_option
def rules_list(fmt, lang, rules_dir) -> None:
    """List every rule with its basis."""
    book = _rulebook(rules_dir)
    rows = [_rule_row(r, lang) for r in book.rules]
    if fmt == "json":
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    from rich.table import Table
    table = Table(box=None, pad_edge=False)
    for col in ("id", "severity", "title", "basis"):
        table.add_column(col)
    for row in rows:
        mark = "" if row["verified"] else " *"
        table.add_row(row["id"], i18n.text(row["severity"], lang), row["title"] + mark, row["basis"])
    console = _console()
    console.print(table)
    console.print(f"{len(rows)} rules; * = " + i18n.text("unverified", lang))


@rules.command("show")
@click.argument("rule_id")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@lang_option
@rules_option
def rules_show(rule_id, fmt, lang, rules_dir) -> None:
    """One rule: its basis, what it checks, message and remedy."""
    book = _rulebook(rules_dir)
    rule = book.by_id().get(rule_id)
    if rule is None:
        from .models import suggest
        raise InputError("rules show", f"no rule {rule_id!r}{suggest(rule_id, book.by_id())}")
    if fmt == "json":
        click.echo(json.dumps(rule.model_dump(mode="json", by_alias=True), ensure_ascii=False, indent=2))
        return
    console = _console()
    console.print(f"[bold]{rule.id}[/bold]  {rule.title.get(lang)}")
    console.print(f"{rule.label} · {i18n.text(rule.severity, lang)} · {rule.basis(lang)}"
                  + ("" if rule.verified else f"  ({i18n.text('unverified', lang)})"))
    if rule.verification_note:
        console.print(f"※ {rule.verification_note}")
    console.print(f"applies to: {', '.join(rule.applies_to)}; in force from {rule.effective.from_}"
                  + (f" to {rule.effective.to}" if rule.effective.to else ""))
    if rule.when:
        conds = "; ".join(f"{c.field} {c.op} {c.ref}" for c in rule.when_conditions)
        console.print(("适用条件：" if lang == "zh" else "applies when: ") + conds)
    for i, chk in enumerate(rule.checks):
        only = f" [{', '.join(chk.only_for)}]" if chk.only_for else ""
        console.print(f"{i + 1}. {i18n.describe_check(chk, rule.applies_to[0], lang)}{only}")
    console.print(f"message: {rule.message.get(lang)}")
    console.print(f"remedy: {rule.remedy.get(lang)}")
    if rule.note:
        console.print(f"note: {rule.note}")


@rules.command("test")
@click.argument("rule_ids", nargs=-1)
@rules_option
def rules_test(rule_ids, rules_dir) -> None:
    """Run the rules' own examples through the engine."""
    from .ruletests import run_rule_tests
    book = _rulebook(rules_dir)
    outcomes = run_rule_tests(book, only=list(rule_ids) or None)
    failed = [o for o in outcomes if not o.passed]
    for o in failed:
        click.echo(f"FAIL {o.rule}: {o.test}: expected {o.expected}, got {o.actual}")
    click.echo(f"{len(outcomes) - len(failed)} passed, {len(failed)} failed")
    sys.exit(1 if failed else 0)


@rules.command("lint")
@click.argument("directory", required=False, type=click.Path(path_type=Path))
def rules_lint(directory) -> None:
    """Validate a rules directory (ids, citations, kinds, fields, tests)."""
    book = load_rulebook(directory)
    problems = []
    for rule in book.rules:
        expects = {t.expect for t in rule.tests}
        if not {"violated", "satisfied"} <= expects:
            problems.append(f"{rule.id}: needs a test that violates and one that satisfies it")
    for p in problems:
        click.echo(p)
    click.echo(f"{len(book.rules)} rules, {len(problems)} problems")
    sys.exit(1 if problems else 0)


@cli.command()
def schema() -> None:
    """Print the JSON Schema of the decision-record format."""
    from .schema import record_schema
    click.echo(json.dumps(record_schema(), ensure_ascii=False, indent=2))


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
