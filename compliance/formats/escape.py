"""Escaping user text for each output kind, in one place: Markdown renderers pass raw HTML
through, so a waiver reason `<img onerror=…>` must arrive in meeting papers as text."""
from __future__ import annotations

import re

from ..terminal import safe

_MD_SPECIAL = re.compile(r"([\\`*_\[\]#|~])")
_BREAKS = re.compile(r"\s*\n\s*")


def markdown(value, breaks: str = " ") -> str:
    """Text safe inside Markdown (and inside a table cell): HTML and Markdown syntax escaped;
    line breaks become `breaks` (a space, or `<br>` where a cell keeps its lines)."""
    text = "" if value is None else safe(str(value))      # no terminal escapes either
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _BREAKS.sub(breaks, _MD_SPECIAL.sub(r"\\\1", text).strip())
