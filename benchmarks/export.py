"""Download-bundle cost, stage by stage: what ``d4d export slice_chair`` spends its time on.

Run: ``python benchmarks/export.py [--model slice_chair] [--machine cnc-router-6mm] [--json out.json]``.

Two bundles in one process: a cold first call (heavy modules imported on the way, reported as
``imports``) and a warm second call (what each further variant of a batch run costs: the
per-outline solid and mesh caches are cleared first, so the repeat gets no help a new variant
would not get). Stages:
imports, design, toolpaths, nesting (its own time budget, ``--nest-time``), checks, bom, walk
(each sheet walked once, shared by DXF/SVG/PDF), dxf, svg, bom_csv, pdf, step, stl, zip. The
baseline is the bare ``design()`` build of the same model, measured in the same run (median of
``--repeat``), so ratios survive a noisy shared machine. Aim (issues 12.7): the work beyond the
nesting budget under 3 s, imports apart. ``stage_timings()`` is importable (``benchmarks/batch.py``).
"""

from __future__ import annotations

import argparse
import importlib
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _harness import measure, print_table, write_json  # noqa: E402

#: modules a full bundle needs, imported (and timed) before the first bundle's stages
HEAVY_MODULES = ("fabrication.export.bundle", "fabrication.nesting", "parametric.checks", "parametric.mesh",
                 "parametric.geometry", "matplotlib.pyplot", "matplotlib.backends.backend_pdf", "pyvista")
#: stages in pipeline order (rows of the table)
STAGES = ("imports", "design", "toolpaths", "nesting", "checks", "bom", "walk", "dxf", "svg", "bom_csv", "pdf",
          "step", "stl", "zip")


def import_timings(modules=HEAVY_MODULES) -> dict[str, float]:
    """Seconds to import each module not yet imported (0 for those already loaded), in order."""
    out = {}
    for name in modules:
        start = time.perf_counter()
        importlib.import_module(name)
        out[name] = time.perf_counter() - start
    return out


def clear_caches() -> None:
    """Forget the per-outline solids and meshes, so a repeated call costs what a new variant costs."""
    from parametric import geometry, mesh

    geometry._local_solid.cache_clear()
    mesh._extrude.cache_clear()


def stage_timings(model: str = "slice_chair", *, machine: str = "cnc-router-6mm", material: str = "birch-ply",
                  params: dict | None = None, nest_time: float | None = None, checks: bool = True,
                  out: str | Path | None = None) -> dict:
    """Export one bundle and return its seconds per stage (see the module docstring) plus totals.

    Returns:
        ``{"stages": {stage: s}, "imports_by_module": {...}, "total": s, "work": s}`` where ``work``
        is the total less imports and nesting (the figure the 3 s aim is about).
    """
    stages: dict[str, float] = {}
    start = time.perf_counter()
    by_module = import_timings()
    stages["imports"] = sum(by_module.values())
    clear_caches()
    from fabrication.export.bundle import export_bundle
    from fabrication.machines import get_machine
    from parametric import build_design
    from parametric.materials import get_material

    t = time.perf_counter()
    design = build_design(model, params or {})
    stages["design"] = time.perf_counter() - t
    with tempfile.TemporaryDirectory() as tmp:
        bundle = export_bundle(design, get_machine(machine), get_material(material), out or tmp, checks=checks,
                               **({} if nest_time is None else {"nest_time": nest_time}))
    stages.update(bundle.timings)
    total = time.perf_counter() - start
    return {"stages": stages, "imports_by_module": by_module, "total": total,
            "work": total - stages["imports"] - stages.get("nesting", 0.0), "files": len(bundle.files),
            "sheets": len(bundle.sheets)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", default="slice_chair")
    ap.add_argument("--machine", default="cnc-router-6mm")
    ap.add_argument("--material", default="birch-ply")
    ap.add_argument("--nest-time", type=float, default=None,
                    help="the nesting's time limit (default: the export's; its work is its rounds)")
    ap.add_argument("--repeat", type=int, default=7, help="runs of the baseline (median)")
    ap.add_argument("--json", help="write results here")
    args = ap.parse_args()
    kw = {"machine": args.machine, "material": args.material, "nest_time": args.nest_time}
    cold = stage_timings(args.model, **kw)
    warm = stage_timings(args.model, **kw)
    from parametric import get_model

    cls = get_model(args.model)
    params = cls.params({})
    base_s = measure(lambda: cls.design(params), repeat=args.repeat)["median_ms"] / 1e3
    rows = []
    for stage in (*STAGES, *(s for s in warm["stages"] if s not in STAGES)):
        c, w = cold["stages"].get(stage, 0.0), warm["stages"].get(stage, 0.0)
        rows.append({"stage": stage, "cold_s": c, "warm_s": w, "warm_vs_design": w / base_s})
    for label in ("work", "total"):
        rows.append({"stage": label, "cold_s": cold[label], "warm_s": warm[label],
                     "warm_vs_design": warm[label] / base_s})
    print(f"{args.model} on {args.machine}, {warm['sheets']} sheet(s), {warm['files']} files; baseline: bare "
          f"design() {base_s * 1e3:.1f} ms (median of {args.repeat})\n")
    print_table(rows, [("stage", "stage"), ("cold_s", "cold s"), ("warm_s", "warm s"),
                       ("warm_vs_design", "warm / design()")])
    print("\nimports (cold): " + ", ".join(f"{k} {v:.2f} s" for k, v in cold["imports_by_module"].items()))
    print(f"aim: work beyond nesting and imports < 3 s: cold {cold['work']:.2f} s, warm {warm['work']:.2f} s "
          f"({'met' if warm['work'] < 3 else 'not met'})")
    write_json(args.json, "export", rows, {"baseline_design_s": base_s, "cold": cold, "warm": warm,
                                           "model": args.model, "machine": args.machine})


if __name__ == "__main__":
    main()
