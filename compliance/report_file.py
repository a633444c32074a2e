"""Reading a JSON report this tool wrote (`compliance-report/1`) back: for --baseline and
for `report merge`. Anything else is an input error naming the file and the fix."""
from __future__ import annotations

import json
from pathlib import Path

from .errors import InputError

FORMAT = "compliance-report/1"
MAX_BYTES = 2 * 1024**3


def read_report(path: Path, what: str) -> dict:
    """The report as data; `what` names the option or argument in the fix."""
    name = str(path)
    try:
        if path.stat().st_size > MAX_BYTES:
            raise InputError(name, f"over {MAX_BYTES // 1024**3} GB; not read as a {what}")
        with open(path, encoding="utf-8-sig") as fh:
            data = json.load(fh)
    except FileNotFoundError:
        raise InputError(name, f"no such file; give the JSON report of an earlier audit as {what}") from None
    except IsADirectoryError:
        raise InputError(name, f"a directory, not a report; give the JSON report of an earlier audit as {what}") from None
    except OSError as e:
        raise InputError(name, f"cannot be read ({e.strerror}); check its permissions") from None
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise InputError(name, f"not a JSON report of compliance; write one with `compliance audit ... --format json "
                               f"-o FILE` and give that as {what}") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        found = data.get("format") if isinstance(data, dict) else None
        raise InputError(name, f"not a compliance report (format {found!r}, expected {FORMAT!r}); write one with "
                               f"`compliance audit ... --format json -o FILE` and give that as {what}")
    records = data.get("records")
    if not isinstance(records, list) or not all(isinstance(r, dict) and isinstance(r.get("findings"), list)
                                                for r in records):
        raise InputError(name, "the report's `records` are damaged (each needs `findings`); write the report again",
                         "records")
    return data
