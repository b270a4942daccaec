"""The overlap check with and without the bound from the outlines, on the same designs in the same run.

Run: ``python benchmarks/overlap.py [--variants N] [--seed S] [--json out.json] [--repeat N]``.
Per design: the touching pairs, how many still need a manifold3d boolean, and the CPU time of
``check_overlaps`` as shipped against ``bound=False`` (a boolean for every pair, the check as it was),
meshes given and solids made inside (both pay for the solids they use). The last row sums the random
chairs of :func:`batch.sweep`; compare the ratio, not absolute times (the machine is shared).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _harness import measure, print_table, write_json  # noqa: E402
from batch import sweep  # noqa: E402
from checks import CASES  # noqa: E402

from parametric import get_model  # noqa: E402
from parametric.errors import D4DError  # noqa: E402
from parametric.checks.overlap import PROVEN_FREE, check_overlaps  # noqa: E402
from parametric.checks.prisms import Plates, shared_volume_bound  # noqa: E402
from parametric.joinery import touching_pairs  # noqa: E402
from parametric.mesh import design_meshes  # noqa: E402


def row(label: str, designs: list, repeat: int) -> dict:
    """Pairs, booleans left and the CPU ms per design of both ways over ``designs``."""
    meshes = [design_meshes(d) for d in designs]
    pairs = [touching_pairs(d.parts) for d in designs]
    left = sum(shared_volume_bound(a, b, Plates(d.parts)) > PROVEN_FREE for d, ps in zip(designs, pairs) for a, b in ps)

    def run(bound: bool):
        return lambda: [check_overlaps(d, m, bound=bound) for d, m in zip(designs, meshes)]

    clock = time.process_time
    old = measure(run(False), repeat=repeat, clock=clock)["median_ms"] / len(designs)
    new = measure(run(True), repeat=repeat, clock=clock)["median_ms"] / len(designs)
    return {"case": label, "designs": len(designs), "pairs": sum(map(len, pairs)) / len(designs),
            "booleans": left / len(designs), "boolean_ms": old, "bound_ms": new, "speedup": old / new}


def built(cls, values: dict):
    """The chair of a variant's values, or None when they are refused (the batch checks none of those)."""
    try:
        return cls.design(cls.params(values, preset=None))
    except D4DError:
        return None


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--variants", type=int, default=24)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--json")
    args = ap.parse_args()
    cls = get_model("slice_chair")
    rows = [row(label, [cls.design(cls.params(values))], args.repeat) for label, values in CASES.items()]
    rows.append(row("defaults, unslotted", [cls.design(cls.params(), cut=False)], args.repeat))
    chairs = [built(cls, v.values) for v in sweep(args.variants, False, seed=args.seed).variants()]
    chairs = [chair for chair in chairs if chair is not None]
    rows.append(row(f"random chairs (seed {args.seed})", chairs, args.repeat))
    print_table(rows, [("case", "case"), ("designs", "designs"), ("pairs", "pairs/design"),
                       ("booleans", "booleans/design"), ("boolean_ms", "boolean every pair ms"),
                       ("bound_ms", "bound first ms"), ("speedup", "speedup")])
    write_json(args.json, "overlap", rows)


if __name__ == "__main__":
    main()
