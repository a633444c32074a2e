"""Reading record, profile and rule files: bytes → text → YAML/JSON data, with clear errors.

Every way a file can be wrong ends here as one `InputError` naming the file, the place and
the fix; nothing a hostile file holds can cost unbounded time or memory first:

- only regular files are read, and never more than the size limit (5 MB by default;
  `COMPLIANCE_MAX_BYTES`, e.g. `20MB`);
- UTF-8 (with or without a BOM) and UTF-16 with a BOM are read as such; a file that is not
  UTF-8 is read as GBK/GB18030 only when the result is plainly Chinese text, and the
  reader is told so; anything else is an encoding error;
- YAML is first walked as a stream of events (constant memory) counting values, with
  aliases counted each time they are used, and nesting depth, so alias bombs and deep
  nesting are refused before a node tree is built (`COMPLIANCE_MAX_NODES`, default
  500,000 values; depth 64);
- duplicate keys are errors in YAML and JSON alike; NaN and Infinity are not numbers;
- the data is then checked value by value: mapping keys are text, text has no control
  characters or broken Unicode and is at most 65,536 characters long, numbers are finite
  and at most 10^15 in size, and only plain data types occur (no `!!binary`, `!!set`).
"""
from __future__ import annotations

import json
import math
import os
import re
import stat
from pathlib import Path
from typing import Any

import yaml

from .errors import InputError, shown

try:  # the C loader is several times faster; fall back when PyYAML was built without it
    _BaseLoader = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on the PyYAML build
    _BaseLoader = yaml.SafeLoader

DEFAULT_MAX_BYTES = 5 * 1024 * 1024
DEFAULT_MAX_NODES = 500_000
MAX_DEPTH = 64                       # a record nests about 8 levels, a rule file about 10
MAX_TEXT_CHARS = 65_536              # one text value (a note, a document number, a title)
MAX_NUMBER = 10 ** 15                # the facts layer's numeric range (amounts in yuan fit)

_MERGE_TAG = "tag:yaml.org,2002:merge"
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")
_SIZE = re.compile(r"^\s*(\d+)\s*(k|kb|kib|m|mb|mib|g|gb|gib)?\s*$", re.I)
_UNITS = {"k": 1 << 10, "m": 1 << 20, "g": 1 << 30}


# ----------------------------------------------------------------- limits
def env_limit(name: str, default: int, what: str) -> int:
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return default
    m = _SIZE.match(raw.replace("_", ""))
    if not m or int(m.group(1)) <= 0:
        raise InputError(name, f"environment variable {name}={raw!r} is not {what}; fix it or unset it")
    unit = (m.group(2) or "").lower()[:1]
    return int(m.group(1)) * _UNITS.get(unit, 1)


def max_bytes() -> int:
    """The size limit for one input file: COMPLIANCE_MAX_BYTES (e.g. 20MB, 512k), default 5 MB."""
    return env_limit("COMPLIANCE_MAX_BYTES", DEFAULT_MAX_BYTES, "a size such as 5MB, 512k or 5242880")


def max_nodes() -> int:
    """How many values one document may hold, aliases counted each time: COMPLIANCE_MAX_NODES."""
    return env_limit("COMPLIANCE_MAX_NODES", DEFAULT_MAX_NODES, "a count such as 500000")


def _human(n: int) -> str:
    return f"{n / (1 << 20):.1f} MB" if n >= 1 << 20 else f"{n:,} bytes"


human_size = _human


