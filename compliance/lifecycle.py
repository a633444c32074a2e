"""Process lifetime: temporary files are cleaned on every catchable signal, and audit
workers never outlive the process that started them.

Python turns only SIGINT into an exception; SIGTERM and SIGHUP would end the process at
once, skipping the `finally` blocks that remove temporary files. While a write is under
way they raise `Terminated` instead, so the same cleanup runs.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import os
import signal
import sys
import threading
import time
from contextlib import contextmanager
from typing import Iterator

CLEANUP_SIGNALS = tuple(getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name))


class Terminated(SystemExit):
    """A SIGTERM or SIGHUP arrived; the exit code is 128 + the signal number, as a shell reports it."""

    def __init__(self, signum: int):
        super().__init__(128 + signum)
        self.signum = signum


def _raise(signum, _frame) -> None:
    raise Terminated(signum)


_depth = 0


@contextmanager
def signals_raise() -> Iterator[None]:
    """Within the block, SIGTERM and SIGHUP raise Terminated (re-entrant; main thread only,
    where Python delivers signals)."""
    global _depth
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {}
    if _depth == 0:
        for sig in CLEANUP_SIGNALS:
            previous[sig] = signal.signal(sig, _raise)
    _depth += 1
    try:
        yield
    finally:
        _depth -= 1
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def default_signals() -> None:
    """In a forked worker: the parent's raising handlers must not run there."""
    global _depth
    _depth = 0
    for sig in CLEANUP_SIGNALS:
        signal.signal(sig, signal.SIG_DFL)


PR_SET_PDEATHSIG = 1
WATCH_SECONDS = 1.0


def die_with_parent(parent: int) -> None:
    """End this process when `parent` dies, even by kill -9: the kernel's parent-death
    signal on Linux, and a watchdog thread elsewhere (and for the moment before prctl)."""
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
            libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):
            pass
    if os.getppid() != parent:       # the parent died before prctl took effect
        os._exit(1)

    def watch() -> None:
        while True:
            time.sleep(WATCH_SECONDS)
            if os.getppid() != parent:
                os._exit(1)

    threading.Thread(target=watch, name="parent-watchdog", daemon=True).start()
