"""Scratch files and folders an operation is writing (staging folders, temporary zips), so that an
interrupt that cannot wait for Python's own clean-up (a process stuck in native code when Ctrl-C
comes) can still remove them: outputs are left exactly as they were."""

from __future__ import annotations

import os
import shutil
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
