"""Time of the full physical check of the slice chair, and how it grows with part count.

Run: ``python benchmarks/checks.py [--json out.json] [--repeat N]``.
Aim (issue 4): under 100 ms for the defaults, for live editing. The same-run baseline is the
mesh build of the same design (the viewer pays it anyway), so ``checks/meshes`` survives noise;
``with/without figure`` is the cost of the seated figures (issue 16) against the same checks with none.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _harness import measure, print_table, write_json  # noqa: E402

from parametric import get_model, mesh  # noqa: E402
from parametric.checks import FAMILIES, run_checks  # noqa: E402

CASES = {
    "defaults": {},
    "30 slats": {"slat_count": 30, "slat_depth": 36, "rib_depth": 60, "thickness": 12},
    "2 ribs x 8 slats": {"rib_count": 2, "slat_count": 8},
    "5 ribs x 20 slats": {"rib_count": 5, "slat_count": 20, "width": 600},
    "8 ribs x 34 slats": {"rib_count": 8, "slat_count": 34, "slat_depth": 25, "rib_depth": 55, "width": 800,
                          "back_angle": 100, "back_height": 1000},
}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--json")
    ap.add_argument("--repeat", type=int, default=7)
    args = ap.parse_args()
    cls = get_model("slice_chair")
    rows = []
    for label, values in CASES.items():
        design = cls.design(cls.params(values))

        def meshes():
            mesh._extrude.cache_clear()
            return mesh.design_meshes(design)

        base = measure(meshes, repeat=args.repeat)
        full = measure(lambda: run_checks(design), repeat=args.repeat)
        bare = measure(lambda: run_checks(design, figures=()), repeat=args.repeat)  # without the seated figures
        row = {"case": label, "parts": len(design.parts), "joints": len(design.joints),
               "meshes_ms": base["median_ms"], "checks_ms": full["median_ms"],
               "checks_vs_meshes": full["median_ms"] / base["median_ms"], "no_figure_ms": bare["median_ms"],
               "figure_cost": full["median_ms"] / bare["median_ms"],
               "ok": run_checks(design).ok, "target_met": full["median_ms"] < 100}
        for family in FAMILIES:
            row[f"{family}_ms"] = measure(lambda: run_checks(design, families=(family,)), repeat=3)["median_ms"]
        rows.append(row)
    print_table(rows, [("case", "case"), ("parts", "parts"), ("joints", "joints"), ("meshes_ms", "meshes ms"),
                       ("checks_ms", "checks ms"), ("checks_vs_meshes", "checks/meshes"),
                       ("stability_ms", "stab ms"), ("overlap_ms", "ovlp ms"), ("manufacturability_ms", "mfg ms"),
                       ("strength_ms", "str ms"), ("ergonomics_ms", "ergo ms"), ("collision_ms", "collide ms"),
                       ("no_figure_ms", "no figure ms"), ("figure_cost", "with/without figure"), ("ok", "pass")])
    print("\ntarget: full check of the defaults < 100 ms")
    write_json(args.json, "checks", rows)


if __name__ == "__main__":
    main()
