"""Batch throughput: complete variants per second (slice chairs, and with ``--models`` other products),
in process, on the process pool and on a Dask LocalCluster, with 1 and 2 workers; first-call overhead
apart; the export stage by stage.

Run: ``python benchmarks/batch.py [--variants N] [--models slice_chair,stool] [--bundle] [--no-dask]
[--json out.json]``.

A *complete* variant is build + check + nest + cut files (sheet DXF/SVG, BOM, check.json); with
``--bundle`` also the full download zip (PDF guide, STEP, STL) and a thumbnail. The baseline is the
same variants run one after another in this process after a warm-up; rates on the pool and the
cluster are *steady-state*: counted between the first result of each worker and the last result,
so worker start-up (imports, numba compile) is reported apart as the first-call overhead.
"complete/s per core" counts only the variants made (a variant refused by its constraints is
cheap; its time is charged to the made ones). Parallel efficiency = rate with 2 workers / (2 x rate with 1). The machines are shared and noisy:
compare the ratios of one run, not absolute numbers across runs.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _harness import print_table, write_json  # noqa: E402

from d4d_cad.batch import Sweep, run_batch  # noqa: E402
from d4d_cad.batch.sweep import OPTIONS  # noqa: E402

#: the parameters each benchmarked model's random variants draw
PARAMS = {"slice_chair": ["width", "seat_height", "seat_depth", "back_angle", "slat_count", "rib_count"],
          "stool": ["height", "seat", "seat_width", "legs", "splay", "foot"]}


def sweep(n: int, bundle: bool, seed: int = 0, model: str = "slice_chair") -> Sweep:
    """``n`` seeded random variants of ``model`` on the 6 mm router (cut files, or the full bundle and a
    thumbnail)."""
    outputs = ("report", "cut_files", "bundle", "thumbnail") if bundle else ("report", "cut_files")
    return Sweep(model, random_count=n, random_seed=seed, random_params=PARAMS[model], sampler="random",
                 machines=["cnc-router-6mm"], materials=["birch-ply:18"], outputs=outputs,
                 options={**OPTIONS, "nest_rounds": 2})


def timed_run(s: Sweep, **kw) -> dict:
    """Run a sweep into a fresh folder; wall time, time to the first result, steady-state rate."""
    stamps: list[float] = []
    with tempfile.TemporaryDirectory(prefix="d4d-bench-") as out:
        start = time.perf_counter()
        result = run_batch(s, out, progress=lambda done, total, row: stamps.append(time.perf_counter()), **kw)
        wall = time.perf_counter() - start
    workers = kw.get("workers") or 1
    made = [r for r in result.rows if r["status"] in ("ok", "failed")]
    seconds = [r["seconds"] for r in made]
    steady = (len(stamps) - workers) / (stamps[-1] - stamps[workers - 1]) if len(stamps) > workers else float("nan")
    return {"variants": len(result.rows), "made": len(made), "wall_s": wall, "first_result_s": stamps[0] - start,
            "per_second": steady, "median_variant_s": statistics.median(seconds) if seconds else float("nan"),
            **{k: result.summary.get(k, 0) for k in ("ok", "failed", "refused", "error", "killed", "timeout")}}


def in_process(s: Sweep) -> dict:
    """The baseline: warm up once (imports, numba compile: the first-call overhead), then run in process."""
    start = time.perf_counter()
    from d4d_cad.batch.worker import warm_up

    warm_up()
    first_call = time.perf_counter() - start
    row = timed_run(s, workers=0)
    row["per_second"] = row["variants"] / row["wall_s"]
    row["first_call_s"] = first_call
    return row


def export_stages() -> dict:
    """``benchmarks/export.py``'s stage timings of one ``d4d export slice_chair``, in a fresh process (so
    the imports are counted cold, as a user's first command pays them)."""
    code = "import json, sys; sys.path.insert(0, sys.argv[1]); from export import stage_timings; " \
           "print(json.dumps(stage_timings()))"
    proc = subprocess.run([sys.executable, "-c", code, str(Path(__file__).resolve().parent)], capture_output=True,
                          text=True, check=True)
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--variants", type=int, default=24)
    ap.add_argument("--models", default="slice_chair", help=f"comma-separated, of {', '.join(PARAMS)}")
    ap.add_argument("--bundle", action="store_true", help="also the full bundle zip and a thumbnail per variant")
    ap.add_argument("--no-dask", action="store_true", help="skip the LocalCluster rows")
    ap.add_argument("--no-export", action="store_true", help="skip the export stage table")
    ap.add_argument("--json")
    args = ap.parse_args()
    rows = []
    models = [m.strip() for m in args.models.split(",") if m.strip()]
    if unknown := [m for m in models if m not in PARAMS]:
        ap.error(f"no random parameters declared for {', '.join(unknown)}; use {', '.join(PARAMS)}")
    for model, bundle in [(m, b) for m in models for b in ([False, True] if args.bundle else [False])]:
        what = f"{model}, {'bundle' if bundle else 'cut files'}"
        seed = 100 * bundle  # every mode runs the same variants, each into a fresh folder
        base = in_process(sweep(args.variants, bundle, seed, model))
        rows.append({"mode": f"in process ({what})", "workers": 1, **base})
        modes = [("pool", {"workers": 1}), ("pool", {"workers": 2})]
        if not args.no_dask:
            modes += [("dask local", {"dask": "local", "workers": 1}), ("dask local", {"dask": "local", "workers": 2})]
        for label, kw in modes:
            row = timed_run(sweep(args.variants, bundle, seed, model), **kw)
            rows.append({"mode": f"{label} ({what})", "workers": kw["workers"], **row})
        for row in rows[-len(modes) - 1:]:
            row["x_baseline"] = row["per_second"] / base["per_second"]
            row["per_core"] = row["per_second"] / row["workers"]
            # the aim's measure: made variants (checked, nested, cut files written) per second per core, the
            # refused variants' (small) time charged to them
            row["complete_per_core"] = row["per_core"] * row["made"] / row["variants"] if row["variants"] else 0.0
        for label in ("pool", "dask local"):
            pair = [r for r in rows[-len(modes):] if r["mode"].startswith(label)]
            if len(pair) == 2:
                pair[1]["efficiency"] = pair[1]["per_second"] / (2 * pair[0]["per_second"])
    print_table(rows, [("mode", "mode"), ("workers", "workers"), ("variants", "variants"), ("made", "made"),
                       ("per_second", "variants/s"), ("per_core", "per core"),
                       ("complete_per_core", "complete/s per core"), ("x_baseline", "x baseline"),
                       ("efficiency", "efficiency"), ("median_variant_s", "variant s (median)"),
                       ("first_result_s", "first result s"), ("first_call_s", "first call s"), ("wall_s", "wall s"),
                       ("refused", "refused"), ("error", "error"), ("killed", "killed")])
    extra = {}
    if not args.no_export:
        stages = export_stages()
        print("\nd4d export slice_chair in a fresh process, stage by stage (cnc-router-6mm, the export's nest rounds):")
        table = [{"stage": k, "seconds": v} for k, v in stages["stages"].items()]
        table += [{"stage": "total", "seconds": stages["total"]},
                  {"stage": "work beyond imports and nesting", "seconds": stages["work"]}]
        print_table(table, [("stage", "stage"), ("seconds", "s")])
        extra["export_stages"] = stages
    write_json(args.json, "batch", rows, extra)


if __name__ == "__main__":
    main()
