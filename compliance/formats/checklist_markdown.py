"""The checklist as Markdown, for pasting into meeting materials: a headline, one table per status."""
from __future__ import annotations

from .. import i18n
from ..checklist import DONE, MISSING, PENDING, STATUS_ORDER, Checklist, Item
from ..checklist_headline import headline
from .checklist_text import MARKS, status_name
from .escape import markdown


def _cell(text: str) -> str:
    """One table cell: user text escaped, line breaks kept as <br>."""
    return markdown(text, breaks="<br>") or "—"


def _when(item: Item, lang: str) -> str:
    parts = []
    if item.status == PENDING and item.due:
        parts.append(i18n.text("cl_due", lang).format(date=item.due.isoformat()))
    if item.detail:
        parts.append(item.detail)
    return "\n".join(parts)


def render(cl: Checklist) -> str:
    lang, gate = cl.lang, cl.gate_label()
    zh = lang == "zh"
    out = [f"# {i18n.text('cl_title', lang).format(gate=gate)}", ""]
    h = headline(cl)
    out.append(f"- **{MARKS[DONE if h.ready else MISSING]} {h.verdict}**")
    out.append("- " + h.earliest)
    if h.gate:
        out.append("- " + h.gate + (f"（{i18n.text('cl_too_early', lang)}）" if h.too_early and zh
                                    else f" ({i18n.text('cl_too_early', lang)})" if h.too_early else ""))
    out.append("- " + h.counts)
    out.append(f"- {markdown(cl.record_id)} {markdown(cl.title)}（{i18n.text('as_of', lang).format(date=cl.as_of.isoformat())}）"
               if zh else f"- {markdown(cl.record_id)} {markdown(cl.title)} ({i18n.text('as_of', lang).format(date=cl.as_of.isoformat())})")
    header = (["规则", "事项", "依据", "级别", "日期 / 说明"] if zh
              else ["Rule", "Item", "Basis", "Severity", "Date / detail"])
    for status in STATUS_ORDER:
        items = [i for i in cl.items if i.status == status]
        if not items:
            continue
        out += ["", f"## {MARKS[status]} {status_name(status, lang)}（{len(items)}）" if zh
                else f"## {MARKS[status]} {status_name(status, lang)} ({len(items)})", ""]
        out.append("| " + " | ".join(header) + " |")
        out.append("|" + "---|" * len(header))
        for item in items:
            title = _cell(item.name(lang)) + ("" if item.rule.verified else " \\*")
            row = [_cell(item.rule.id), title, _cell(item.rule.basis(lang)), _cell(i18n.text(item.severity, lang)),
                   _cell(_when(item, lang))]
            out.append("| " + " | ".join(row) + " |")
    if not cl.items:
        out += ["", i18n.text("cl_no_items", lang)]
    if any(not i.rule.verified for i in cl.items):
        out += ["", "\\* " + i18n.text("unverified", lang)]
    return "\n".join(out) + "\n"


def write(cl: Checklist, out) -> None:
    """The format protocol (formats/__init__.py)."""
    out.stream.write(render(cl))
