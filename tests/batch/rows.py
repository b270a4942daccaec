"""Gallery rows shaped like the ones ``d4d batch`` writes, optionally with real files behind them
(small PNG thumbnails, bundle zips, variant folders), so the page can be tested without a CAD build."""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

import numpy as np

#: Status of row i is STATUS_CYCLE[i % 10]: 20 rows give 10 ok, 4 failed, 2 refused, 2 error, 2 timeout.
STATUS_CYCLE = ("ok", "ok", "failed", "ok", "refused", "ok", "failed", "error", "ok", "timeout")
THUMB = (120, 160)  # thumbnail height, width in pixels
HOSTILE_MESSAGE = '</script><script>window.pwned = 1</script><img src=x onerror="window.pwned = 2">'
HOSTILE_PARAM = '<b>bold</b> & "quoted" </script>'


def sample_rows(out: Path | None = None, n: int = 20) -> list[dict[str, Any]]:
    """``n`` rows (status cycling through STATUS_CYCLE); with ``out``, the files they link to are written there.

    Row 7 (an error) carries a message with ``<script>`` and an inline handler; every row has a
    string parameter holding markup; row 3's folder name has a space and a ``#`` (to be percent-encoded).
    """
    rows = []
    for i in range(n):
        status = STATUS_CYCLE[i % len(STATUS_CYCLE)]
        thickness = (6.0, 12.0, 17.7)[i % 3]
        variant = f"slice_chair-{i:012x}-cnc-router-6mm-birch-ply-{thickness}" + (" #3" if i == 3 else "")
        built = status in ("ok", "failed")
        folder = f"variants/{variant}"
        cost = round(40 + ((i * 37) % 23) * 3.5, 2) if built else ""   # distinct, not in index order
        row: dict[str, Any] = {
            "variant": variant, "index": i, "status": status,
            "codes": "STAB-REAR MFG-NECK" if status == "failed" else "",
            "message": {"refused": "width 900 mm is above the maximum 700 mm; use at most 700",
                        "error": HOSTILE_MESSAGE + "\n" + "Traceback line\n" * 30,
                        "timeout": "no result after 600 s"}.get(status, ""),
            "model": "slice_chair", "hash": f"{i:012x}", "machine": "cnc-router-6mm", "material": "birch-ply",
            "thickness": thickness, "param.width": 400 + 10 * i, "param.seat_height": 400 + 20 * (i % 4),
            "param.note": HOSTILE_PARAM,
            "margin.stability": round(-5 + i * 1.5, 1) if built else "",
            "margin.manufacturability": round(0.4 + (i % 5) * 0.3, 2) if built else "",
            "margin.overlap": 0.0 if built else "", "margin.strength": "" if i % 4 == 0 or not built else 12.5,
            "sheets": 1 + i % 3 if built else "", "utilisation": round(0.45 + (i % 7) * 0.05, 3) if built else "",
            "cut_length_m": round(30 + i * 1.7, 1) if built else "", "cut_time_min": round(25 + i, 1) if built else "",
            "cost": cost, "seconds": round(1.5 + 0.1 * i, 2),
            "thumbnail": f"{folder}/thumbnail.png" if built else "",
            "bundle": f"{folder}/{variant}.zip" if built else "", "folder": folder if built else "",
        }
        rows.append(row)
        if out is not None and built:
            _files(Path(out), row, i)
    return rows


def _files(out: Path, row: dict[str, Any], i: int) -> None:
    """A real thumbnail PNG (a bar chart of the row's index), a bundle zip and the variant folder."""
    from matplotlib.image import imsave

    folder = out / row["folder"]
    folder.mkdir(parents=True, exist_ok=True)
    h, w = THUMB
    img = np.full((h, w, 3), 0.97)
    img[h - 10 - 5 * (i % 20):h - 10, 20:w - 20] = (0.75, 0.55, 0.3)   # a plywood-coloured block
    imsave(folder / "thumbnail.png", img)
    with zipfile.ZipFile(out / row["bundle"], "w") as zf:
        zf.writestr("README.txt", f"variant {row['variant']}\n")
