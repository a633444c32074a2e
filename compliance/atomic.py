"""Write a file so that readers see the old file or the whole new one, never a part.

The content goes to a temporary file in the target's directory (same filesystem, so the
final os.replace is atomic); on any exception, Ctrl-C, SIGTERM and SIGHUP included, the
temporary file is removed and the target is left untouched.

What may be written (`output_target`): a new file; an existing regular file that is not
write-protected and has one link; a symlink, written through to its real target (the link
stays); a FIFO or character device, written directly as a stream (no temporary file).
Anything else (a directory, socket, block device, a read-only file, a file with several
hard links, which a replace would split) is refused with an InputError.
"""
from __future__ import annotations

import os
import shutil
import stat
import sys
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Iterator

from .errors import InputError
from .lifecycle import signals_raise
from .terminal import safe

STDOUT = "-"


@dataclass(frozen=True)
class Target:
    given: Path            # as the user wrote it (for messages)
    real: Path             # symlinks resolved: what is replaced
    stream: bool = False   # a FIFO or character device: written in place, never replaced
    exists: bool = False


def write_protected(st: os.stat_result, path: Path) -> bool:
    """No write bit for anyone, or no write access for this user. The mode bits are checked
    too: root may write anything, but a file marked read-only was marked so on purpose."""
    return not (st.st_mode & 0o222) or not os.access(path, os.W_OK)


def output_target(path: Path | str, what: str = "output") -> Target:
    """Where a write to `path` goes, or an InputError saying why it must not happen."""
    given = Path(path)
    real = Path(os.path.realpath(given))
    name = str(given)
    try:
        st = os.stat(real)
    except FileNotFoundError:
        if not real.parent.is_dir():
            raise InputError(name, f"the {what}'s directory {real.parent} does not exist; create it first") from None
        return Target(given, real)
    except OSError as e:
        raise InputError(name, f"cannot use this {what} ({e.strerror or e})") from None
    if stat.S_ISFIFO(st.st_mode) or stat.S_ISCHR(st.st_mode):
        return Target(given, real, stream=True, exists=True)
    if stat.S_ISDIR(st.st_mode):
        raise InputError(name, f"is a directory; give a file name for the {what}")
    if not stat.S_ISREG(st.st_mode):
        raise InputError(name, f"not a regular file (a socket or block device); write the {what} to a regular file")
    if write_protected(st, real):
        raise InputError(name, "the file is write-protected (read-only); make it writable (chmod u+w) "
                         "or write somewhere else; it was left unchanged")
    if st.st_nlink > 1:
        raise InputError(name, f"the file has {st.st_nlink} hard links; replacing it would split them (the other "
                         "names would keep the old content); write to a new file, or remove the other links")
    return Target(given, real, exists=True)


def same_file(a: Path | str, b: Path | str) -> bool:
    """The same file, also through symlinks and hard links (device and inode)."""
    try:
        sa, sb = os.stat(a), os.stat(b)
    except OSError:
        return False
    return (sa.st_dev, sa.st_ino) == (sb.st_dev, sb.st_ino)


def _final_mode(path: Path) -> int:
    """Keep an existing file's mode; a new file gets the usual 0666 minus the umask
    (mkstemp creates 0600, which would surprise whoever shares the report)."""
    try:
        return path.stat().st_mode & 0o7777
    except FileNotFoundError:
        mask = os.umask(0)
        os.umask(mask)
        return 0o666 & ~mask


def temp_file(real: Path, given: Path | str, suffix: str = ".part") -> tuple[int, str]:
    """mkstemp beside `real`; a directory that refuses it is the user's to fix (exit 2)."""
    try:
        return tempfile.mkstemp(dir=real.parent, prefix=f".{real.name}.", suffix=suffix)
    except OSError as e:
        raise InputError(str(given), f"cannot write in {real.parent}: no temporary file can be created there "
                         f"({e.strerror or e}); make the directory writable or write elsewhere") from None


def unlink_quietly(path: Path | str) -> None:
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass


@contextmanager
def atomic_writer(path: Path | str, binary: bool = False, encoding: str = "utf-8",
                  newline: str | None = None) -> Iterator[IO]:
    """`with atomic_writer(p) as f: f.write(...)`; p appears only when the block succeeds."""
    target = output_target(path)
    mode = "wb" if binary else "w"
    kwargs = {} if binary else {"encoding": encoding, "newline": newline}
    if target.stream:
        with open(target.real, mode, **kwargs) as f:
            yield f
        return
    with signals_raise():
        fd, tmp = temp_file(target.real, target.given)
        try:
            with os.fdopen(fd, mode, **kwargs) as f:
                yield f
                f.flush()
                os.fsync(f.fileno())
            try:
                os.chmod(tmp, _final_mode(target.real))
                os.replace(tmp, target.real)
            except OSError as e:
                raise InputError(str(target.given), f"could not write the file ({e.strerror or e}); "
                                 "it was left unchanged") from None
        except BaseException:
            unlink_quietly(tmp)
            raise


@contextmanager
def report_output(path: Path | str | None, encoding: str = "utf-8", newline: str | None = None) -> Iterator[IO]:
    """A report goes to PATH atomically, or to stdout (None or `-`) only once it is
    complete: an interrupted run prints nothing rather than half a JSON document."""
    if path is not None and str(path) != STDOUT:
        with atomic_writer(path, encoding=encoding, newline=newline) as f:
            yield f
        return
    with tempfile.TemporaryFile("w+", encoding=encoding, newline=newline) as f:
        yield f
        f.seek(0)
        if sys.stdout.isatty():          # a report shown on a terminal must not drive it
            for line in f:
                sys.stdout.write(safe(line))
        else:
            shutil.copyfileobj(f, sys.stdout)
        sys.stdout.flush()
