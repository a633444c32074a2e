"""Reading record, profile and rule files: bytes → text → YAML/JSON data, with clear errors."""
from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import yaml

from .errors import InputError

try:  # the C loader is several times faster; fall back when PyYAML was built without it
    _BaseLoader = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on the PyYAML build
    _BaseLoader = yaml.SafeLoader

MAX_BYTES = int(os.environ.get("COMPLIANCE_MAX_BYTES", 5 * 1024 * 1024))


class _UniqueKeyLoader(_BaseLoader):
    """Safe loader that rejects duplicate keys (a typo'd copy must not silently win)."""

    def construct_mapping(self, node, deep=False):
        seen = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            if isinstance(key, (str, int, float, bool)) and key in seen:
                mark = key_node.start_mark
                raise yaml.constructor.ConstructorError(
                    None, None, f"duplicate key {key!r} (first at line {seen[key] + 1}); keep one", mark)
            seen[key] = key_node.start_mark.line
        return super().construct_mapping(node, deep=deep)

    def construct_yaml_timestamp(self, node):
        # Dates stay text here: compliance.dates reads every spelling the same way
        # and explains impossible dates such as 2025-02-30.
        return self.construct_scalar(node)


_UniqueKeyLoader.add_constructor("tag:yaml.org,2002:timestamp", _UniqueKeyLoader.construct_yaml_timestamp)


def read_text(path: Path) -> tuple[str, list[str]]:
    """Decode a file; returns the text and notes about how it was decoded."""
    name = str(path)
    if path.is_dir():
        raise InputError(name, "is a directory, not a record file; give a .yaml or .json file")
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise InputError(name, f"file is {size} bytes, over the {MAX_BYTES}-byte limit; split it or set COMPLIANCE_MAX_BYTES")
        raw = path.read_bytes()
    except FileNotFoundError:
        raise InputError(name, "no such file; check the path") from None
    except PermissionError:
        raise InputError(name, "cannot read the file (permission denied)") from None
    except IsADirectoryError:
        raise InputError(name, "is a directory, not a record file") from None
    if not raw.strip():
        raise InputError(name, "the file is empty; a decision record starts with `format: decision-record/1`")
    if b"\x00" in raw:
        raise InputError(name, "this is a binary file, not a YAML or JSON record")
    try:
        return raw.decode("utf-8-sig"), []
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("gb18030"), ["the file is not UTF-8; it was read as GB18030 (GBK). Save it as UTF-8 to be sure"]
    except UnicodeDecodeError as e:
        raise InputError(name, f"cannot decode the file at byte {e.start}: save it as UTF-8") from None


def parse(path: Path, text: str) -> Any:
    """YAML (a superset of JSON) or strict JSON for .json files."""
    name = str(path)
    if path.suffix.lower() == ".json":
        try:
            return json.loads(text)
        except json.JSONDecodeError as e:
            raise InputError(name, f"invalid JSON: {e.msg}", f"{e.lineno}:{e.colno}") from None
    try:
        return yaml.load(text, Loader=_UniqueKeyLoader)
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        where = f"{mark.line + 1}:{mark.column + 1}" if mark else None
        problem = e.problem or e.context or "invalid YAML"
        raise InputError(name, f"invalid YAML: {problem}", where) from None
    except yaml.YAMLError as e:
        raise InputError(name, f"invalid YAML: {e}") from None
    except RecursionError:
        raise InputError(name, "the document is nested too deeply") from None


def load_data(path: Path) -> tuple[Any, list[str]]:
    text, notes = read_text(path)
    return parse(path, text), notes


def line_of(path: Path, text: str, keys: list[str | int]) -> str | None:
    """'line:col' of a path such as ['steps', 4, 'date'] in a YAML file, when it can be found."""
    if path.suffix.lower() == ".json":
        return None
    try:
        node = yaml.compose(text, Loader=_BaseLoader)
    except yaml.YAMLError:
        return None
    found = node
    for key in keys:
        if isinstance(found, yaml.MappingNode):
            nxt = next((v for k, v in found.value if k.value == str(key)), None)
        elif isinstance(found, yaml.SequenceNode) and isinstance(key, int) and key < len(found.value):
            nxt = found.value[key]
        else:
            nxt = None
        if nxt is None:
            break
        found = nxt
    mark = found.start_mark if found is not None else None
    return f"{mark.line + 1}:{mark.column + 1}" if mark else None
