"""Viewer latency: a parameter change -> new design, meshes and check results ready (the part the
viewer controls), p50 and p95; render time reported separately (it depends on the user's GPU).

Run: ``python benchmarks/viewer.py [--changes 30] [--json out.json]``. Aim: p95 under 100 ms.
The baseline measured in the same run is the bare design build of the same parameters.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _harness import print_table, write_json  # noqa: E402

from parametric import get_model  # noqa: E402

CASES = {"defaults": {}, "30 slats": {"slat_count": 30, "slat_depth": 36, "rib_depth": 60, "thickness": 12}}


def scene_data(cls, values):
    """What the viewer's worker computes for one edit (without Qt)."""
    from parametric.checks import run_checks
    from parametric.mesh import design_meshes

    design = cls.design(cls.params(values))
    meshes = design_meshes(design)
    return design, meshes, run_checks(design, meshes=meshes)


def pct(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--changes", type=int, default=30)
    ap.add_argument("--json")
    args = ap.parse_args()
    cls = get_model("slice_chair")
    rows = []
    for label, base in CASES.items():
        scene_data(cls, base)  # warm caches and imports
        latencies, builds = [], []
        for k in range(args.changes):
            values = {**base, "width": 420 + 5 * (k % 40)}  # a user dragging the width slider
            start = time.perf_counter()
            cls.design(cls.params(values))
            builds.append((time.perf_counter() - start) * 1e3)
            start = time.perf_counter()
            design, meshes, _ = scene_data(cls, values)
            latencies.append((time.perf_counter() - start) * 1e3)
        import pyvista as pv

        plotter = pv.Plotter(off_screen=True, window_size=(1000, 700))
        renders = []
        for _ in range(3):
            start = time.perf_counter()
            plotter.clear()
            for mesh in meshes.values():
                plotter.add_mesh(pv.wrap(mesh))
            plotter.render()
            renders.append((time.perf_counter() - start) * 1e3)
        plotter.close()
        rows.append({"case": label, "parts": len(design.parts), "p50_ms": statistics.median(latencies),
                     "p95_ms": pct(latencies, 0.95), "design_p50_ms": statistics.median(builds),
                     "p50_vs_design": statistics.median(latencies) / statistics.median(builds),
                     "render_ms": statistics.median(renders), "target_met": pct(latencies, 0.95) < 100})
    print_table(rows, [("case", "case"), ("parts", "parts"), ("p50_ms", "p50 ms"), ("p95_ms", "p95 ms"),
                       ("design_p50_ms", "design ms"), ("p50_vs_design", "x design"), ("render_ms", "render ms"),
                       ("target_met", "p95<100")])
    print("\nlatency = edit -> design + meshes + checks ready; render (software GL here) reported apart")
    write_json(args.json, "viewer", rows)


if __name__ == "__main__":
    main()
