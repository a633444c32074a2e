"""The legality-review opinion as a Word document, from the bundled or the user's template."""
from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import Any

from ..opinion import Opinion
from .docx_template import render_docx

TEMPLATE = "opinion.docx"


def context(op: Opinion) -> dict[str, Any]:
    """The template variables (docs/word-documents.md): the opinion's fields as plain values."""
    ctx = asdict(op)
    sep = "：" if op.lang == "zh" else ": "
    ctx["as_of"] = op.as_of.isoformat()
    ctx["h"] = op.headings
    ctx["matter"] = [{**asdict(line), "text": f"{line.label}{sep}{line.value}"} for line in op.matter]
    ctx["unverified_rules"] = [{"rule": line.label, "basis": line.value} for line in op.unverified_rules]
    if not op.bases:  # the bundled template prints one line per basis
        ctx["bases"] = [{"instrument": "", "articles": [], "unverified": False, "text": op.headings["no_bases"]}]
    if not op.materials:
        ctx["materials"] = [{"label": "", "when": "", "doc": "", "planned": False,
                             "text": op.headings["no_materials"]}]
    return ctx


def write(op: Opinion, out) -> None:
    """The format protocol (formats/__init__.py): a Word file of its own, at out.path."""
    write_file(op, out.path, out.template)


def write_file(op: Opinion, output: Path, template: Path | None = None) -> None:
    render_docx(template, TEMPLATE, context(op), output)