# ----------------------------------------------------------------- YAML
class _UniqueKeyLoader(_BaseLoader):
    """Safe loader that rejects duplicate keys (a typo'd copy must not silently win)."""

    def construct_mapping(self, node, deep=False):
        if not isinstance(node, yaml.MappingNode):
            return super().construct_mapping(node, deep=deep)
        seen: dict = {}
        for key_node, _ in node.value:
            if key_node.tag == _MERGE_TAG:
                continue  # `<<: *base` merges; keys written here override the merged ones
            key = self.construct_object(key_node, deep=True)
            try:
                hash(key)
            except TypeError:
                raise yaml.constructor.ConstructorError(
                    None, None, "a key must be a word such as `date`, not a list or a mapping",
                    key_node.start_mark) from None
            if key in seen and type(key) is type(seen[key][0]):
                raise yaml.constructor.ConstructorError(
                    None, None, f"duplicate key {key!r} (first at line {seen[key][1] + 1}); keep one",
                    key_node.start_mark)
            seen[key] = (key, key_node.start_mark.line)
        return super().construct_mapping(node, deep=deep)

    def construct_yaml_timestamp(self, node):
        # Dates stay text here: compliance.dates reads every spelling the same way
        # and explains impossible dates such as 2025-02-30.
        return self.construct_scalar(node)


_UniqueKeyLoader.add_constructor("tag:yaml.org,2002:timestamp", _UniqueKeyLoader.construct_yaml_timestamp)


def _at(mark) -> str | None:
    return f"{mark.line + 1}:{mark.column + 1}" if mark is not None else None


def _position(text: str, index: int) -> str:
    index = max(0, min(index, len(text)))
    line = text.count("\n", 0, index) + 1
    return f"{line}:{index - (text.rfind(chr(10), 0, index) + 1) + 1}"


def _yaml_hint(problem: str) -> str:
    p = problem.lower()
    if "tab" in p:
        return "indent with spaces, not tabs"
    if "nesting depth" in p:
        return "the data is nested too deeply; flatten it"
    if "mapping values are not allowed" in p:
        return "quote a value that contains ': ', or fix the indentation"
    if "duplicate key" in p or "; keep one" in p:
        return ""
    if "undefined alias" in p:
        return "define the anchor (&name) before using *name, or write the value out"
    if "another document" in p:
        return "one document per file: remove the second `---` or split the file"
    if "could not determine a constructor" in p:
        return "remove the `!` tag; write plain text, numbers, lists and mappings"
    if "unhashable" in p or "not a list or a mapping" in p:
        return ""
    return "check the quotes, brackets and indentation here"


def _yaml_error(name: str, text: str, e: yaml.YAMLError) -> InputError:
    if isinstance(e, yaml.reader.ReaderError):
        char = e.character if isinstance(e.character, str) else chr(e.character) if isinstance(e.character, int) else "?"
        return InputError(name, f"invalid character U+{ord(char):04X} ({e.reason}); remove it or save the file as UTF-8",
                          _position(text, e.position))
    if isinstance(e, yaml.MarkedYAMLError):
        mark = e.problem_mark or e.context_mark
        problem = e.problem or e.context or "invalid YAML"
        hint = _yaml_hint(problem)
        return InputError(name, f"invalid YAML: {problem}" + (f"; {hint}" if hint else ""), _at(mark))
    return InputError(name, f"invalid YAML: {e}")


