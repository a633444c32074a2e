"""Add a step to a record file without hand-editing it.

The file is rewritten, never patched in place: the new text (YAML through ruamel.yaml's
round trip, so comments, key order, flow style and quoting stay as the user wrote them;
JSON with its key order) goes to a temporary file in the same directory, is validated as
a record, and only then replaces the original with os.replace, after the previous
version was kept as FILE.bak. An interrupted or refused write leaves the original as it was.
"""
from __future__ import annotations

import copy
import difflib
import glob
import datetime as dt
import io
import json
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError
from ruamel.yaml.scalarstring import DoubleQuotedScalarString

from . import vocabulary as voc
from .atomic import output_target, temp_file, unlink_quietly
from .dates import DateError, RecordDate, parse_date
from .errors import InputError
from .lifecycle import signals_raise
from .locking import locked
from .records import load_record

# Indentation styles tried until one reproduces the file exactly: (mapping, sequence, offset).
_INDENTS = [(2, 4, 2), (2, 2, 0)] + [(m, o + d, o) for m in (2, 4, 3) for o in (0, 2, 4) for d in (2, 4, 3)]


@dataclass
class Recorded:
    path: Path
    backup: Path
    kind: str                 # the kind's name
    written_kind: str         # as written into the file
    when: str                 # the date (or start) as written
    scope: str                # the record type, or 'household'
    household: str | None = None
    reformatted: int = 0      # lines of the rest of the file a YAML round trip could not keep as they were


def backup_path(path: Path) -> Path:
    """The previous version is kept next to the file, as FILE.bak (one generation)."""
    return path.with_name(path.name + ".bak")


def resolve_kind(scope: str, written: str, file: str) -> str:
    try:
        return voc.resolve_kind(scope, written)
    except voc.KindError as e:
        raise InputError(file, str(e)) from None


def parse_field(text: str, file: str) -> tuple[str, Any]:
    """`key=value`; the value is read as YAML, so numbers, true/false, dates and [a, b] lists work."""
    key, sep, raw = text.partition("=")
    key = key.strip()
    if not sep or not re.fullmatch(r"[a-z_]+", key):
        raise InputError(file, f"--field {text!r}: write key=value, e.g. --field conclusion=lawful")
    try:
        value = YAML(typ="safe", pure=True).load(raw) if raw.strip() else None
    except YAMLError:
        value = raw
    return key, value


def _date_value(text: str, what: str, file: str) -> Any:
    """A date as the file will hold it: a day unquoted (a YAML date), a month as text."""
    try:
        day = parse_date(text)
    except DateError as e:
        raise InputError(file, f"{what}: {e}") from None
    return day.first if day.is_day else str(day)


def new_step(scope: str, kind: str, kind_written: str, date: str | None, doc: str | None, by: str | None,
             fields: list[tuple[str, Any]], file: str) -> dict[str, Any]:
    """The new step as a mapping: kind, date, the other fields, doc, by (the usual order)."""
    known = voc.KINDS_BY_TYPE[scope][kind].all_fields
    step: dict[str, Any] = {"kind": kind_written}
    if date:
        step["date"] = _date_value(date, "--date", file)
    for key, value in fields:
        if key == "kind" or (key in ("date", "doc", "by") and {"date": date, "doc": doc, "by": by}[key]):
            raise InputError(file, f"--field {key}=...: give the {key} once (use --{key} for it)")
        if key in step:
            raise InputError(file, f"--field {key} given twice")
        if known.get(key) == voc.DATE and isinstance(value, (str, dt.date)):
            value = _date_value(str(value), f"--field {key}", file)   # written as ISO, like --date
        step[key] = value
    if doc:
        step["doc"] = doc
    if by:
        step["by"] = by
    if not any(k in step for k in ("date", "start")):
        raise InputError(file, "give the step's --date (or --field start=DATE for a period)")
    return step


# ----------------------------------------------------------------- text codecs
@dataclass
class _Text:
    text: str
    encoding: str
    newline: str


