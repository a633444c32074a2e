"""Errors the user can fix: they name the file, the place and the fix, in one line."""
from __future__ import annotations

import re

MAX_MESSAGE_CHARS = 600   # a message quoting a huge value stays one readable line
_SPACE = re.compile(r"\s+")


def one_line(text: object, limit: int = MAX_MESSAGE_CHARS) -> str:
    """Collapse whitespace (YAML and JSON errors span lines) and cut an over-long middle."""
    text = _SPACE.sub(" ", str(text)).strip()
    if len(text) > limit:
        keep = (limit - 1) // 2
        text = text[:keep] + "…" + text[-keep:]
    return text


class InputError(Exception):
    """A record, profile or rule file that cannot be read or validated."""

    def __init__(self, file: str, message: str, location: str | None = None):
        message = one_line(message)
        location = one_line(location, 200) if location else None
        super().__init__(message)
        self.file = one_line(file, 400)
        self.message = message
        self.location = location

    def __str__(self) -> str:
        from .terminal import safe_line    # printed on terminals: no escape sequences from file names
        where = f"{self.file}:{self.location}" if self.location else self.file
        return safe_line(f"{where}: {self.message}")

    def as_dict(self) -> dict:
        return {"message": self.message, "location": self.location}


class EngineError(Exception):
    """The rule engine did not evaluate a record completely. Never a partial result."""
