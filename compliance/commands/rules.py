"""`compliance rules list|show|test|lint`: the rule catalog."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from ..errors import InputError
from .common import console, lang_option, rulebook, rules_option


@click.group()
def rules() -> None:
    """The rule catalog: list, show, test and lint rule files."""


def _rule_row(rule, lang: str) -> dict:
    return {
        "id": rule.id,
        "title": rule.title.get(lang),
        "severity": rule.severity,
        "basis": rule.basis(lang),
        "source": rule.source.doc or rule.source.name,
        "effective_from": rule.effective.start_text(),
        "effective_to": rule.effective.to.isoformat() if rule.effective.to else None,
        "verified": rule.verified,
        "applies_to": rule.applies_to,
        "check": "informational" if rule.informational else "checked",
        **({"reason": rule.informational_text(lang)} if rule.informational else {}),
    }


@rules.command("list")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@lang_option
@rules_option
def rules_list(fmt, lang, rules_dir) -> None:
    """List every rule with its basis."""
    from .. import i18n
    book = rulebook(rules_dir)
    rows = [_rule_row(r, lang) for r in book.rules]
    if fmt == "json":
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    from rich.table import Table
    table = Table(box=None, pad_edge=False)
    for key in ("col_rule", "col_severity", "col_title", "col_basis"):
        table.add_column(i18n.text(key, lang), no_wrap=key == "col_rule", overflow="fold")
    for row in rows:
        mark = "" if row["verified"] else " *"
        table.add_row(row["id"], i18n.text(row["severity"], lang), row["title"] + mark, row["basis"])
    out = console()
    out.print(table)
    out.print(i18n.text("rules_count", lang).format(n=len(rows)) + "；* " + i18n.text("unverified", lang)
              if lang == "zh" else f"{len(rows)} rules; * = " + i18n.text("unverified", lang))


@rules.command("show")
@click.argument("rule_id")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@lang_option
@rules_option
def rules_show(rule_id, fmt, lang, rules_dir) -> None:
    """One rule: its basis, what it checks, message and remedy."""
    from .. import i18n
    book = rulebook(rules_dir)
    by_upper = {r.id.upper(): r for r in book.rules}
    rule = by_upper.get(rule_id.strip().upper())      # ids are written in capitals; accept any case
    if rule is None:
        from ..models import suggest
        raise InputError("rules show", f"no rule {rule_id!r}{suggest(rule_id, book.by_id())}")
    if fmt == "json":
        click.echo(json.dumps(rule.model_dump(mode="json", by_alias=True), ensure_ascii=False, indent=2))
        return
    out = console()
    out.print(f"[bold]{rule.id}[/bold]  {rule.title.get(lang)}")
    out.print(f"{rule.label} · {i18n.text(rule.severity, lang)} · {rule.basis(lang)}"
                  + ("" if rule.verified else f"  ({i18n.text('unverified', lang)})"))
    if rule.verification_note:
        out.print(f"※ {rule.verification_text(lang)}")
    types = ("、" if lang == "zh" else ", ").join(i18n.record_type(t, lang) for t in rule.applies_to)
    start = (i18n.text("start_date_unknown", lang) if not rule.effective.start_known
             else rule.effective.start_text())
    out.print(i18n.text("rule_applies", lang).format(types=types, start=start)
              + (i18n.text("rule_until", lang).format(end=rule.effective.to) if rule.effective.to else ""))
    if rule.when:
        conds = ("，" if lang == "zh" else "; ").join(i18n.condition_words(c, "record", rule.applies_to[0], lang)
                                                    for c in rule.when_conditions)
        out.print(("适用条件：" if lang == "zh" else "applies when: ") + conds)
    for i, chk in enumerate(rule.checks):
        only = f" [{', '.join(chk.only_for)}]" if chk.only_for else ""
        out.print(f"{i + 1}．{i18n.describe_check(chk, rule.applies_to[0], lang)}{only}" if lang == "zh"
                  else f"{i + 1}. {i18n.describe_check(chk, rule.applies_to[0], lang)}{only}")
    if rule.informational:
        out.print(i18n.text("rule_informational", lang) + rule.informational_text(lang))
    out.print(i18n.text("rule_message", lang) + rule.message.get(lang))
    out.print(i18n.text("rule_remedy", lang) + rule.remedy.get(lang))
    if rule.note:
        out.print(f"{i18n.text('rule_note', lang)}{rule.note_text(lang)}")


@rules.command("test")
@click.argument("rule_ids", nargs=-1)
@rules_option
def rules_test(rule_ids, rules_dir) -> None:
    """Run the rules' own examples through the engine."""
    from ..ruletests import run_rule_tests
    book = rulebook(rules_dir)
    outcomes = run_rule_tests(book, only=list(rule_ids) or None)
    failed = [o for o in outcomes if not o.passed]
    for o in failed:
        click.echo(f"FAIL {o.rule}: {o.test}: expected {o.expected}, got {o.actual}")
    click.echo(f"{len(outcomes) - len(failed)} passed, {len(failed)} failed")
    sys.exit(1 if failed else 0)


@rules.command("review")
@rules_option
def rules_review(rules_dir) -> None:
    """The legal advisor's sign-off sheet (Markdown): readings, start dates, unverified rules,
    each rule's interpretation note. docs/legal-review.md is this output."""
    from ..legal_review import render
    click.echo(render(rulebook(rules_dir)), nl=False)


@rules.command("lint")
@click.argument("directory", required=False, type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def rules_lint(directory, fmt) -> None:
    """Validate a rules directory (default: the bundled rules): every problem with its file and
    line — YAML, ids, citations, kinds, fields, operators, effective dates, tests. Exit 1 if any."""
    from ..lint import lint_directory
    from ..rulebook import bundled_rules_dir
    report = lint_directory(directory if directory is not None else bundled_rules_dir())
    if fmt == "json":
        click.echo(json.dumps({"directory": report.directory, "files": report.files, "rules": report.rules,
                               "problems": [{"file": p.file, "line": p.line or None, "column": p.column or None,
                                             "path": p.path or None, "message": p.message}
                                            for p in report.problems]}, ensure_ascii=False, indent=2))
    else:
        for problem in report.problems:
            click.echo(str(problem))
        click.echo(f"{report.files} rule files, {report.rules} rules, {len(report.problems)} problems")
    sys.exit(1 if report.problems else 0)


COMMANDS = [rules]