def _precheck_yaml(name: str, text: str, limit: int) -> None:
    """Walk the YAML event stream (constant memory): refuse more than one document, nesting
    deeper than MAX_DEPTH, recursive aliases and more than `limit` values once every alias is
    expanded, before any node tree or data is built."""
    loader = _BaseLoader(text)
    # One pass over every event: dispatch on the exact event class (the C parser makes no
    # subclasses), the common scalar first.
    scalar, alias = yaml.ScalarEvent, yaml.AliasEvent
    opening = (yaml.SequenceStartEvent, yaml.MappingStartEvent)
    closing = (yaml.SequenceEndEvent, yaml.MappingEndEvent)
    next_event, has_event = loader.get_event, loader.check_event
    try:
        sizes: dict[str, int] = {}      # anchor -> expanded size of the finished node
        stack: list[list] = []          # open collections: [anchor, expanded size so far]
        total, documents = 0, 0
        while has_event():
            event = next_event()
            kind = type(event)
            if kind is scalar:
                total += 1
                if event.anchor is not None:
                    sizes[event.anchor] = 1
                if stack:
                    stack[-1][1] += 1
            elif kind in opening:
                stack.append([event.anchor, 1])
                total += 1
                if len(stack) > MAX_DEPTH:
                    raise InputError(name, f"the data is nested more than {MAX_DEPTH} levels deep; "
                                     "flatten it (a record needs fewer than 10)", _at(event.start_mark))
            elif kind in closing:
                anchor, size = stack.pop()
                if anchor is not None:
                    sizes[anchor] = size
                if stack:
                    stack[-1][1] += size
                continue
            elif kind is alias:
                if any(open_anchor == event.anchor for open_anchor, _ in stack):
                    raise InputError(name, f"the alias *{event.anchor} refers to the value that contains it; "
                                     "write the value out", _at(event.start_mark))
                if event.anchor not in sizes:
                    raise InputError(name, f"invalid YAML: undefined alias *{event.anchor}; "
                                     "define the anchor (&name) before using *name", _at(event.start_mark))
                size = sizes[event.anchor]
                total += size
                if stack:
                    stack[-1][1] += size
            elif kind is yaml.DocumentStartEvent:
                documents += 1
                if documents > 1:
                    raise InputError(name, "the file holds more than one YAML document (a second `---`); "
                                     "one document per file: remove it or split the file", _at(event.start_mark))
                continue
            else:
                continue
            if total > limit:
                raise InputError(name, f"the document holds more than {limit:,} values (an alias *name counts "
                                 "each time it is used); split it, write repeated values out, or raise "
                                 "COMPLIANCE_MAX_NODES", _at(event.start_mark))
    finally:
        loader.dispose()


def _parse_yaml(name: str, text: str) -> Any:
    try:
        _precheck_yaml(name, text, max_nodes())
        loader = _UniqueKeyLoader(text)
        try:
            return loader.get_single_data()
        finally:
            loader.dispose()
    except yaml.YAMLError as e:
        raise _yaml_error(name, text, e) from None
    except RecursionError:
        raise InputError(name, f"the data is nested too deeply (over {MAX_DEPTH} levels); flatten it") from None
    except ValueError as e:  # a number too long to convert (Python's 4,300-digit limit), a bad base-60 value
        raise InputError(name, _number_problem(e)) from None


def _number_problem(e: ValueError) -> str:
    digits = re.search(r"value has (\d+) digits", str(e))
    if digits:
        return f"a number with {int(digits.group(1)):,} digits cannot be read; check for a typo (quote it if it is text)"
    if "is not a number a file can hold" in str(e):
        return str(e)
    return f"a value cannot be read as a number ({e}); quote it if it is text"


# ----------------------------------------------------------------- JSON
class _DuplicateKey(Exception):
    def __init__(self, key: str):
        self.key = key


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict:
    out: dict = {}
    for key, value in pairs:
        if key in out:
            raise _DuplicateKey(key)
        out[key] = value
    return out


def _reject_constant(value: str):
    raise ValueError(f"{value} is not a number a file can hold; write a number or leave the field out")


def _parse_json(name: str, text: str) -> Any:
    try:
        return json.loads(text, object_pairs_hook=_no_duplicates, parse_constant=_reject_constant)
    except json.JSONDecodeError as e:
        raise InputError(name, f"invalid JSON: {e.msg}; check the quotes, commas and brackets here",
                         f"{e.lineno}:{e.colno}") from None
    except _DuplicateKey as e:
        raise InputError(name, f"duplicate key {e.key!r} in one object; keep one",
                         _find(text, duplicate=True)) from None
    except RecursionError:
        raise InputError(name, f"the data is nested too deeply (over {MAX_DEPTH} levels); flatten it") from None
    except ValueError as e:  # NaN/Infinity, a number with thousands of digits
        raise InputError(name, "invalid JSON: " + _number_problem(e)) from None


