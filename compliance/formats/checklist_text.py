"""The checklist in the terminal: a headline panel, then the items grouped by status.

The marks are chosen when the console renders, so they fall back to ASCII on a console
whose encoding cannot show them (a legacy Windows console, LANG=C, a cp1252 pipe).
"""
from __future__ import annotations

import re

from rich import box
from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, Group, RenderResult
from rich.measure import Measurement
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from .. import i18n
from ..checklist_headline import headline as headline_words
from ..checklist import DONE, MISSING, PENDING, STATUS_ORDER, WAIVED, Checklist, Item

NOT_EVALUABLE, NOT_APPLICABLE = "not_evaluable", "not_applicable"
MARKS = {DONE: "✓", MISSING: "✗", PENDING: "◷", NOT_EVALUABLE: "?", WAIVED: "⊘", NOT_APPLICABLE: "·"}
ASCII_MARKS = {DONE: "+", MISSING: "x", PENDING: "~", NOT_EVALUABLE: "?", WAIVED: "=", NOT_APPLICABLE: "-"}
STYLE = {DONE: "green", MISSING: "bold red", PENDING: "yellow", NOT_EVALUABLE: "magenta", WAIVED: "cyan",
         NOT_APPLICABLE: "dim"}
STATUS_KEY = {DONE: "cl_done", MISSING: "cl_missing", PENDING: "cl_pending", NOT_EVALUABLE: "not_evaluable",
              WAIVED: "waived", NOT_APPLICABLE: "not_applicable"}


# Line breaking for mixed Chinese and Latin text: rich breaks only at spaces, so a Chinese
# sentence would be cut anywhere, dates and document numbers included. Here a date or a
# number stays whole, and closing punctuation never starts a line (禁则).
_TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9\-._:/%+]*|\s+|.", re.S)
_NO_START = set("，。；：、）」》〕！？,.;:)]%…")
_NO_END = set("（「《〔([")


def _chunks(plain: str) -> list[tuple[int, int]]:
    """Unbreakable pieces of one line: words, dates, single CJK characters with their punctuation."""
    out: list[list[int]] = []
    for m in _TOKEN.finditer(plain):
        text = m.group()
        glue = out and not text.isspace() and not plain[out[-1][1] - 1].isspace() and (
            text[0] in _NO_START or plain[out[-1][1] - 1] in _NO_END)
        if glue:
            out[-1][1] = m.end()
        else:
            out.append([m.start(), m.end()])
    return [(a, b) for a, b in out]


def _line_breaks(plain: str, width: int) -> list[int]:
    breaks, used = [], 0
    for start, end in _chunks(plain):
        w = cell_len(plain[start:end])
        if used and used + w > width:
            breaks.append(start)
            used = 0 if plain[start:end].isspace() else w
        else:
            used += w
    return breaks


class Wrapped:
    """Text that wraps between Chinese characters and at spaces, keeping numbers whole."""

    def __init__(self, text: Text):
        self.text = text

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        lines = self.text.plain.split("\n")
        widest_chunk = max((cell_len(line[a:b]) for line in lines for a, b in _chunks(line)), default=1)
        minimum = min(widest_chunk, options.max_width)
        return Measurement(minimum, max(minimum, *(cell_len(line) for line in lines)))

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        out = []
        for line in self.text.split("\n", allow_blank=True):
            for piece in line.divide(_line_breaks(line.plain, options.max_width)):
                piece.rstrip()
                out.append(piece[len(piece.plain) - len(piece.plain.lstrip()):] if out else piece)
        joined = Text("\n").join(out)
        joined.overflow = "fold"          # a single piece wider than the cell is still cut
        yield joined


def status_name(status: str, lang: str) -> str:
    return i18n.text(STATUS_KEY[status], lang)


def marks_for(options: ConsoleOptions) -> dict[str, str]:
    """Unicode marks where the console can encode them, ASCII otherwise."""
    if options.legacy_windows or options.ascii_only:
        return ASCII_MARKS
    try:
        "".join(MARKS.values()).encode(options.encoding or "ascii")
    except (UnicodeEncodeError, LookupError):
        return ASCII_MARKS
    return MARKS


