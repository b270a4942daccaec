"""Stage timing and the atomic zip every bundle is written through (the single design's and an order's).

A bundle is written into a temporary folder, zipped to a temporary file beside the target and
renamed onto it, so a failure at any point leaves nothing behind.
"""

from __future__ import annotations

import os
import tempfile
import time
import zipfile
from contextlib import contextmanager
from pathlib import Path

from parametric import scratch
from parametric.errors import OutputError


@contextmanager
def timed(timings: dict[str, float], stage: str):
    """Add the seconds the block takes to ``timings[stage]``."""
    start = time.perf_counter()
    try:
        yield
    finally:
        timings[stage] = timings.get(stage, 0.0) + time.perf_counter() - start


def zip_atomically(target: Path, name: str, write, timings: dict[str, float]) -> list[str]:
    """Zip the files ``write(folder)`` puts into a temporary folder (it returns their relative
    names) under ``name/`` to a temporary file beside ``target``, then rename it to ``target``;
    on any failure nothing is left (not even the folders made for it). Returns the names.

    Raises:
        OutputError: the target's folder cannot be written.
    """
    made = [p for p in (target.parent, *target.parent.parents) if not p.exists()]
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp_zip = scratch.scratch_file(f".{target.name}.", ".part", target.parent)
    except OSError as exc:
        raise OutputError(f"cannot write {target}: {exc.strerror or exc}; choose a folder you can write") from None
    try:
        with tempfile.TemporaryDirectory() as tmp, zipfile.ZipFile(tmp_zip, "w", zipfile.ZIP_DEFLATED) as zf:
            files = write(Path(tmp))
            with timed(timings, "zip"):
                for file in files:
                    zf.write(Path(tmp) / file, f"{name}/{file}")
        os.chmod(tmp_zip, 0o644)
        os.replace(tmp_zip, target)
    except BaseException:
        Path(tmp_zip).unlink(missing_ok=True)
        for folder in made:  # the folders --out DIR/ made, if nothing else went in
            try:
                folder.rmdir()
            except OSError:
                break
        raise
    finally:
        scratch.untrack(tmp_zip)
    return files
