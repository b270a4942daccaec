"""Slice-kit generation time: the shared meshes (and a 10k-face torus) at 10, 20 and 40 slices per family.

Run: ``python benchmarks/slicing.py [--json out.json] [--repeat N]``.

For each mesh and slice count the table gives the time to make the kit (sections, parts, cross-laps,
every part's slots cut once to check them: :func:`parametric.slicing.make_kit`, no solids) and the
whole model build (``Sliced.design``: the kit plus the framework cutting the slots), each as a ratio
to trimesh's own ``section_multiplane`` on the same planes measured in the same run (the floor cost
of cutting the mesh at all), plus the kit's CPU time (steadier than wall time on a shared machine).
The cross-lap columns time deriving the kit's cross-laps (every crossing pair of its two families) the
way the kit does, in a few vectorised calls (``joinery.cross_laps``), against one pair at a time
(``joinery.cross_lap`` per pair, the same joints), CPU time in the same run.
Aim (issue 15): a 20 x 20 kit of a 10k-face mesh in under 1 s.
The shared meshes are read in place from ``../shared/bench/meshes/``; absent ones are skipped.
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from pathlib import Path

sys.path.append(str(Path(__file__).resolve().parent))  # appended: never shadow the project's packages

from _harness import measure, print_table, write_json  # noqa: E402

import numpy as np  # noqa: E402
import trimesh  # noqa: E402

from parametric import get_model  # noqa: E402
from parametric.errors import JoineryError  # noqa: E402
from parametric.joinery import cross_lap, cross_laps, touching_pairs  # noqa: E402
from parametric.kit_joints import _filled  # noqa: E402
from parametric.mesh_import import MeshData, prepare, read_mesh  # noqa: E402
from parametric.slicing import SliceSpec, family_heights, make_kit  # noqa: E402

MESHES = Path(__file__).resolve().parents[2] / "shared" / "bench" / "meshes"
SIZE_MM = 600.0
#: 3 mm laser plywood, a tight slip fit and a 3 mm minimum feature, so 40 slices fit every mesh
SPEC = dict(thickness=3.0, clearance=0.1, min_feature=3.0)


def sources() -> dict[str, tuple[MeshData, str]]:
    """The meshes benchmarked: name -> (mesh, up axis)."""
    torus = trimesh.creation.torus(major_radius=1.0, minor_radius=0.4, major_sections=100, minor_sections=50)
    out = {"torus-10k (made)": (MeshData("torus-10k", torus.vertices, torus.faces), "z")}
    for name, up in (("teapot.stl", "z"), ("torus.STL", "z"), ("rabbit.obj", "y")):
        if (MESHES / name).is_file():
            out[name] = (read_mesh(MESHES / name), up)
    return out


def baseline(mesh, count: int) -> None:
    """trimesh's section_multiplane on the kit's planes (both families), one merged mesh."""
    whole = trimesh.util.concatenate(list(mesh.bodies))
    for deg in (0.0, 90.0):
        n = np.array([math.cos(math.radians(deg)), math.sin(math.radians(deg)), 0.0])
        heights, _ = family_heights(mesh, n, count, 0.0)
        whole.section_multiplane(plane_origin=np.zeros(3), plane_normal=n, heights=heights)


def lap_times(kit, repeat: int) -> tuple[float, float]:
    """CPU ms of the kit's cross-laps batched (``cross_laps``) and one pair at a time (``cross_lap``)."""
    pairs = touching_pairs([p for p in kit.parts if p.name.startswith("a")],
                           [p for p in kit.parts if p.name.startswith("b")])
    pairs = [(_filled(a), _filled(b)) for a, b in pairs]

    def one_by_one():
        for a, b in pairs:
            try:
                cross_lap(a, b, clearance=SPEC["clearance"])
            except JoineryError:
                pass

    batched = measure(lambda: cross_laps(pairs, clearance=SPEC["clearance"]), repeat=repeat, clock=time.process_time)
    single = measure(one_by_one, repeat=repeat, clock=time.process_time)
    return batched["median_ms"], single["median_ms"]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--json", help="write results here")
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    cls = get_model("sliced")
    rows = []
    for name, (data, up) in sources().items():
        prep_t = measure(lambda: prepare.__wrapped__(data, up, SIZE_MM, "longest"), repeat=3)
        mesh = prepare(data, up, SIZE_MM, "longest")
        for count in (10, 20, 40):
            spec = SliceSpec("interlocked", count, count, **SPEC)
            base = measure(lambda: baseline(mesh, count), repeat=args.repeat)
            kit_t = measure(lambda: make_kit(mesh, spec), repeat=args.repeat)
            kit_cpu = measure(lambda: make_kit(mesh, spec), repeat=args.repeat, warmup=0,
                              clock=time.process_time)["median_ms"]
            kit = make_kit(mesh, spec)
            params = cls.params(mesh=data, up=up, size=SIZE_MM, size_of="longest", count_a=count, count_b=count,
                                **SPEC)

            def design():
                from parametric.slicing import cached_kit

                cached_kit.cache_clear()
                return cls.design(params)

            design_t = measure(design, repeat=max(3, args.repeat // 2))
            laps_ms, pairwise_ms = lap_times(kit, args.repeat)
            rows.append({"mesh": name, "faces": len(data.faces), "slices": f"{count} x {count}",
                         "parts": len(kit.parts), "laps": len(kit.laps), "prepare_ms": prep_t["median_ms"],
                         "multiplane_ms": base["median_ms"], "kit_ms": kit_t["median_ms"],
                         "kit_ratio": kit_t["median_ms"] / base["median_ms"], "kit_cpu_ms": kit_cpu, "design_ms": design_t["median_ms"],
                         "design_ratio": design_t["median_ms"] / base["median_ms"], "laps_cpu_ms": laps_ms,
                         "pairwise_cpu_ms": pairwise_ms, "laps_ratio": laps_ms / pairwise_ms})
    print_table(rows, [("mesh", "mesh"), ("faces", "faces"), ("slices", "slices"), ("parts", "parts"),
                       ("laps", "laps"), ("prepare_ms", "prepare ms"), ("multiplane_ms", "multiplane ms"),
                       ("kit_ms", "kit ms"), ("kit_ratio", "kit / multiplane"), ("kit_cpu_ms", "kit cpu ms"), ("design_ms", "design ms"),
                       ("design_ratio", "design / multiplane"), ("laps_cpu_ms", "laps cpu ms"),
                       ("pairwise_cpu_ms", "pair by pair cpu ms"), ("laps_ratio", "laps / pair by pair")])
    aim = next((r for r in rows if r["mesh"].startswith("torus-10k") and r["slices"] == "20 x 20"), None)
    if aim:
        print(f"aim: 20 x 20 kit of a 10k-face mesh in {aim['kit_ms']:.0f} ms wall, {aim['kit_cpu_ms']:.0f} ms CPU "
              f"(under 1000 ms: {'yes' if aim['kit_ms'] < 1000 else 'no'})")
    write_json(args.json, "slicing", rows, {"size_mm": SIZE_MM, **SPEC})


if __name__ == "__main__":
    main()
