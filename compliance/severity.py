"""Severities and exit codes: the one definition every command and format derives from.

A finding's severity is one of SEVERITIES, most serious first. `--fail-on LEVEL` makes a
command exit 1 when a violation at LEVEL or above is reported (`never`: only input errors
fail). Exit codes are the contract's (docs/cli-contract.md).
"""
from __future__ import annotations

from typing import Iterable, Literal

SEVERITIES: tuple[str, ...] = ("blocking", "major", "minor")      # most serious first
Severity = Literal["blocking", "major", "minor"]
FAIL_ON_CHOICES: tuple[str, ...] = (*SEVERITIES, "never")
DEFAULT_FAIL_ON = "major"

EXIT_OK, EXIT_VIOLATIONS, EXIT_INPUT_ERROR, EXIT_INTERNAL_ERROR, EXIT_INTERRUPTED = 0, 1, 2, 3, 130


def rank(severity: str) -> int:
    """Higher is more serious: blocking 3, major 2, minor 1."""
    return len(SEVERITIES) - SEVERITIES.index(severity)


def most_serious(severities: Iterable[str], default: str | None = None) -> str | None:
    return max(severities, key=rank, default=default)


def at_least(severity: str, fail_on: str) -> bool:
    """Whether a violation of this severity fails a run with `--fail-on fail_on`."""
    return fail_on != "never" and rank(severity) >= rank(fail_on)


def exit_code(violated: Iterable[str], fail_on: str, input_errors: bool = False,
              internal_errors: bool = False) -> int:
    """The run's exit code from the severities of its violations and its errors."""
    if internal_errors:
        return EXIT_INTERNAL_ERROR
    if input_errors:
        return EXIT_INPUT_ERROR
    return EXIT_VIOLATIONS if any(at_least(s, fail_on) for s in violated) else EXIT_OK