def headline(cl: Checklist, marks: dict[str, str]) -> Panel:
    lang, gate = cl.lang, cl.gate_label()
    h = headline_words(cl)
    ready = h.ready
    t = Text()
    t.append(f"{marks[DONE if ready else MISSING]} ", style=STYLE[DONE if ready else MISSING])
    t.append(h.verdict, style="bold green" if ready else "bold red")
    t.append("\n")
    t.append(h.earliest, style="bold")
    t.append("  " + i18n.text("as_of", lang).format(date=cl.as_of.isoformat()), style="dim")
    if h.gate:
        t.append("\n" + h.gate)
        if h.too_early:
            t.append(f"（{i18n.text('cl_too_early', lang)}）" if lang == "zh"
                     else f" ({i18n.text('cl_too_early', lang)})", style="bold red")
    t.append("\n")
    t.append(h.counts)
    t.append(f"\n{cl.record_id}  {cl.title}", style="dim")
    title = i18n.text("cl_title", lang).format(gate=gate)
    return Panel(t, title=Text(title, style="bold"), title_align="left", box=box.ROUNDED,
                 border_style="green" if ready else "red")


def _detail(item: Item, lang: str) -> Text:
    t = Text(overflow="fold")
    if item.status == PENDING and item.due:
        t.append(i18n.text("cl_due", lang).format(date=item.due.isoformat()), style="yellow")
        if item.detail:
            t.append("\n")
    t.append(item.detail or "")
    return t


def _title(item: Item, lang: str) -> Text:
    t = Text(item.name(lang), style="bold", overflow="fold")
    if not item.rule.verified:
        t.append(" *", style="yellow")
    t.append(f"\n{item.rule.id}")
    sev_style = "red" if item.status in (MISSING, PENDING) and item.severity != "minor" else "dim"
    t.append(f" {i18n.text(item.severity, lang)}", style=sev_style)
    t.append(f"\n{item.rule.basis(lang)}", style="dim")
    return t


def items_table(cl: Checklist, marks: dict[str, str]) -> Table:
    lang = cl.lang
    table = Table(box=box.SIMPLE_HEAD, expand=True, pad_edge=False, show_edge=False)
    table.add_column("", width=1, no_wrap=True)
    table.add_column(i18n.text("cl_col_item", lang), ratio=1, overflow="fold")
    table.add_column(i18n.text("cl_col_detail", lang), ratio=1, overflow="fold")
    groups = [(s, [i for i in cl.items if i.status == s]) for s in STATUS_ORDER]
    groups = [(s, items) for s, items in groups if items]
    for n, (status, items) in enumerate(groups):
        table.add_row(Text(marks[status], style=STYLE[status]),
                      Text(f"{status_name(status, lang)} ({len(items)})", style=f"bold {STYLE[status]}"), "")
        for k, item in enumerate(items):
            last = k == len(items) - 1 and n < len(groups) - 1
            table.add_row(Text(marks[status], style=STYLE[status]), Wrapped(_title(item, lang)),
                          Wrapped(_detail(item, lang)), end_section=last)
    return table


class ChecklistView:
    """Renders with the marks the console can show."""

    def __init__(self, cl: Checklist):
        self.cl = cl

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        marks = marks_for(options)
        parts = [headline(self.cl, marks)]
        if self.cl.items:
            parts.append(items_table(self.cl, marks))
        else:
            parts.append(Text(i18n.text("cl_no_items", self.cl.lang)))
        if any(not i.rule.verified for i in self.cl.items):
            parts.append(Text("* " + i18n.text("unverified", self.cl.lang), style="dim"))
        for note in self.cl.notes:
            parts.append(Text(f"※ {note}", style="dim"))
        yield Group(*parts)


def renderable(cl: Checklist) -> ChecklistView:
    return ChecklistView(cl)


def write(cl: Checklist, out) -> None:
    """The format protocol (formats/__init__.py): printed through the command's console."""
    out.console().print(renderable(cl))