# ----------------------------------------------------------------- values
def field_path(keys: list) -> str:
    """['steps', 4, 'date'] -> 'steps[4].date' (how errors name a place)."""
    out = ""
    for key in keys:
        out += f"[{key}]" if isinstance(key, int) else (f".{key}" if out else str(key))
    return out


def _type_name(value: Any) -> str:
    return {bytes: "binary data (!!binary)", set: "a set (!!set)", tuple: "a pair list (!!omap/!!pairs)"}.get(
        type(value), type(value).__name__)


def _text_problem(value: str) -> str | None:
    if len(value) > MAX_TEXT_CHARS:
        return (f"text of {len(value):,} characters is over the {MAX_TEXT_CHARS:,}-character limit for one "
                "value; shorten it (keep long texts in a separate document and cite it)")
    m = _CONTROL.search(value)
    if m:
        return f"text contains the control character U+{ord(m.group()):04X}; remove it"
    m = _SURROGATE.search(value)
    if m:
        return f"text contains a broken Unicode character (U+{ord(m.group()):04X}); retype it"
    return None


def check_values(data: Any, limit: int | None = None) -> tuple[list, str] | None:
    """The first value a record, rule or profile may not hold: (path, problem), or None.

    Iterative (a deep document cannot exhaust the stack) and bounded by `limit` visits."""
    limit = limit or max_nodes()
    todo: list[tuple[Any, list, int]] = [(data, [], 0)]
    seen = 0
    while todo:
        value, keys, depth = todo.pop()
        seen += 1
        if seen > limit:
            return keys, (f"the document holds more than {limit:,} values; split it or raise COMPLIANCE_MAX_NODES")
        if depth > MAX_DEPTH:
            return keys, f"the data is nested more than {MAX_DEPTH} levels deep; flatten it (a record needs fewer than 10)"
        if value is None or isinstance(value, bool):
            continue
        if isinstance(value, str):
            problem = _text_problem(value)
            if problem:
                return keys, problem
        elif isinstance(value, int):
            if abs(value) > MAX_NUMBER:
                return keys, f"the number {shown(value)} is larger than 10^15; check for a typo"
        elif isinstance(value, float):
            if not math.isfinite(value):
                return keys, f"{value} is not a number a file can hold; write a number or leave the field out"
            if abs(value) > MAX_NUMBER:
                return keys, f"the number {value:g} is larger than 10^15; check for a typo"
        elif isinstance(value, dict):
            for key, item in reversed(list(value.items())):
                if not isinstance(key, str):
                    return keys, (f"the key {shown(key)} is not a field name; field names are words such as "
                                  "`date` (quote keys such as `yes`, `on`, `1`)")
                problem = _text_problem(key)
                if problem:
                    return keys, "a key: " + problem
                todo.append((item, keys + [key], depth + 1))
        elif isinstance(value, list):
            for i in range(len(value) - 1, -1, -1):
                todo.append((value[i], keys + [i], depth + 1))
        else:
            return keys, f"{_type_name(value)} is not allowed here; write plain text, numbers, lists and mappings"
    return None


# ----------------------------------------------------------------- files
def read_text(path: Path, expected: str = "a .yaml or .json file") -> tuple[str, list[str]]:
    """Decode a file; returns the text and notes about how it was decoded."""
    return decode(str(path), read_bytes(path, expected))


def read_bytes(path: Path, expected: str = "a .yaml or .json file") -> bytes:
    """A regular file's bytes, never more than the size limit; `expected` names what to give
    instead in the error (a .yaml or .json file, a .docx notice)."""
    name = str(path)
    limit = max_bytes()
    try:
        info = path.stat()
    except (OSError, ValueError) as e:
        raise _unreadable(name, e, expected) from None
    if stat.S_ISDIR(info.st_mode):
        raise InputError(name, f"is a directory, not a file; give {expected}")
    if not stat.S_ISREG(info.st_mode):
        raise InputError(name, f"is not a regular file (a device, pipe or socket); give {expected}")
    if info.st_size > limit:
        raise InputError(name, f"the file is {_human(info.st_size)}, over the {_human(limit)} limit; "
                         "split it, or set COMPLIANCE_MAX_BYTES (e.g. COMPLIANCE_MAX_BYTES=20MB) to raise the limit")
    try:
        with path.open("rb") as f:
            raw = f.read(limit + 1)  # never more than the limit, whatever the size said
    except OSError as e:
        raise _unreadable(name, e, expected) from None
    if len(raw) > limit:
        raise InputError(name, f"the file is over the {_human(limit)} limit; split it, or set COMPLIANCE_MAX_BYTES "
                         "to raise the limit")
    return raw


