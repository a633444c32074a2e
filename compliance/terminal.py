"""Text that reaches a terminal cannot drive it: escape sequences, C1 controls and bidi
overrides in file names or record values are shown as visible escapes (\\x1b, \\u202e).

`safe` keeps line breaks and tabs (a record's note may span lines); `safe_line` also
escapes them, for what must stay on one line (a file name, a one-line error).
"""
from __future__ import annotations

import re

from rich.console import Console
from rich.segment import Segment

# C0 controls but tab and newline, DEL, C1 controls, and the invisible direction marks and
# overrides (LRM/RLM, LRE..RLO, LRI..PDI) that can make a name read backwards.
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_UNSAFE_LINE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]")


def _shown(m: re.Match) -> str:
    c = ord(m.group())
    return f"\\x{c:02x}" if c < 0x100 else f"\\u{c:04x}"


def safe(text: object) -> str:
    return _UNSAFE.sub(_shown, str(text))


def safe_line(text: object) -> str:
    return _UNSAFE_LINE.sub(_shown, str(text))


class SafeConsole(Console):
    """A rich Console that escapes every segment it prints (colours and cursor moves are
    rich's own control segments and stay)."""

    def render(self, renderable, options=None):
        for segment in super().render(renderable, options):
            text = segment.text
            if segment.control or not text or text == "\n" or text.isprintable():
                yield segment
            else:
                yield Segment(safe(text), segment.style, segment.control)
