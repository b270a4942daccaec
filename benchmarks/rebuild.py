"""Rebuild latency of the slice chair: 2D design, meshes, exact solids + STEP.

Run: ``python benchmarks/rebuild.py [--json out.json] [--repeat N]``.

Aim (issue 3): design + meshes well under 100 ms so the viewer can be live; solids + STEP
under 1 s. The baseline measured in the same run is a bare shapely buffer+union of the rib
outline (the floor cost of any 2D build), so ratios survive a noisy shared machine.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _harness import measure, print_table, write_json  # noqa: E402

from parametric import get_model  # noqa: E402
from parametric import geometry, mesh  # noqa: E402

CASES = {"defaults": {}, "30 slats": {"slat_count": 30, "slat_depth": 36, "rib_depth": 60, "thickness": 12}}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--json", help="write results here")
    ap.add_argument("--repeat", type=int, default=7)
    args = ap.parse_args()
    cls = get_model("slice_chair")
    from models.slice_chair import rib_outline, seating_line

    rows = []
    for label, values in CASES.items():
        params = cls.params(values)
        base = measure(lambda: rib_outline(params, seating_line(params)), repeat=args.repeat)
        design_t = measure(lambda: cls.design(params), repeat=args.repeat)
        design = cls.design(params)

        def meshes():
            mesh._extrude.cache_clear()
            mesh.design_meshes(design)

        mesh_t = measure(meshes, repeat=args.repeat)
        with tempfile.TemporaryDirectory() as tmp:
            step_t = measure(lambda: geometry.export_step(design, Path(tmp) / "x.step"), repeat=max(3, args.repeat // 2))
        solids_t = measure(lambda: geometry.solids(design), repeat=max(3, args.repeat // 2))
        live = design_t["median_ms"] + mesh_t["median_ms"]
        rows.append({"case": label, "parts": len(design.parts), "joints": len(design.joints),
                     "baseline_ms": base["median_ms"], "design_ms": design_t["median_ms"],
                     "meshes_ms": mesh_t["median_ms"], "live_ms": live,
                     "live_vs_baseline": live / base["median_ms"], "solids_ms": solids_t["median_ms"],
                     "step_ms": step_t["median_ms"], "live_target_met": live < 100,
                     "step_target_met": step_t["median_ms"] < 1000})
    print_table(rows, [("case", "case"), ("parts", "parts"), ("joints", "joints"), ("baseline_ms", "base ms"),
                       ("design_ms", "design ms"), ("meshes_ms", "meshes ms"), ("live_ms", "live ms"),
                       ("live_vs_baseline", "live/base"), ("solids_ms", "solids ms"), ("step_ms", "STEP ms")])
    print("\ntargets: live (design + meshes) < 100 ms; STEP (solids + write) < 1000 ms")
    write_json(args.json, "rebuild", rows)


if __name__ == "__main__":
    main()
