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


def shown(value: object) -> str:
    """A user's value as an error message quotes it: repr, shortened in the middle."""
    text = repr(value)
    return text if len(text) <= 40 else text[:18] + "…" + text[-18:]


def _text(message: object, lang: str) -> str:
    """A message in the language asked for: a (zh, en) pair picks one, text passes through."""
    if isinstance(message, tuple):      # (zh, en), as i18n.pick reads it (errors import nothing of ours)
        return message[1] if lang == "en" else message[0]
    return str(message)


def _one(message: object) -> object:
    return tuple(one_line(m) for m in message) if isinstance(message, tuple) else one_line(message)


class InputError(Exception):
    """A record, profile or rule file that cannot be read or validated: every problem found,
    each with its place. A message is text, or a (zh, en) pair chosen when it is shown."""

    def __init__(self, file: str, message: object, location: str | None = None,
                 more: list[tuple[object, str | None]] | None = None):
        self.problems = [(_one(message), one_line(location, 200) if location else None)]
        self.problems += [(_one(m), one_line(loc, 200) if loc else None) for m, loc in (more or [])]
        super().__init__(_text(self.problems[0][0], "zh"))
        self.file = one_line(file, 400)

    @property
    def message(self) -> str:
        return _text(self.problems[0][0], "zh")

    @property
    def location(self) -> str | None:
        return self.problems[0][1]

    def message_pair(self) -> tuple[str, str]:
        """(zh, en) of the first problem."""
        first = self.problems[0][0]
        return (_text(first, "zh"), _text(first, "en"))

    def lines(self, lang: str = "zh") -> list[str]:
        """One line per problem: file:place: message (printed on terminals: no escape sequences
        from file names or values)."""
        from .terminal import safe_line
        return [safe_line(f"{self.file}:{loc}: {_text(m, lang)}" if loc else f"{self.file}: {_text(m, lang)}")
                for m, loc in self.problems]

    def __str__(self) -> str:
        return "\n".join(self.lines())

    def as_dict(self, lang: str = "zh") -> dict:
        """The first problem (the contract's message and location), then every problem."""
        return {"message": _text(self.problems[0][0], lang), "location": self.location,
                "problems": [{"message": _text(m, lang), "location": loc} for m, loc in self.problems]}


class EngineError(Exception):
    """The rule engine did not evaluate a record completely. Never a partial result."""
