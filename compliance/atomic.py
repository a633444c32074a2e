"""Write a file so that readers see the old file or the whole new one, never a part.

The content goes to a temporary file in the target's directory (same filesystem, so the
final os.replace is atomic); on any exception, Ctrl-C included, the temporary file is
removed and the target is left untouched.
"""
from __future__ import annotations

import os
import shutil
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Iterator


def _final_mode(path: Path) -> int:
    """Keep an existing file's mode; a new file gets the usual 0666 minus the umask
    (mkstemp creates 0600, which would surprise whoever shares the report)."""
    try:
        return path.stat().st_mode & 0o7777
    except FileNotFoundError:
        mask = os.umask(0)
        os.umask(mask)
        return 0o666 & ~mask


@contextmanager
def atomic_writer(path: Path | str, binary: bool = False, encoding: str = "utf-8",
                  newline: str | None = None) -> Iterator[IO]:
    """`with atomic_writer(p) as f: f.write(...)`; p appears only when the block succeeds."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(dir=path.parent or Path("."), prefix=f".{path.name}.", suffix=".part")
    try:
        mode = "wb" if binary else "w"
        kwargs = {} if binary else {"encoding": encoding, "newline": newline}
        with os.fdopen(fd, mode, **kwargs) as f:
            yield f
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, _final_mode(path))
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


@contextmanager
def report_output(path: Path | str | None, encoding: str = "utf-8", newline: str | None = None) -> Iterator[IO]:
    """A report goes to PATH atomically, or to stdout only once it is complete: an
    interrupted run prints nothing rather than half a JSON document."""
    if path is not None:
        with atomic_writer(path, encoding=encoding, newline=newline) as f:
            yield f
        return
    with tempfile.TemporaryFile("w+", encoding=encoding, newline=newline) as f:
        yield f
        f.seek(0)
        shutil.copyfileobj(f, sys.stdout)
        sys.stdout.flush()
