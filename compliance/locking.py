"""An exclusive lock on a file for a whole read-modify-write (`compliance record`).

The lock is flock(2) on the file itself: the kernel releases it when the process dies,
however it dies, so a crash never leaves a stale lock. The file is replaced (os.replace)
while locked, so a process that waited may hold the lock of the old, unlinked file: it
checks that the path still names the file it locked, and locks again otherwise.
"""
from __future__ import annotations

import os
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from .errors import InputError

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: no advisory locks; the write is still atomic
    fcntl = None

DEFAULT_TIMEOUT = 60.0
_POLL = 0.02


@contextmanager
def locked(path: Path, timeout: float = DEFAULT_TIMEOUT) -> Iterator[None]:
    """Hold an exclusive lock on `path` (a regular file that exists) for the block."""
    if fcntl is None:
        yield
        return
    deadline = time.monotonic() + timeout
    while True:
        try:
            fd = os.open(path, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
        except OSError as e:
            raise InputError(str(path), f"cannot open the file ({e.strerror or e})") from None
        try:
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() > deadline:
                        raise InputError(str(path), f"another process has been editing this file for over "
                                         f"{timeout:.0f} s; try again when it has finished") from None
                    time.sleep(_POLL)
            held, now = os.fstat(fd), _stat(path)
            if now is not None and (held.st_dev, held.st_ino) == (now.st_dev, now.st_ino):
                yield
                return
            # replaced while we waited: lock the new file
        finally:
            os.close(fd)            # closing releases the lock


def _stat(path: Path):
    try:
        return os.stat(path)
    except FileNotFoundError:
        return None
