"""Output formats, one protocol: a format module has

    write(subject, out: Output) -> None

`subject` is what the command built (a check Report, a Checklist); `out` says where it goes: a
text stream, a console for the terminal formats (rich), and for a format that writes a file
of its own (Word) the path, the template and the record. Commands pick a format by name from
FORMATS and never branch on it. The batch audit streams one record at a time through the same
kind of stream (audit_base.AuditWriter: begin, record, end). Escaping is per output kind, in
one place each: escape.py (Markdown), terminal.py (terminals), Jinja autoescape (HTML).
"""
from __future__ import annotations

import importlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, TextIO

# (what is written, format name) -> module in this package
FORMATS: dict[str, dict[str, str]] = {
    "check": {"text": "text", "json": "json_report"},
    "checklist": {"text": "checklist_text", "json": "checklist_json", "markdown": "checklist_markdown",
                  "docx": "checklist_docx"},
    "opinion": {"docx": "opinion_docx"},
}


@dataclass
class Output:
    stream: TextIO
    console: Callable[[], Any] | None = None    # a rich Console for the terminal formats
    path: Path | None = None                     # a file the format writes itself (Word)
    template: Path | None = None
    record: Any = None                           # the record, for a format that quotes it whole


def names(kind: str) -> tuple[str, ...]:
    return tuple(FORMATS[kind])


def write(kind: str, name: str, subject: Any, out: Output) -> None:
    """Write `subject` in format `name`; the format's module is imported only now."""
    module = importlib.import_module(f".{FORMATS[kind][name]}", __name__)
    module.write(subject, out)
