"""Part overlap: bounding-box broad phase, a bound from the outlines, exact volumes with manifold3d.

Designed joints come out at ~0 (touching faces leave zero volume); any pair above
``TOL.overlap_volume`` (1 mm^3) is an error, with the overlapping piece kept as a mesh.

Most touching pairs are crossing plates (cross-lap and notch joints) that share nothing: for them
:func:`.prisms.shared_volume_bound` proves from the outlines, in microseconds, that they share at most
:data:`PROVEN_FREE`, and the manifold3d boolean (~0.45 ms a pair) runs only for the others, so every
volume a finding reports is still manifold3d's.
"""

from __future__ import annotations

from ..design import Design
from ..joinery import touching_pairs
from ..mesh import Manifolds, design_meshes, from_manifold
from ..tolerances import TOL
from .prisms import Plates, shared_volume_bound
from .report import Finding

#: pairs the outlines prove share at most this (mm^3) skip the boolean: far below the 1 mm^3 limit, and
#: above the float noise of touching faces (~1e-10); manifold3d's float32 solids measured such pairs at
#: up to 0.014 mm^3, so it would have found no overlap either
PROVEN_FREE = 1e-3 * TOL.overlap_volume


def check_overlaps(design: Design, meshes: dict | None = None, manifolds: Manifolds | None = None, *,
                   bound: bool = True) -> tuple[list[Finding], dict]:
    """Findings for every overlapping pair, and the overlap meshes by ``"a + b"``; ``manifolds``: the
    parts' solids when the caller shares them (made from ``meshes`` otherwise; either must be the parts'
    own extrusions, :func:`parametric.mesh.design_meshes`, as the outlines decide which pairs need them).
    ``bound=False``: a boolean for every pair, none cleared by the outlines (the reference for tests and
    benchmarks)."""
    findings, pieces = [], {}
    plates = Plates(design.parts)
    pairs = 0
    for a, b in touching_pairs(design.parts):
        pairs += 1
        if bound and shared_volume_bound(a, b, plates) <= PROVEN_FREE:
            continue
        if manifolds is None:
            manifolds = Manifolds(meshes or design_meshes(design))
        inter = manifolds[a.name] ^ manifolds[b.name]
        volume = inter.volume()
        if volume > TOL.overlap_volume:
            key = f"{a.name} + {b.name}"
            pieces[key] = from_manifold(inter)
            findings.append(Finding("OVLP", "error", f"{a.name} and {b.name} overlap by {volume:.0f} mm^3; "
                                    "they would collide when assembled", key, volume, TOL.overlap_volume,
                                    TOL.overlap_volume - volume, "mm^3"))
    if not findings:
        findings.append(Finding("OVLP", "pass", f"no overlap among {pairs} touching pairs of parts", "", 0.0,
                                TOL.overlap_volume, TOL.overlap_volume, "mm^3"))
    return findings, pieces