def _read(path: Path) -> _Text:
    raw = path.read_bytes()
    for encoding in ("utf-8-sig" if raw.startswith(b"\xef\xbb\xbf") else "utf-8", "gb18030"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # load_record already refused such a file
        raise InputError(str(path), "cannot decode the file; save it as UTF-8")
    if "\r\n" in text:
        newline = "\r\n"
    elif "\r" in text and "\n" not in text:
        newline = "\r"                # old Mac files: kept so
    else:
        newline = "\n"
    return _Text(text.replace("\r\n", "\n").replace("\r", "\n"), encoding, newline)


def _encode(t: _Text, text: str) -> bytes:
    return text.replace("\n", t.newline).encode(t.encoding)


# ----------------------------------------------------------------- YAML and JSON edits
def _yaml(indent: tuple[int, int, int]) -> YAML:
    y = YAML()                     # round trip: comments, key order, flow style
    y.preserve_quotes = True
    y.width = 4096                 # never re-wrap the user's long lines
    y.allow_unicode = True
    y.indent(mapping=indent[0], sequence=indent[1], offset=indent[2])
    return y


def _dump(y: YAML, data: Any) -> str:
    out = io.StringIO()
    y.dump(data, out)
    return out.getvalue()


def _fitting_yaml(text: str) -> tuple[YAML, int]:
    """The indentation under which an unchanged round trip gives the file back byte for byte,
    or the closest one, with the number of lines it would change."""
    best, best_diff = None, None
    for indent in dict.fromkeys(_INDENTS):
        y = _yaml(indent)
        dumped = _dump(y, y.load(text))
        if dumped == text:
            return y, 0
        a, b = dumped.splitlines(), text.splitlines()
        diff = sum(1 for x, z in zip(a, b) if x != z) + abs(len(a) - len(b))
        if best_diff is None or diff < best_diff:
            best, best_diff = y, diff
    return best, best_diff


def _split_comment(token) -> tuple[str, str]:
    """A comment token after a value: (its end-of-line part, the full lines that follow)."""
    i = token.value.find("\n")
    return (token.value, "") if i < 0 else (token.value[: i + 1], token.value[i + 1:])


def _take_trailing(steps: CommentedSeq) -> Any:
    """Detach the comment lines that follow the last step (they belong after the list),
    leaving that step's own end-of-line comment where it is."""
    last = len(steps) - 1
    if last < 0:
        return None
    holders = [(steps.ca.items.get(last), 0)]
    if isinstance(steps[last], CommentedMap) and len(steps[last]):
        holders.append((steps[last].ca.items.get(list(steps[last].keys())[-1]), 2))
    for slot, pos in holders:
        if slot and slot[pos] is not None:
            eol, rest = _split_comment(slot[pos])
            if not rest:
                continue
            moved = copy.copy(slot[pos])
            moved.value = "\n" + rest
            if eol.strip():
                slot[pos].value = eol
            else:
                slot[pos] = None
            return moved
    return None


def _put_trailing(steps: CommentedSeq, token: Any) -> None:
    new = steps[-1]
    if new.fa.flow_style():
        steps.ca.items[len(steps) - 1] = [token, None, None, None]
    else:
        new.ca.items[list(new.keys())[-1]] = [None, None, token, None]


RECTIFICATIONS = "rectifications"   # the register `add_rectification` appends to


def _target_steps(data: Any, household: str | None, file: str) -> list:
    """The list a new item goes to: the record's steps, a household's steps, or (household
    RECTIFICATIONS) the rectification register, created when the record has none yet."""
    if not isinstance(data, dict):
        raise InputError(file, "a decision record must be a mapping of fields")
    if household == RECTIFICATIONS:
        if data.get(RECTIFICATIONS) is None:
            data[RECTIFICATIONS] = CommentedSeq() if isinstance(data, CommentedMap) else []
        if not isinstance(data[RECTIFICATIONS], list):
            raise InputError(file, "`rectifications` is not a list; add the entry by hand")
        return data[RECTIFICATIONS]
    if household is None:
        steps = data.get("steps")
        where = "steps"
    else:
        entries = [e for e in data.get("household_entries") or [] if isinstance(e, dict) and str(e.get("id")) == household]
        if not entries:
            raise InputError(file, f"no household entry with id {household!r}")
        steps = entries[0].get("steps")
        where = f"household {household} steps"
    if not isinstance(steps, list):
        raise InputError(file, f"`{where}` is not a list; add the step by hand")
    return steps


_TRAILING = re.compile(r"[ \t]+$", re.M)


def _yaml_text(t: _Text, step: dict[str, Any], household: str | None, file: str) -> tuple[str, int]:
    text = t.text
    try:
        y, _ = _fitting_yaml(text)
    except YAMLError:
        # ruamel (YAML 1.2) refuses what the checker's reader accepts, such as a tab after
        # a value: edit the file without trailing blanks (reported as reformatted lines)
        text = _TRAILING.sub("", text)
        try:
            y, _ = _fitting_yaml(text)
        except YAMLError as e:
            mark = getattr(e, "problem_mark", None)
            where = f"{mark.line + 1}:{mark.column + 1}" if mark else None
            raise InputError(file, f"cannot edit this file automatically ({getattr(e, 'problem', None) or e}); "
                             "add the step by hand", where) from None
    data = y.load(text)
    steps = _target_steps(data, household, file)
    new = CommentedMap(step)
    maps = [s for s in steps if isinstance(s, CommentedMap)]
    if maps and sum(m.fa.flow_style() for m in maps) * 2 >= len(maps):
        new.fa.set_flow_style()    # like the others: one line per step
    for key, value in step.items():
        if isinstance(value, list):
            seq = CommentedSeq([_kept_text(v) for v in value])
            seq.fa.set_flow_style()    # [a, b], as users write lists
            new[key] = seq
        else:
            new[key] = _kept_text(value)
    trailing = _take_trailing(steps) if isinstance(steps, CommentedSeq) and not steps.fa.flow_style() else None
    steps.append(new)
    if trailing is not None:
        _put_trailing(steps, trailing)
    return _dump(y, data), 0


_RESOLVER = yaml.resolver.Resolver()
_STR_TAG = "tag:yaml.org,2002:str"


def _kept_text(value: Any) -> Any:
    """Text that the reader (YAML 1.1) would take for something else — 10:30 (a base-60
    number), yes, on, 1e3, 2025-04-25 for a document number — is written quoted."""
    if isinstance(value, str) and _RESOLVER.resolve(yaml.ScalarNode, value, (True, False)) != _STR_TAG:
        return DoubleQuotedScalarString(value)
    return value


def _json_default(value: Any) -> Any:
    if isinstance(value, (dt.date, RecordDate)):
        return value.isoformat() if isinstance(value, dt.date) else str(value)
    raise TypeError(f"cannot write {type(value).__name__} to JSON")


def _json_text(t: _Text, step: dict[str, Any], household: str | None, file: str) -> str:
    data = json.loads(t.text)                  # dicts keep the file's key order
    _target_steps(data, household, file).append(step)
    # Write it the way it was written: indented or compact, non-ASCII escaped or not.
    body = t.text.strip()
    ascii_only = body.isascii() and "\\u" in body
    if "\n" in body:
        m = re.search(r"\n([ \t]+)\S", t.text)
        indent, separators = (m.group(1) if m else 2), None
    else:
        indent, separators = None, ((", ", ": ") if re.search(r'":\s', body) else (",", ":"))
    return json.dumps(data, ensure_ascii=ascii_only, indent=indent, separators=separators,
                      default=_json_default) + ("\n" if t.text.endswith("\n") else "")


# ----------------------------------------------------------------- atomic write
def _write_temp(path: Path, given: Path, data: bytes, mode: int) -> Path:
    """A temporary file next to `path` (same file system, same suffix), flushed to disk."""
    fd, name = temp_file(path, given, suffix=f"{TEMP_MARK}{path.suffix}")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(name, mode)
    except BaseException:
        unlink_quietly(name)
        raise
    return Path(name)


TEMP_MARK = ".tmp"


def _remove_stale_temps(path: Path) -> None:
    """Temporary files of an earlier run that was killed (kill -9 cannot be caught): with
    the lock held, no other run is writing one."""
    for p in path.parent.glob(f".{glob.escape(path.name)}.*{TEMP_MARK}.*"):
        unlink_quietly(p)


def _sync_dir(directory: Path) -> None:
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return  # not possible everywhere (Windows); the replace itself is still atomic
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


_COMMA = re.compile(r",([\r\n]*)$")    # the comma JSON adds after the last old item


def only_inserted(old: bytes, new: bytes) -> bool:
    """The new text is the old one with one piece inserted (a one-line JSON file too)."""
    n = min(len(old), len(new))
    p = next((i for i in range(n) if old[i] != new[i]), n)
    q = next((i for i in range(n - p) if old[-1 - i] != new[-1 - i]), n - p)
    return p + q >= len(old)


def changed_lines(old: bytes, new: bytes, encoding: str) -> int:
    """Lines of the original that the rewrite did not keep byte for byte (line endings,
    escapes, layout): the user is told, since only a step was meant to be added."""
    if only_inserted(old, new):
        return 0
    a = [_COMMA.sub(r"\1", x) for x in old.decode(encoding, "replace").splitlines(keepends=True)]
    b = [_COMMA.sub(r"\1", x) for x in new.decode(encoding, "replace").splitlines(keepends=True)]
    kept = sum(block.size for block in difflib.SequenceMatcher(None, a, b, autojunk=False).get_matching_blocks())
    return len(a) - kept


def _step_count(record, household: str | None) -> int:
    if household == RECTIFICATIONS:
        return len(record.rectifications)
    if household is None:
        return len(record.steps)
    return sum(len(e.steps) for e in record.household_entries if e.id == household)


def add_step(path: Path, kind: str, date: str | None = None, doc: str | None = None, by: str | None = None,
             fields: list[str] | tuple[str, ...] = (), household: str | None = None) -> Recorded:
    """Append a step to the record in `path`; the file is replaced only by a valid record.
    The file is locked from the read to the replace, so concurrent runs each add their step."""
    given = Path(path)
    if not given.exists() and not given.is_symlink():
        raise InputError(str(given), "no such file; check the path")
    target = output_target(given, "record")
    if target.stream or not target.exists:
        raise InputError(str(given), "not a regular file; `record` edits a record file")
    real = target.real
    backup = output_target(backup_path(real), "backup")
    if backup.stream:
        raise InputError(str(backup.given), "the backup is not a regular file; remove it or rename it")
    with signals_raise(), locked(real):
        _remove_stale_temps(real)
        return _add_step_locked(real, given, kind, date, doc, by, fields, household)


def _add_step_locked(path: Path, given: Path, kind: str, date: str | None, doc: str | None, by: str | None,
                     fields, household: str | None) -> Recorded:
    file = str(given)
    loaded = load_record(path)                 # never edit a file that is not a valid record now
    record = loaded.record
    scope = "household" if household is not None else record.type
    if household is not None and record.type != "expropriation_decision":
        raise InputError(file, "--household is for the household entries of an expropriation_decision record")
    name = resolve_kind(scope, kind, file)
    step = new_step(scope, name, kind.strip(), date, doc, by, [parse_field(f, file) for f in fields], file)
    reformatted = _append_locked(path, given, record, step, household, file)
    when = step.get("date", step.get("start"))
    shown = backup_path(given if not given.is_symlink() else path)
    return Recorded(given, shown, name, kind.strip(),
                    str(when.isoformat() if isinstance(when, dt.date) else when), scope, household, reformatted)


def _append_locked(path: Path, given: Path, record, item: dict[str, Any], household: str | None, file: str) -> int:
    """Write the file with one more item in its list, atomically, keeping FILE.bak; the file
    is replaced only by a valid record holding exactly one more item. The changed-line count."""
    old_bytes = path.read_bytes()
    original = _read(path)
    if path.suffix.lower() == ".json":
        text = _json_text(original, item, household, file)
    else:
        text, _ = _yaml_text(original, item, household, file)
    new_bytes = _encode(original, text)
    reformatted = changed_lines(old_bytes, new_bytes, original.encoding)
    mode = stat.S_IMODE(path.stat().st_mode)
    tmp = _write_temp(path, given, new_bytes, mode)
    try:
        try:
            written = load_record(tmp).record
        except InputError as e:
            place = re.search(r"\((.*)\)", e.location or "")   # the path; the line is the temp file's
            where = f" ({place.group(1)})" if place else ""
            zh, en = e.message_pair()
            raise InputError(file, (f"未记录：加入此步骤后记录将无效{where}：{zh}；文件未改动",
                                    f"not recorded: with this step the record would be invalid{where}: {en}; "
                                    "the file was left unchanged")) from None
        if _step_count(written, household) != _step_count(record, household) + 1:
            raise InputError(file, "not recorded: the rewritten file did not hold exactly one more step; "
                             "the file was left unchanged; add the step by hand")
        backup = backup_path(path)
        bak_tmp = _write_temp(backup, backup, old_bytes, mode)
        try:
            os.replace(bak_tmp, backup)
        except BaseException:
            unlink_quietly(bak_tmp)
            raise
        os.replace(tmp, path)
    except OSError as e:
        raise InputError(file, f"not recorded: could not write the file ({e.strerror or e}); "
                         "the file was left unchanged") from None
    finally:
        unlink_quietly(tmp)                    # gone already when the replace succeeded
    _sync_dir(path.parent)
    return reformatted


def add_rectification(path: Path, rule: str, measure: str, responsible: str | None = None, due: str | None = None,
                      household: str | None = None, done: str | None = None, doc: str | None = None) -> Recorded:
    """Append an entry to the record's rectification register (整改), the same way a step is
    added: locked, atomic, FILE.bak kept, refused if the record would be invalid."""
    given = Path(path)
    if not given.exists() and not given.is_symlink():
        raise InputError(str(given), "no such file; check the path")
    target = output_target(given, "record")
    if target.stream or not target.exists:
        raise InputError(str(given), "not a regular file; `rectify` edits a record file")
    real = target.real
    file = str(given)
    entry: dict[str, Any] = {"rule": rule.strip(), "measure": measure}
    for key, value in (("responsible", responsible), ("due", due), ("household", household), ("done", done),
                       ("doc", doc)):
        if value is not None:
            entry[key] = _date_value(value, f"--{key}", file) if key in ("due", "done") else value
    with signals_raise(), locked(real):
        _remove_stale_temps(real)
        record = load_record(real).record
        reformatted = _append_locked(real, given, record, entry, RECTIFICATIONS, file)
    shown = backup_path(given if not given.is_symlink() else real)
    return Recorded(given, shown, RECTIFICATIONS, rule.strip(), str(entry.get("due", "")), record.type, household,
                    reformatted)
