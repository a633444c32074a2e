import datetime as dt
from pathlib import Path

import pytest

from compliance.evaluate import Evaluator
from compliance.report import Checker
from compliance.rulebook import load_rulebook

ROOT = Path(__file__).resolve().parent.parent
CASES = ROOT / "cases"
AS_OF = dt.date(2026, 1, 1)


@pytest.fixture(scope="session")
def rulebook():
    return load_rulebook()


@pytest.fixture(scope="session")
def evaluator(rulebook):
    return Evaluator(rulebook)


@pytest.fixture(scope="session")
def checker(evaluator):
    return Checker(evaluator)


@pytest.fixture(scope="session", autouse=True)
def _calendar_dir(tmp_path_factory):
    """No test reads or writes the user's real imported holiday calendars."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("COMPLIANCE_CALENDAR_DIR", str(tmp_path_factory.mktemp("calendars")))
        yield


@pytest.fixture(scope="session", autouse=True)
def _cache_dir(tmp_path_factory):
    """No test reads or writes the user's real cache of loaded rules."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("COMPLIANCE_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
        yield


def english(error) -> str:
    """An input error as `--lang en` shows it (tests match its English wording)."""
    return "\n".join(error.lines("en"))
