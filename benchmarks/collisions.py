"""The body-collision check (``ERGO-COLLIDE``) with its proofs that a capsule misses a part, against the
same check testing every box-near pair with a manifold3d boolean (the proofs switched off), on random
slice chairs of the batch sweep: ms per chair, booleans run, and whether the findings are the same.

Run: ``python benchmarks/collisions.py [--variants N] [--seed S] [--json out.json]``.
Both are timed in the same run, alternating per chair, each with fresh solids (so each pays for the
solids it needs; in ``run_checks`` the overlap check shares them); the ratio is what to compare across
runs on a shared machine.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _harness import print_table, write_json
from batch import sweep

from d4d_cad.batch.runner import _task
from parametric.checks import ergonomics
from parametric.checks.clearance import PartSlabs
from parametric.errors import ParameterError
from parametric.figure import poses
from parametric.mesh import Manifolds, design_meshes


def chairs(n: int, seed: int) -> list:
    """The sweep's random slice chairs that build (refused parameter draws left out)."""
    s, out = sweep(n, False, seed=seed), []
    for variant in s.variants():
        task = _task(s, variant, "")
        cls = task["model_class"]
        try:
            out.append(cls.design(cls.params(task["values"], preset=task["preset"])))
        except ParameterError:
            continue
    return out


def run(design, proofs: bool, counts: dict) -> tuple[float, list]:
    """One timed collision check of ``design`` (ms) and its findings; ``counts`` gathers the booleans."""
    original = PartSlabs.clear

    def counted(self, p0, p1, radius, which):
        proven = original(self, p0, p1, radius, which) if proofs else np.zeros(len(which), dtype=bool)
        counts["near pairs"] += len(which)
        counts["booleans"] += int(np.count_nonzero(~proven))
        return proven

    names = ergonomics.resolve_figures(design)
    meshes = design_meshes(design)
    PartSlabs.clear = counted
    try:
        start = time.perf_counter()
        found = ergonomics.collisions(design, names, meshes, Manifolds(meshes))
        return (time.perf_counter() - start) * 1e3, [(f.severity, f.part, f.measured, f.message) for f in found]
    finally:
        PartSlabs.clear = original


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--variants", type=int, default=24)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--json")
    args = ap.parse_args()
    designs = [d for d in chairs(args.variants, args.seed) if d.seat is not None and ergonomics.resolve_figures(d)]
    for d in designs:  # pose the figures once (cached per seat), as the fit checks do before this one
        for name in ergonomics.resolve_figures(d):
            for posture in ("upright", "lean_back") if d.seat.back_top is not None else ("upright",):
                poses(d.seat, name, posture)
    totals = {mode: {"ms": 0.0, "near pairs": 0, "booleans": 0} for mode in ("booleans only", "with proofs")}
    same = 0
    for design in designs:
        base = run(design, False, totals["booleans only"])
        new = run(design, True, totals["with proofs"])
        totals["booleans only"]["ms"] += base[0]
        totals["with proofs"]["ms"] += new[0]
        same += base[1] == new[1]
    rows = [{"mode": mode, "ms_per_chair": t["ms"] / len(designs), "near_pairs_per_chair": t["near pairs"] / len(designs),
             "booleans_per_chair": t["booleans"] / len(designs)} for mode, t in totals.items()]
    print(f"{len(designs)} chairs (seed {args.seed}); findings the same on {same} of them")
    print_table(rows, [("mode", "mode"), ("ms_per_chair", "ms/chair"), ("near_pairs_per_chair", "near pairs"),
                       ("booleans_per_chair", "booleans")])
    ratio = totals["booleans only"]["ms"] / totals["with proofs"]["ms"]
    print(f"speed-up {ratio:.1f}x")
    write_json(args.json, "collisions", rows, {"chairs": len(designs), "same_findings": same, "speedup": ratio})
    if same != len(designs):
        sys.exit("the proofs changed the findings of some chairs")


if __name__ == "__main__":
    main()