def _unreadable(name: str, e: Exception, expected: str) -> InputError:
    """One wording for a file the system would not stat or open, whichever step failed."""
    if isinstance(e, FileNotFoundError):
        return InputError(name, "no such file; check the path")
    if isinstance(e, PermissionError):
        return InputError(name, "cannot read the file (permission denied); check its permissions")
    if isinstance(e, IsADirectoryError):
        return InputError(name, f"is a directory, not a file; give {expected}")
    reason = getattr(e, "strerror", None) or str(e) or type(e).__name__
    return InputError(name, f"cannot read the file ({reason}); check the path")


_BOMS = [(b"\xef\xbb\xbf", "utf-8", None),
         (b"\xff\xfe\x00\x00", "utf-32-le", "UTF-32"), (b"\x00\x00\xfe\xff", "utf-32-be", "UTF-32"),
         (b"\xff\xfe", "utf-16-le", "UTF-16"), (b"\xfe\xff", "utf-16-be", "UTF-16")]


def decode(name: str, raw: bytes) -> tuple[str, list[str]]:
    """Bytes → text, or an InputError saying how to save the file."""
    for bom, codec, label in _BOMS:
        if raw.startswith(bom):
            try:
                text = raw[len(bom):].decode(codec)
            except UnicodeDecodeError as e:
                raise InputError(name, f"the file starts with a {label or 'UTF-8'} byte-order mark but is not "
                                 f"{label or 'UTF-8'} (byte {e.start + len(bom)}); save it as UTF-8") from None
            _not_empty(name, text)
            return text, ([f"the file is {label}; it was read as such. Save it as UTF-8 to be sure"] if label else [])
    if not raw.strip():
        _not_empty(name, "")
    if b"\x00" in raw:
        raise InputError(name, "this is a binary file, not YAML or JSON text (it contains NUL bytes)")
    try:
        return raw.decode("utf-8"), []
    except UnicodeDecodeError as utf8_error:
        bad_utf8 = utf8_error.start
    where = _byte_position(raw, bad_utf8)
    try:
        text = raw.decode("gb18030")
    except UnicodeDecodeError:
        raise InputError(name, f"the file is neither UTF-8 nor GBK/GB18030 (invalid byte 0x{raw[bad_utf8]:02X}); "
                         "if it is text, save it as UTF-8", where) from None
    if not _plain_chinese(text):
        raise InputError(name, f"the file is not UTF-8 (invalid byte 0x{raw[bad_utf8]:02X}), and read as GBK it "
                         "is not plain Chinese text (Big5, Latin-1, a damaged file?); save it as UTF-8", where) from None
    from .i18n import Bilingual
    return text, [Bilingual("文件不是 UTF-8 编码，已按 GBK/GB18030 读取；建议另存为 UTF-8",
                            "the file is not UTF-8; it was read as GBK/GB18030. Save it as UTF-8 to be sure")]


def _byte_position(raw: bytes, offset: int) -> str:
    """line:col of a byte (columns counted in bytes: the line cannot be decoded)."""
    line = raw.count(b"\n", 0, offset) + 1
    start = raw.rfind(b"\n", 0, offset) + 1
    return f"{line}:{offset - start + 1}"


def _not_empty(name: str, text: str) -> None:
    if not text.strip():
        raise InputError(name, "the file is empty")


