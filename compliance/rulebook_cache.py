"""The rulebook and its compiled rulesets, loaded once and reused across runs.

Reading and validating the rule files and compiling them for a record type take most of
a short run, and give the same answer as long as nothing they depend on changes. So the
answers are stored (disk_cache) under a key made of:

- every file under the rules directory (path and content, _stages.yaml and data files
  included) and the directory as given;
- this package's code (each module's path, size and modification time) and version;
- the engine's build (the durable-rules extension's path, size and modification time),
  pydantic's version and Python's.

Any change gives a new key, and a stored value whose key differs is never used. The
compiled rulesets of a rulebook are stored only for a rulebook that this module loaded,
whose rules are still the very objects it loaded (a rulebook built in memory is compiled
afresh). The engine's own rulesets live in C and cannot be stored: they are built from
the stored JSON at each run.
"""
from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path

from . import __version__, disk_cache
from .rulebook import Rulebook, bundled_rules_dir, load_rulebook

_PACKAGE = Path(__file__).resolve().parent
# source of a rulebook this process loaded -> (its key, {rule id: rule}, its stage table)
_LOADED: dict[str, tuple[str, dict, object]] = {}
_CODE: list[str] = []


def _code_fingerprint() -> str:
    """What this package's code and its engine are: a changed module makes a new key."""
    if not _CODE:
        parts = [__version__, sys.version, _pydantic_version()]
        for path in sorted(_PACKAGE.rglob("*.py")):
            st = path.stat()
            parts.append(f"{path.relative_to(_PACKAGE)} {st.st_size} {st.st_mtime_ns}")
        spec = importlib.util.find_spec("durable_rules_engine")  # found, not imported
        origin = spec.origin if spec else None
        if origin:
            st = os.stat(origin)
            parts.append(f"{origin} {st.st_size} {st.st_mtime_ns}")
        _CODE.append(disk_cache.digest(*parts))
    return _CODE[0]


def _pydantic_version() -> str:
    import pydantic  # the models are pickled: another pydantic may not read them
    return str(pydantic.VERSION)


def rules_key(directory: Path) -> str | None:
    """The key of a rules directory's current content, or None if a file cannot be read
    (the loader then reports it)."""
    parts = [_code_fingerprint(), str(directory), str(directory.resolve())]
    try:
        for path in sorted(p for p in directory.rglob("*") if "__pycache__" not in p.parts):
            if path.is_file():
                parts += [path.relative_to(directory).as_posix(), path.read_bytes()]
    except OSError:
        return None
    return disk_cache.digest(*parts)


def _name(kind: str, *parts: str) -> str:
    """A file per rules directory (and record type): a change overwrites, not adds."""
    return f"{kind}-{disk_cache.digest(*parts)[:24]}"


def load_rulebook_cached(directory: Path | None = None) -> Rulebook:
    """load_rulebook(directory), from the cache when the rules are unchanged."""
    directory = directory or bundled_rules_dir()
    key = rules_key(directory) if directory.is_dir() and disk_cache.cache_dir() is not None else None
    if key is None:
        return load_rulebook(directory)
    name = _name("rulebook", str(directory.resolve()))
    book = disk_cache.load(name, key)
    if not isinstance(book, Rulebook):
        book = load_rulebook(directory)
        if rules_key(directory) == key:   # a file changed while it was read: do not keep it
            disk_cache.save(name, key, book)
    _LOADED[book.source] = (key, {r.id: r for r in book.rules}, book.stages)
    return book


def prepared(rulebook: Rulebook, record_type: str):
    """engine.prepare.prepare(rulebook, record_type), from the cache when possible."""
    from .engine.prepare import prepare
    key = _prepared_key(rulebook, record_type)
    if key is None:
        return prepare(rulebook, record_type)
    name = _name("engine", rulebook.source, record_type, *(r.id for r in rulebook.rules))
    value = disk_cache.load(name, key)
    if not _is_prepared(value):
        value = prepare(rulebook, record_type)
        disk_cache.save(name, key, value)
    return value


def _prepared_key(rulebook: Rulebook, record_type: str) -> str | None:
    loaded = _LOADED.get(rulebook.source)
    if loaded is None:
        return None
    key, rules, stages = loaded
    if rulebook.stages is not stages or any(rules.get(r.id) is not r for r in rulebook.rules):
        return None  # not (only) the rules loaded from that directory
    return disk_cache.digest(key, record_type, *(r.id for r in rulebook.rules))


def _is_prepared(value) -> bool:
    from .engine.compile import CompiledRuleset
    return isinstance(value, tuple) and len(value) == 2 and isinstance(value[0], CompiledRuleset)
