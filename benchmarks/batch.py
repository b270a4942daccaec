"""Batch throughput: slice-chair variants per second, in process vs on the process pool.

Run: ``python benchmarks/batch.py [--variants N] [--json out.json] [--dask local]``.
The in-process run is the baseline; the pool's speed-up is reported against it.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _harness import print_table, write_json  # noqa: E402

from parametric.app.batch import Sweep, run_batch, summarise  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--variants", type=int, default=200)
    ap.add_argument("--checks", action="store_true", help="also run the physical checks per variant")
    ap.add_argument("--dask", help="also run on this Dask scheduler ('local' for a local cluster)")
    ap.add_argument("--json")
    args = ap.parse_args()
    sweep = Sweep("slice_chair", random_count=args.variants, random_seed=0,
                  random_params=["width", "seat_height", "seat_depth", "back_angle", "slat_count", "rib_count"])
    modes = [("in process", {"workers": 1}), ("process pool", {"workers": None})]
    if args.dask:
        modes.append((f"dask {args.dask}", {"dask": args.dask}))
    rows = []
    for label, kw in modes:
        start = time.perf_counter()
        results = run_sweep(sweep, checks=args.checks, **kw)
        elapsed = time.perf_counter() - start
        rows.append({"mode": label, "variants": len(results), "seconds": elapsed,
                     "per_second": len(results) / elapsed, **summarise(results)})
    for row in rows:
        row["speedup"] = row["per_second"] / rows[0]["per_second"]
    print_table(rows, [("mode", "mode"), ("variants", "variants"), ("seconds", "s"), ("per_second", "variants/s"),
                       ("speedup", "x baseline"), ("ok", "ok"), ("refused", "refused")])
    write_json(args.json, "batch", rows)


if __name__ == "__main__":
    main()