def _plain_chinese(text: str) -> bool:
    """GBK bytes decode to common (GB2312) characters; Big5, Latin-1 or binary bytes read as
    GBK give rare characters (GBK's extension areas) or control characters instead."""
    wide = [c for c in text if ord(c) > 0x7F]
    if _CONTROL.search(text) or any(0xE000 <= ord(c) <= 0xF8FF or 0x80 <= ord(c) <= 0x9F for c in wide):
        return False
    common = 0
    for c in wide:
        try:
            c.encode("gb2312")
            common += 1
        except UnicodeEncodeError:
            pass
    return common >= 0.9 * len(wide)


def parse(path: Path, text: str) -> Any:
    """YAML (a superset of JSON) or strict JSON for .json files, then checked value by value."""
    name = str(path)
    data = _parse_json(name, text) if path.suffix.lower() == ".json" else _parse_yaml(name, text)
    problem = check_values(data)
    if problem is not None:
        keys, message = problem
        where = field_path(keys)
        line = line_of(path, text, keys) if keys else None
        if len(where) > 60:  # a path 64 levels deep says less than its line
            where = ""
        raise InputError(name, message, f"{line} ({where})" if line and where else (where or line))
    return data


def load_data(path: Path) -> tuple[Any, list[str]]:
    text, notes = read_text(path)
    return parse(path, text), notes


def line_of(path: Path, text: str, keys: list[str | int]) -> str | None:
    """'line:col' of a path such as ['steps', 4, 'date'] in a YAML or JSON file (JSON is read
    as YAML here): the deepest part of the path that can be found, or None."""
    return _find(text, keys=list(keys))


def _find(text: str, keys: list | None = None, duplicate: bool = False) -> str | None:
    """Walk the YAML event stream (constant memory, stops early) to the node at `keys`, or to
    the first key repeated within one mapping (`duplicate`)."""
    best, best_depth = None, -1
    stack: list[list] = []   # [is_mapping, path or None, index or key-state, keys seen]
    loader = _BaseLoader(text)
    try:
        events = 0
        while loader.check_event():
            event = loader.get_event()
            events += 1
            if events > 2 * DEFAULT_MAX_NODES:
                break
            if isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
                stack.pop()
                continue
            if not isinstance(event, yaml.NodeEvent):
                continue
            path = [] if not stack else None
            if stack:
                frame = stack[-1]
                is_map, parent, state, seen = frame
                if is_map:
                    if state is _KEY:                   # this node is a key
                        key = event.value if isinstance(event, yaml.ScalarEvent) else None
                        if duplicate and key is not None and key != "<<":
                            if key in seen:
                                return _at(event.start_mark)
                            seen.add(key)
                        frame[2] = key if key is not None else _COMPLEX
                        if isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
                            stack.append([isinstance(event, yaml.MappingStartEvent), None, _KEY if isinstance(
                                event, yaml.MappingStartEvent) else 0, set()])
                        continue
                    path = parent + [state] if parent is not None and state is not _COMPLEX else None
                    frame[2] = _KEY
                else:
                    path = parent + [state] if parent is not None else None
                    frame[2] = state + 1
            if path is not None and keys is not None and len(path) <= len(keys) and all(
                    (p == k if isinstance(p, int) else isinstance(k, (str, int)) and not isinstance(k, bool)
                     and p == str(k)) for p, k in zip(path, keys)):
                if len(path) > best_depth:
                    best, best_depth = _at(event.start_mark), len(path)
                if len(path) == len(keys):
                    return best
            elif path is not None and keys is not None:
                path = None  # off the wanted path: nothing below it matters
            if isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
                is_map = isinstance(event, yaml.MappingStartEvent)
                stack.append([is_map, path, _KEY if is_map else 0, set()])
    except (yaml.YAMLError, RecursionError, ValueError):
        pass
    finally:
        loader.dispose()
    return best


_KEY, _COMPLEX = object(), object()
