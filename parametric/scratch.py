"""Scratch files and folders an operation is writing (staging folders, temporary zips), so that an
interrupt that cannot wait for Python's own clean-up (a process stuck in native code when Ctrl-C
comes) can still remove them: outputs are left exactly as they were."""

from __future__ import annotations

import os
import shutil
import signal
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

_lock = threading.Lock()
_paths: set[str] = set()


def track(path: str | Path) -> None:
    """Remember ``path`` as scratch until :func:`untrack`."""
    with _lock:
        _paths.add(str(path))


def untrack(path: str | Path) -> None:
    """Forget ``path`` (it was moved into place or removed)."""
    with _lock:
        _paths.discard(str(path))


@contextmanager
def tracked(path: str | Path) -> Iterator[Path]:
    """``path`` is scratch for the duration of the block."""
    track(path)
    try:
        yield Path(path)
    finally:
        untrack(path)


@contextmanager
def _no_interrupt() -> Iterator[None]:
    """Hold Ctrl-C back (main thread) until the block ends: a path is created and tracked as one step,
    so a KeyboardInterrupt can never fall between the two. The hold is at Python's level (a handler
    that only notes the signal): masking SIGINT for the main thread is not enough, as the kernel then
    hands it to another thread and Python still runs its handler in the main thread at once."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    held: list = []
    previous = signal.signal(signal.SIGINT, lambda signum, frame: held.append(frame))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
        if held:  # deliver it now, as the handler before us would have
            if callable(previous):
                previous(signal.SIGINT, held[0])
            elif previous == signal.SIG_DFL:
                signal.raise_signal(signal.SIGINT)


def scratch_file(prefix: str, suffix: str, folder: str | Path) -> str:
    """A new empty temporary file in ``folder``, already tracked (:func:`tempfile.mkstemp`)."""
    with _no_interrupt():
        fd, path = tempfile.mkstemp(prefix=prefix, suffix=suffix, dir=folder)
        os.close(fd)
        track(path)
    return path


def scratch_dir(prefix: str, folder: str | Path) -> Path:
    """A new empty temporary folder in ``folder``, already tracked (:func:`tempfile.mkdtemp`)."""
    with _no_interrupt():
        path = Path(tempfile.mkdtemp(prefix=prefix, dir=folder))
        track(path)
    return path


def remove_all() -> None:
    """Remove every tracked scratch path (best effort; called on a hard interrupt)."""
    with _lock:
        paths = list(_paths)
        _paths.clear()
    for p in paths:
        if os.path.isdir(p) and not os.path.islink(p):
            shutil.rmtree(p, ignore_errors=True)
        else:
            try:
                os.unlink(p)
            except OSError:
                pass
