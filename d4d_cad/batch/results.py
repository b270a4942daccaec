"""The results of a batch: one row per variant, kept on disk beside its files, gathered into a table.

Each finished variant's folder holds ``row.json`` (written last, so a folder without it never
counts); ``results.csv`` and ``index.html`` are rebuilt from those files, so what the table says is
what is on disk, whichever run (or machine) made each variant.

Row keys: ``index``, ``variant`` (its folder), ``status`` (``ok | failed | refused | error | timeout |
killed``), ``codes`` (failing check codes, or the error's type), ``message``, ``model``, ``hash``,
``machine``, ``material``, ``thickness``, ``parts``, ``param.<name>`` for each value the sweep set,
``margin.stability | manufacturability | overlap | strength | ergonomics`` (worst margin of the family:
mm, mm, mm^3, mm of sag and mm of fit for the figures the variant is for (``ERGO-*``: seat height,
depth, width, back, thighs under a top, and ERGO-PERCH: how far an edited seat is too high for some
of them; warnings count too, as in the other families; empty without a seat or worktop); findings in
other units,
such as STAB-SLIDE in N or ERGO-COLLIDE in mm^3, are only in check.json),
``sheets``, ``utilisation``, ``cut_length_m``, ``cut_time_min``, ``cost``, ``seconds``, ``attempts``,
and the paths (relative to the results folder) ``folder``, ``bundle``, ``thumbnail``.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from ..output import atomic_write_bytes

#: final statuses, in the order a summary lists them
STATUSES = ("ok", "failed", "refused", "error", "timeout", "killed")
#: leading columns of results.csv (parameters follow, then the rest)
COLUMNS = ("index", "variant", "status", "codes", "message", "model", "hash", "machine", "material", "thickness",
           "parts", "sheets", "utilisation", "cut_length_m", "cut_time_min", "cost", "margin.stability",
           "margin.manufacturability", "margin.overlap", "margin.strength", "margin.ergonomics", "seconds",
           "attempts", "folder", "bundle", "thumbnail")
#: columns that differ between two runs of the same sweep (timing, retries)
VOLATILE = ("seconds", "attempts", "timings")


def summarise(rows: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """Counts by status, plus totals of sheets, cost and cut time over the variants that were made."""
    rows = list(rows)
    out: dict[str, Any] = {"total": len(rows)}
    for status in STATUSES:
        n = sum(1 for r in rows if r.get("status") == status)
        if n:
            out[status] = n
    made = [r for r in rows if r.get("sheets")]
    if made:
        out["sheets"] = sum(int(r["sheets"]) for r in made)
        out["cost"] = round(sum(float(r.get("cost") or 0) for r in made), 2)
        out["cut_time_h"] = round(sum(float(r.get("cut_time_min") or 0) for r in made) / 60, 2)
    return out


def table_bytes(rows: Sequence[Mapping[str, Any]]) -> bytes:
    """The rows as CSV (the leading :data:`COLUMNS`, then the parameters, then anything else)."""
    keys = list(dict.fromkeys(k for row in rows for k in row if k != "timings"))
    params = sorted(k for k in keys if k.startswith("param."))
    columns = [c for c in COLUMNS if c in keys or c in ("index", "variant", "status")]
    columns += params + [k for k in keys if k not in columns and k not in params]
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=columns, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: ("" if row.get(k) is None else row.get(k)) for k in columns})
    return buf.getvalue().encode()


def write_table(rows: Sequence[Mapping[str, Any]], path: str | Path) -> None:
    """Write rows as CSV (``.csv``) or JSON with a summary (any other suffix), atomically."""
    path = Path(path)
    if path.suffix.lower() == ".csv":
        data = table_bytes(rows)
    else:
        data = (json.dumps({"summary": summarise(rows), "rows": list(rows)}, indent=1, default=str) + "\n").encode()
    atomic_write_bytes(path, data)


def read_row(folder: Path) -> dict[str, Any] | None:
    """A finished variant's row (None when the folder holds none, or a damaged one)."""
    try:
        row = json.loads((folder / "row.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return row if isinstance(row, dict) and row.get("status") in STATUSES else None


def comparable(rows: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Rows without the columns that change from run to run (for comparing runs)."""
    return [{k: v for k, v in r.items() if k not in VOLATILE} for r in rows]
