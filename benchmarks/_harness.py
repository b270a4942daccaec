"""Tiny benchmark harness: repeat, take the median, print a table, write JSON."""

from __future__ import annotations

import json
import os
import platform
import statistics
import time
from collections.abc import Callable
from pathlib import Path


def measure(fn: Callable[[], object], *, repeat: int = 7, warmup: int = 1,
            clock: Callable[[], float] = time.perf_counter) -> dict[str, float]:
    """Median, min and max time of ``fn()`` in milliseconds: wall time, or with ``clock=time.process_time``
    this process's CPU time (less swayed by other load on a shared machine)."""
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeat):
        start = clock()
        fn()
        times.append((clock() - start) * 1e3)
    return {"median_ms": statistics.median(times), "min_ms": min(times), "max_ms": max(times), "runs": repeat}


def print_table(rows: list[dict], columns: list[tuple[str, str]]) -> None:
    """Print rows as an aligned text table; ``columns`` is ``[(key, header), ...]``."""
    cells = [[h for _, h in columns]] + [[_fmt(r.get(k, "")) for k, _ in columns] for r in rows]
    widths = [max(len(c[i]) for c in cells) for i in range(len(columns))]
    for j, row in enumerate(cells):
        print("  ".join(c.rjust(w) if j else c.ljust(w) for c, w in zip(row, widths)))
        if j == 0:
            print("  ".join("-" * w for w in widths))


def _fmt(value) -> str:
    if isinstance(value, float):
        return f"{value:.3g}" if abs(value) < 10 else f"{value:.1f}"
    return str(value)


def write_json(path: str | Path | None, name: str, rows: list[dict], extra: dict | None = None) -> None:
    """Write results with machine context so runs can be compared."""
    if not path:
        return
    doc = {"benchmark": name, "python": platform.python_version(), "machine": platform.machine(),
           "cpus": os.cpu_count(), "time": time.strftime("%Y-%m-%dT%H:%M:%S"), "rows": rows, **(extra or {})}
    Path(path).write_text(json.dumps(doc, indent=2) + "\n")
    print(f"wrote {path}")
