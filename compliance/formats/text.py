"""Terminal output with rich: per record a header, a findings table, remedies, a summary.

Returns renderables; the CLI owns the console (width, colour, TTY detection).
"""
from __future__ import annotations

from rich import box
from rich.console import Group, RenderableType
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from .. import i18n, vocabulary
from ..findings import Finding
from ..report import RecordReport, Report
from ..terminal import safe_line

STATUS_STYLE = {"fail": "bold red", "incomplete": "bold yellow", "pass": "bold green", "error": "bold magenta"}
RESULT_STYLE = {"violated": "red", "not_evaluable": "yellow", "waived": "cyan", "satisfied": "green",
                "not_applicable": "dim"}
SEVERITY_STYLE = {"blocking": "bold red", "major": "red", "minor": "yellow"}


def _header(r: RecordReport, lang: str) -> Text:
    t = Text()
    t.append(f"{r.id or '?'}", style="bold")
    t.append(f"  [{i18n.text(r.status, lang)}]", style=STATUS_STYLE[r.status])
    t.append(f"\n{safe_line(r.file)}", style="dim")
    if r.title:
        t.append(f"\n{r.title}")
    if r.type:
        t.append(f"  ({i18n.record_type(r.type, lang)}")
        t.append(f", {r.profile})" if r.profile else ")")
    return t


def _dates(f: Finding, record_type: str, lang: str) -> str:
    """Each date under the name of what it dates (a whole word, never cut mid-name)."""
    lines = []
    for d in f.dates[:4]:
        label = i18n.step_label(d.step, record_type, lang)
        if lang == "zh":
            label = label if len(label) <= 8 else label[:7] + "…"
            field = "" if d.field == "date" else vocabulary.FIELD_WORDS.get(d.field, d.field)
            lines.append(f"{label}{field}\n{d.date}")
        else:
            lines.append(f"{label}{'' if d.field == 'date' else ' ' + d.field}\n{d.date}")
    if len(f.dates) > 4:
        lines.append("…")
    return "\n".join(lines)


def _table(r: RecordReport, lang: str) -> Table:
    table = Table(box=box.SIMPLE_HEAD, show_lines=False, expand=True, pad_edge=False)
    table.add_column(i18n.text("col_severity", lang), no_wrap=True, width=5 if lang == "zh" else 8)
    table.add_column(i18n.text("col_rule", lang), no_wrap=True)     # a rule id is never cut
    table.add_column(i18n.text("col_title", lang) + " / " + i18n.text("col_basis", lang), ratio=5, overflow="fold")
    table.add_column(i18n.text("col_dates", lang), ratio=3, overflow="fold")
    for f in r.findings:
        title = Text(f.title(lang))
        title.append(f"\n{i18n.text(f.result, lang)}", style=RESULT_STYLE[f.result])
        title.append(f"\n{f.rule.basis(lang)}", style="dim")
        if not f.rule.verified:
            title.append(" *", style="yellow")
        table.add_row(Text(i18n.text(f.severity, lang), style=SEVERITY_STYLE[f.severity]),
                      f.rule.id, title, _dates(f, r.type or "", lang))
    return table


def _rectification_line(entry: dict, lang: str) -> str:
    """整改：measure（责任人 …，整改期限 …）— state: the office's own register entry."""
    from .. import tracking_i18n as t
    parts = [f"{t.text(key, lang)} {entry[field]}" for field, key in
             (("responsible", "col_responsible"), ("due", "col_due"), ("done", "col_done"), ("doc", "col_done_doc"))
             if entry.get(field)]
    sep = "，" if lang == "zh" else ", "
    state = t.text(f"rect_{entry.get('state')}", lang) if entry.get("state") else ""
    head = f"{t.text('col_measure', lang)}：{entry.get('measure', '')}" if lang == "zh" else \
        f"{t.text('col_measure', lang)}: {entry.get('measure', '')}"
    return f"◆{head}" + (f"（{sep.join(parts)}）" if parts and lang == "zh" else f" ({sep.join(parts)})" if parts else "") + \
        (f" — {state}" if state else "")


def _details(r: RecordReport, lang: str) -> Group:
    parts: list[RenderableType] = [Text(i18n.text("remedies", lang), style="bold")]
    for f in r.findings:
        if not (f.to_be_done or f.waiver):
            continue                # a rule that holds needs no remedy
        head = Text(f"• {f.rule.id} ", style="bold")
        head.append(f"{i18n.text(f.result, lang)} · {i18n.text(f.severity, lang)}", style=RESULT_STYLE[f.result])
        body = Text(f.message, overflow="fold")
        if f.to_be_done:
            body.append(f"\n→{f.remediation}")
        if f.explanation:
            for line in f.explanation:
                body.append("\n" + line, style="italic")
        else:
            for period in f.periods:
                body.append("\n⏱ " + i18n.period_line(period, lang, r.type or ""), style="dim")
        for note in f.notes:
            body.append(f"\n※{note}", style="dim")
        if f.rectification:
            body.append("\n" + _rectification_line(f.rectification, lang), style="cyan")
        if f.waiver:
            body.append(f"\n※ {f.waiver.get('reason')} ({f.waiver.get('approved_by') or ''})", style="cyan")
        parts += [head, Padding(body, (0, 0, 0, 2))]
    return Group(*parts)


def record_block(r: RecordReport, lang: str) -> RenderableType:
    parts: list[RenderableType] = [_header(r, lang)]
    if r.error:
        # one line, never wrapped: it names file, place and fix, and scripts grep it
        parts.append(Text("\n".join(r.error.lines(lang)), style="magenta", no_wrap=True, overflow="ignore"))
        return Group(*parts, Text(""))
    if r.findings:
        parts.append(_table(r, lang))
        if any(f.to_be_done or f.waiver for f in r.findings):
            parts.append(_details(r, lang))
        parts.append(Text(""))
    else:
        parts.append(Text(i18n.text("no_findings", lang), style="green"))
    for note in r.notes:
        parts.append(Text(f"※ {note}", style="dim"))
    parts.append(Text(i18n.text("record_summary", lang).format(
        violated=r.count("violated"), blocking=r.count("violated", "blocking"),
        not_evaluable=r.count("not_evaluable"), waived=r.count("waived")), style="bold"))
    parts.append(Text(""))
    return Group(*parts)


def renderables(report: Report) -> list[RenderableType]:
    blocks = [record_block(r, report.lang) for r in report.records]
    summary = Text(i18n.text("summary", report.lang).format(**report.summary()))
    summary.append("  " + i18n.text("as_of", report.lang).format(date=report.as_of.isoformat()), style="dim")
    return blocks + [summary]


def write(report: Report, out) -> None:
    """The format protocol (formats/__init__.py): printed through the command's console."""
    console = out.console()
    for block in renderables(report):
        console.print(block, crop=False)
