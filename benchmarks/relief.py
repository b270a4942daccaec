"""What the compiled relief cut (``fabrication._relief_kernel``) saves in the fit measurement, per model.

Run: ``python benchmarks/relief.py [--machine cnc-router-6mm] [--repeat 5] [--json out.json]``.

For each catalogue model's default design, prepared for the machine: ``measure_fits`` as shipped, and
with the kernel declining every window (so shapely cuts the relief pieces, as before the kernel), the
median of ``--repeat`` runs each in the same process (the ratio survives a noisy shared machine), the
share of windows the kernel answered, and the largest difference of a fit's ``relief_depth``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _harness import measure, print_table, write_json  # noqa: E402

MODELS = ("box", "bookshelf", "stool", "table", "slice_chair")


def rows(machine_name: str, repeat: int) -> list[dict]:
    """One row per model: windows, the kernel's share, both times, their ratio, the depths' difference."""
    import fabrication.relief as relief
    from fabrication.fit import measure_fits
    from fabrication.machines import get_machine
    from fabrication.toolpath import prepare
    from parametric import build_design

    machine = get_machine(machine_name)
    kernel = relief.relief_reach
    answered = []

    def counted(*args):
        ok, depth = kernel(*args)
        answered.append(bool(ok))
        return ok, depth

    out = []
    for model in MODELS:
        design = build_design(model)
        cut = {p.name: prepare(p, machine) for p in design.parts}
        try:
            relief.relief_reach = counted
            fits = measure_fits(design, cut)
            shipped = measure(lambda: measure_fits(design, cut), repeat=repeat)
            relief.relief_reach = lambda *args: (False, 0.0)
            plain = measure_fits(design, cut)
            shapely_only = measure(lambda: measure_fits(design, cut), repeat=repeat)
        finally:
            relief.relief_reach = kernel
        windows = len(answered)
        out.append({"model": model, "fits": len(fits), "windows": windows,
                    "kernel_share": sum(answered) / windows if windows else float("nan"),
                    "shapely_ms": shapely_only["median_ms"], "kernel_ms": shipped["median_ms"],
                    "kernel_vs_shapely": shipped["median_ms"] / shapely_only["median_ms"],
                    "max_depth_diff": max((abs(a.relief_depth - b.relief_depth) for a, b in zip(fits, plain)),
                                          default=0.0)})
        answered.clear()
    return out


def main(argv: list[str] | None = None) -> None:
    """Print the table (and write JSON with ``--json``)."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--machine", default="cnc-router-6mm")
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--json")
    args = ap.parse_args(argv)
    table = rows(args.machine, args.repeat)
    print_table(table, [("model", "model"), ("fits", "fits"), ("windows", "windows"),
                        ("kernel_share", "kernel share"), ("shapely_ms", "shapely ms"), ("kernel_ms", "kernel ms"),
                        ("kernel_vs_shapely", "ratio"), ("max_depth_diff", "max depth diff mm")])
    write_json(args.json, "relief", table, {"machine": args.machine})


if __name__ == "__main__":
    main()
