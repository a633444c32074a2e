"""`compliance opinion FILE -o 审查意见.docx`: a draft legality-review opinion in Word."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from .. import formats
from .common import as_of_option, lang_option, parse_as_of, profile_option, rulebook, rules_option


@click.command()
@click.argument("file", type=click.Path(path_type=Path))
@click.option("-o", "--output", required=True, type=click.Path(path_type=Path), metavar="FILE.docx",
              help="The Word document to write (replaced atomically if it exists).")
@lang_option
@as_of_option
@profile_option
@click.option("--template", type=click.Path(path_type=Path), metavar="FILE.docx",
              help="Your own Word template (letterhead); variables in docs/word-documents.md.")
@rules_option
def opinion(file, output, lang, as_of, profile, template, rules_dir) -> None:
    """Draft a legality-review opinion (合法性审查意见) for one record, from the findings `check` reports.

    The conclusion follows the findings: a blocking violation → 存在违法风险、不宜提交; any other
    violation or a not-evaluable rule → 补正后方可提交; otherwise 程序合法. Exit 0 when written,
    2 on input errors.
    """
    from ..evaluate import Evaluator
    from ..formats.docx_template import check_output
    from ..opinion import build_opinion
    from ..records import load_record
    from ..report import Checker
    day = parse_as_of(as_of)
    check_output(output, [file] + ([template] if template else []))
    checker = Checker(Evaluator(rulebook(rules_dir)))
    if profile:
        checker.profile(profile)  # a bad --profile is a usage error, before the record
    loaded = load_record(file)  # an InputError goes to cli.main: one line, exit 2
    report = checker.check_loaded(loaded, day, lang, profile, include_all=True)
    op = build_opinion(report, loaded.record, day, lang)
    formats.write("opinion", "docx", op, formats.Output(sys.stdout, path=output, template=template))
    sep = "：" if lang == "zh" else ": "
    click.echo(f"{output}{sep}{op.conclusion_text}" if lang == "zh" else f"wrote {output}{sep}{op.conclusion_text}")


COMMANDS = [opinion]
