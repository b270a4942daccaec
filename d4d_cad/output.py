"""Atomic outputs: everything is written to a staging folder, then moved into place.

A failure anywhere leaves the destination untouched: no half-written file, no partial folder, and
a rebuild into a used folder never leaves an earlier build's files beside the new ones (each
folder keeps a manifest of what d4d wrote there).
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from parametric import scratch
from parametric.errors import OutputError


def safe_child(root: Path, relative: str) -> Path:
    """``root / relative``, refusing any path that would land outside ``root``."""
    target = (root / relative).resolve()
    if not target.is_relative_to(root.resolve()):
        raise OutputError(f"refusing to write {relative!r}: it points outside the output folder {root}")
    return target


#: the list of files d4d wrote into an output folder (relative paths), kept in that folder
MANIFEST = ".d4d-manifest.json"
#: what d4d writes into a build folder, for folders made before the manifest existed
_LEGACY = ("design.json", "params.json", "check.json", "*.step", "*.stl", "parts/*.dxf", "sheets/*.dxf")


def _owned(out: Path) -> set[str]:
    """The files of ``out`` that an earlier d4d run wrote (its manifest, or the known names)."""
    try:
        listed = json.loads((out / MANIFEST).read_text(encoding="utf-8"))["files"]
        return {str(f) for f in listed if isinstance(f, str)}
    except (OSError, ValueError, KeyError, TypeError):
        return {str(p.relative_to(out)) for pattern in _LEGACY for p in out.glob(pattern) if p.is_file()}


def _move_foreign(old: Path, new: Path, owned: set[str]) -> None:
    """Move every file of ``old`` that d4d did not write (and the new set does not have) into ``new``."""
    for src in sorted(old.rglob("*")):
        rel = str(src.relative_to(old))
        if src.is_dir() or rel in owned or rel == MANIFEST or (new / rel).exists():
            continue
        (new / rel).parent.mkdir(parents=True, exist_ok=True)
        os.replace(src, new / rel)


def _pinned(out: Path) -> bool:
    """Whether ``out`` itself must not be renamed (the working folder or one above it, a mount point)."""
    here, target = Path.cwd().resolve(), out.resolve()
    return target == here or target in here.parents or os.path.ismount(target)


def _swap_files(stage: Path, out: Path, backup: Path, owned: set[str], files: list[str]) -> None:
    """Replace the owned files of ``out`` by the staged ones file by file, rolling back on failure (for a
    folder that cannot be renamed as a whole)."""
    moved_old: list[str] = []
    moved_new: list[str] = []
    try:
        for rel in sorted(owned | {MANIFEST}):
            if (out / rel).is_file():
                (backup / rel).parent.mkdir(parents=True, exist_ok=True)
                os.replace(out / rel, backup / rel)
                moved_old.append(rel)
        for rel in [*files, MANIFEST]:
            (out / rel).parent.mkdir(parents=True, exist_ok=True)
            os.replace(stage / rel, out / rel)
            moved_new.append(rel)
    except BaseException:
        for rel in moved_new:
            (out / rel).unlink(missing_ok=True)
        for rel in moved_old:
            os.replace(backup / rel, out / rel)
        raise


@contextmanager
def staged_dir(out: str | Path) -> Iterator[Path]:
    """Yield a fresh staging folder; on success it *becomes* ``out`` in one rename.

    When ``out`` already exists, the whole set of files an earlier d4d run wrote there (listed in
    its :data:`MANIFEST`) is replaced at once, so an old ``rib-5.dxf`` never sits beside a new
    3-rib design; files d4d did not write are moved over and kept. On any failure (or Ctrl-C)
    before the rename, ``out`` is left exactly as it was.

    Raises:
        OutputError: ``out`` is a file, or its folder cannot be written.
    """
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise OutputError(f"--out {out} exists and is not a folder; choose a folder path")
    parent = out.resolve().parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
        stage = scratch.scratch_dir(f".{out.name}.d4d-", parent)
    except OSError as exc:
        raise OutputError(f"cannot write the output folder {out}: {exc.strerror or exc}; choose a folder you can "
                          "write (--out DIR)") from None
    try:
        yield stage
        files = sorted(str(p.relative_to(stage)) for p in stage.rglob("*") if p.is_file())
        (stage / MANIFEST).write_text(json.dumps({"written_by": "d4d", "files": files}, indent=1) + "\n")
        if not out.exists():
            os.replace(stage, out)  # one atomic rename
            return
        owned = _owned(out)
        old = Path(tempfile.mkdtemp(prefix=f".{out.name}.d4d-old-", dir=parent))
        try:
            if _pinned(out):
                _swap_files(stage, out, old / "out", owned, files)
                return
            os.replace(out, old / "out")
            try:
                os.replace(stage, out)  # the new set appears at once; a crash before this leaves the old one
            except BaseException:
                os.replace(old / "out", out)
                raise
            _move_foreign(old / "out", out, owned)
        finally:
            shutil.rmtree(old, ignore_errors=True)
    except OSError as exc:
        raise OutputError(f"cannot write the output folder {out}: {exc.strerror or exc}; choose a folder you can "
                          "write (--out DIR)") from None
    finally:
        shutil.rmtree(stage, ignore_errors=True)
        scratch.untrack(stage)


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
