"""Errors the user can fix: they name the file, the place and the fix, in one line."""
from __future__ import annotations


class InputError(Exception):
    """A record, profile or rule file that cannot be read or validated."""

    def __init__(self, file: str, message: str, location: str | None = None):
        super().__init__(message)
        self.file = file
        self.message = message
        self.location = location

    def __str__(self) -> str:
        where = f"{self.file}:{self.location}" if self.location else self.file
        return f"{where}: {self.message}"

    def as_dict(self) -> dict:
        return {"message": self.message, "location": self.location}


class EngineError(Exception):
    """The rule engine did not evaluate a record completely. Never a partial result."""
