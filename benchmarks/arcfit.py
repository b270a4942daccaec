"""What fitting arcs (``fabrication.export.arcfit``) costs and gives, per catalogue model.

Run: ``python benchmarks/arcfit.py [--machine cnc-router-6mm] [--json out.json]``.

For every contour of every part of each model's default design, prepared for the machine: the
vertices written before (relief arcs only, ``ring_with_bulges``) and after ``fit_arcs``, the arcs
gained, and the time of both steps (median of ``--repeat``). The baseline is ``ring_with_bulges``
on the same contours, measured in the same run, so the ratio survives a noisy shared machine.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _harness import measure, print_table, write_json  # noqa: E402

MODELS = ("box", "bookshelf", "stool", "table", "slice_chair")


def rows(machine_name: str, repeat: int) -> list[dict]:
    """One row per model: vertex counts, arcs gained, both steps' times and their ratio."""
    from shapely.geometry.polygon import orient

    from fabrication.export.arcfit import fit_arcs
    from fabrication.export.sheetwalk import ring_with_bulges
    from fabrication.machines import get_machine
    from fabrication.toolpath import prepare
    from parametric import build_design

    machine = get_machine(machine_name)
    out = []
    for model in MODELS:
        jobs = []
        for part in build_design(model).parts:
            cut = prepare(part, machine)
            outline = orient(cut.outline, 1.0)
            jobs += [(ring.coords, cut.arcs) for ring in (outline.exterior, *outline.interiors)]
        bulged = [ring_with_bulges(c, a) for c, a in jobs]
        fitted = [fit_arcs(r) for r in bulged]
        base = measure(lambda: [ring_with_bulges(c, a) for c, a in jobs], repeat=repeat)
        fit = measure(lambda: [fit_arcs(r) for r in bulged], repeat=repeat)
        arcs = sum(1 for r in fitted for v in r if v[2]) - sum(1 for r in bulged for v in r if v[2])
        out.append({"model": model, "contours": len(jobs), "vertices_before": sum(map(len, bulged)),
                    "vertices_after": sum(map(len, fitted)), "arcs_gained": arcs,
                    "bulges_ms": base["median_ms"], "fit_ms": fit["median_ms"],
                    "fit_vs_bulges": fit["median_ms"] / base["median_ms"]})
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--machine", default="cnc-router-6mm")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--json")
    args = parser.parse_args()
    table = rows(args.machine, args.repeat)
    print_table(table, [("model", "model"), ("contours", "contours"), ("vertices_before", "vertices before"),
                        ("vertices_after", "after"), ("arcs_gained", "arcs gained"), ("bulges_ms", "bulges ms"),
                        ("fit_ms", "fit ms"), ("fit_vs_bulges", "fit / bulges")])
    write_json(args.json, "arcfit", table, {"machine": args.machine})


if __name__ == "__main__":
    main()
