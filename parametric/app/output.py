"""Atomic outputs: everything is written to a staging folder, then moved into place.

A failure anywhere leaves the destination untouched: no half-written file, no partial folder.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ..errors import OutputError


def safe_child(root: Path, relative: str) -> Path:
    """``root / relative``, refusing any path that would land outside ``root``."""
    target = (root / relative).resolve()
    if not target.is_relative_to(root.resolve()):
        raise OutputError(f"refusing to write {relative!r}: it points outside the output folder {root}")
    return target


@contextmanager
def staged_dir(out: str | Path) -> Iterator[Path]:
    """Yield a fresh staging folder; on success move its files into ``out`` (created if needed).

    Existing files in ``out`` with the same names are replaced; others are kept.
    """
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise OutputError(f"--out {out} exists and is not a folder; choose a folder path")
    parent = out.resolve().parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
        stage = Path(tempfile.mkdtemp(prefix=f".{out.name}.d4d-", dir=parent))
    except OSError as exc:
        raise OutputError(f"cannot create the output folder {out}: {exc.strerror or exc}") from None
    try:
        yield stage
        if not out.exists():
            os.replace(stage, out)  # one atomic rename
            return
        for src in sorted(stage.rglob("*")):
            dest = out / src.relative_to(stage)
            if src.is_dir():
                dest.mkdir(exist_ok=True)
            else:
                os.replace(src, dest)
    finally:
        shutil.rmtree(stage, ignore_errors=True)


def atomic_write_bytes(path: str | Path, data: bytes) -> None:
    """Write a file via a temporary sibling and an atomic rename."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
