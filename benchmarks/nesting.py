"""Nesting density on ESICUP strip-packing instances, against the best-known results.

Run: ``python benchmarks/nesting.py [FILES_OR_FOLDERS ...] [--time-limit 60] [--seed 0] [--json out.json]``.
Instances are read in place (default ``../shared/bench/nesting/`` beside the repository; they are
third-party data and stay out of the project's tree). For each instance it prints the density we
reach, the best-known density, our/best-known ratio and the time; the same for a simple baseline
(bottom-left fill, largest first: our construction without improvement) run in the same process;
and for ``spyrrow`` (the sparrow solver) when it is installed, as a yardstick only. Both cores
are used: two seeds in two processes, the better kept. Then the furniture bar: for every
catalogue preset, sheets used against the area lower bound.
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _harness import print_table, write_json  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = ROOT.parent / "shared" / "bench" / "nesting"


def load(path: Path):
    """An instance file -> (name, parts, strip height, total area, best-known density)."""
    from shapely.geometry import Polygon

    from fabrication.nesting import NestPart

    d = json.loads(path.read_text())
    rots = tuple(float(r) for r in d["allowed_rotations_deg"])
    parts = [NestPart(str(it["id"]), Polygon(it["shape"], it["holes"]), it["demand"], rots) for it in d["items"]]
    return d["name"], parts, float(d["strip_height"]), float(d["stats"]["total_item_area"]), d["best_known"]["density"]


def run_one(args):
    """Solve one instance with one seed in this process; returns (density, seconds, valid)."""
    path, seed, time_limit, improve = args
    from fabrication.nesting import nest_strip, validate

    name, parts, height, area, _ = load(Path(path))
    start = time.perf_counter()
    result = nest_strip(parts, height, time_limit=time_limit, seed=seed, improve=improve)
    seconds = time.perf_counter() - start
    problems = validate.problems(result, spacing=0.0, margin=0.0)
    return area / (height * result.used_length), seconds, problems


def spyrrow_density(path: Path, time_limit: float, seed: int):
    """The sparrow solver's density on the instance, or None when spyrrow is not installed."""
    try:
        import spyrrow
    except ImportError:
        return None
    d = json.loads(path.read_text())
    items = [spyrrow.Item(str(it["id"]), [tuple(p) for p in it["shape"]] + [tuple(it["shape"][0])], demand=it["demand"],
                          allowed_orientations=[float(r) for r in d["allowed_rotations_deg"]]) for it in d["items"]]
    inst = spyrrow.StripPackingInstance(d["name"], strip_height=d["strip_height"], items=items)
    sol = inst.solve(spyrrow.StripPackingConfig(early_termination=False, total_computation_time=int(time_limit),
                                                num_workers=2, seed=seed))
    return sol.density


def furniture_bar(time_limit: float) -> list[dict]:
    """Sheets used vs the area lower bound for every catalogue preset (2440 x 1220, 10 mm gap, 15 mm margin)."""
    from fabrication.layout import nest_layout
    from parametric import available_models

    rows = []
    for name, cls in available_models().items():
        for preset in cls.schema.presets:
            design = cls.design(preset=preset)
            sheets = nest_layout(list(design.parts), 2440, 1220, spacing=10, margin=15, time_limit=time_limit)
            bound = math.ceil(design.total_area / ((2440 - 30) * (1220 - 30)))
            rows.append({"model": name, "preset": preset, "parts": len(design.parts), "sheets": len(sheets),
                         "bound": bound, "at_bound": len(sheets) == bound,
                         "last_used_mm": round(sheets[-1].used_length, 1)})
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("paths", nargs="*", type=Path, default=[DEFAULT])
    ap.add_argument("--time-limit", type=float, default=60.0)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--json")
    ap.add_argument("--furniture-time", type=float, default=3.0)
    args = ap.parse_args()
    files = sorted(p for path in args.paths for p in ([path] if path.is_file() else path.glob("*.json")))
    if not files:
        sys.exit(f"no instance files under {', '.join(map(str, args.paths))}")
    from fabrication.nesting import _kernels  # noqa: F401  (compile/cache before timing)

    t0 = time.perf_counter()
    run_one((files[0], 0, 0.0, False))
    compile_s = time.perf_counter() - t0
    rows = []
    with ProcessPoolExecutor(max_workers=2) as pool:
        for path in files:
            name, _, _, _, best = load(path)
            runs = list(pool.map(run_one, [(path, args.seed + k, args.time_limit, True) for k in range(2)]))
            density, seconds, problems = max(runs, key=lambda r: r[0])
            base_d, base_s, base_p = run_one((path, args.seed, 0.0, False))
            row = {"instance": name, "density": density, "best_known": best, "ratio": density / best,
                   "seconds": seconds, "valid": not problems and not base_p, "baseline": base_d,
                   "baseline_ratio": base_d / best, "baseline_s": base_s}
            t_sp = time.perf_counter()
            sp = spyrrow_density(path, args.time_limit, args.seed)
            if sp is not None:
                row.update(spyrrow=sp, spyrrow_ratio=sp / best, spyrrow_s=time.perf_counter() - t_sp)
            rows.append(row)
            print(f"{name}: {density:.4f} ({density / best:.3f} of best-known), baseline {base_d:.4f}", flush=True)
    cols = [("instance", "instance"), ("density", "density"), ("best_known", "best"), ("ratio", "ratio"),
            ("seconds", "s"), ("baseline", "BL dens"), ("baseline_ratio", "BL ratio"), ("baseline_s", "BL s"),
            ("valid", "valid")]
    if any("spyrrow" in r for r in rows):
        cols += [("spyrrow", "spyrrow"), ("spyrrow_ratio", "spy ratio"), ("spyrrow_s", "spy s")]
    print()
    print_table(rows, cols)
    mean = statistics.mean(r["ratio"] for r in rows)
    base_mean = statistics.mean(r["baseline_ratio"] for r in rows)
    print(f"\nmean ratio {mean:.3f} (baseline {base_mean:.3f}, x{mean / base_mean:.3f}); bar 0.90, goal 0.97; "
          f"numba first call (compile or cache load) {compile_s:.2f} s")
    if all("spyrrow" in r for r in rows):
        print(f"spyrrow (yardstick, same time on 2 workers): mean ratio "
              f"{statistics.mean(r['spyrrow_ratio'] for r in rows):.3f}")
    furniture = furniture_bar(args.furniture_time)
    misses = [r for r in furniture if not r["at_bound"]]
    print(f"furniture bar: {len(furniture) - len(misses)}/{len(furniture)} presets at the area lower bound")
    for r in misses:
        print(f"  above the bound: {r['model']}/{r['preset']}: {r['sheets']} sheets, bound {r['bound']}")
    write_json(args.json, "nesting", rows, {"mean_ratio": mean, "baseline_mean_ratio": base_mean,
                                            "time_limit": args.time_limit, "compile_s": compile_s,
                                            "furniture": furniture})


if __name__ == "__main__":
    main()
