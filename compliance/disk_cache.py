"""A small on-disk cache of pickled values, each stored under a key it must match.

Where: COMPLIANCE_CACHE_DIR, else the user's cache folder (XDG_CACHE_HOME/compliance on
Linux). COMPLIANCE_CACHE_DIR=off (or 0, no, none, or empty) turns the cache off.

A file is `MAGIC key checksum` (one line) then the pickle. It is used only when the magic,
the key and the SHA-256 of the payload all match and the payload unpickles: a truncated,
corrupt, foreign or unreadable file is ignored (and rewritten), never trusted. Files are
written atomically (temporary file + os.replace), so readers never see half a file.
Failing to write (read-only home, full disk) is not an error: the value is only not kept.
"""
from __future__ import annotations

import hashlib
import os
import pickle
from pathlib import Path
from typing import Any

from .atomic import atomic_writer

ENV = "COMPLIANCE_CACHE_DIR"
OFF = ("", "off", "0", "no", "none", "false")
MAGIC = b"compliance-cache/1"


def cache_dir() -> Path | None:
    """The cache folder, or None when the cache is turned off."""
    value = os.environ.get(ENV)
    if value is not None:
        return None if value.strip().lower() in OFF else Path(value)
    import platformdirs  # only when no folder is given: it is not needed otherwise
    return Path(platformdirs.user_cache_dir("compliance", appauthor=False))


def digest(*parts: str | bytes) -> str:
    """SHA-256 of the parts, each length-prefixed so that no two lists give the same bytes."""
    h = hashlib.sha256()
    for part in parts:
        data = part.encode() if isinstance(part, str) else part
        h.update(len(data).to_bytes(8, "little"))
        h.update(data)
    return h.hexdigest()


def _path(name: str) -> Path | None:
    folder = cache_dir()
    return None if folder is None else folder / f"{name}.pickle"


def load(name: str, key: str) -> Any | None:
    """The value stored as NAME under KEY, or None (absent, stale, damaged or turned off)."""
    path = _path(name)
    if path is None:
        return None
    try:
        data = path.read_bytes()
    except OSError:
        return None
    header, _, payload = data.partition(b"\n")
    parts = header.split(b" ")
    if len(parts) != 3 or parts[0] != MAGIC or parts[1] != key.encode():
        return None
    if hashlib.sha256(payload).hexdigest().encode() != parts[2]:
        return None
    try:
        return pickle.loads(payload)
    except Exception:  # noqa: BLE001 - a damaged payload that passed the checksum: rebuild
        return None


def save(name: str, key: str, value: Any) -> None:
    """Store VALUE as NAME under KEY; silently skipped when the folder cannot be written."""
    path = _path(name)
    if path is None:
        return
    payload = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    header = b" ".join((MAGIC, key.encode(), hashlib.sha256(payload).hexdigest().encode()))
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with atomic_writer(path, binary=True) as f:
            f.write(header + b"\n" + payload)
    except OSError:
        pass
