"""Part overlap: bounding-box broad phase, then exact intersection volumes with manifold3d.

Designed joints come out at ~0 (touching faces leave zero volume); any pair above
``TOL.overlap_volume`` (1 mm^3) is an error, with the overlapping piece kept as a mesh.
"""

from __future__ import annotations

from ..design import Design
from ..joinery import touching_pairs
from ..mesh import Manifolds, design_meshes, from_manifold
from ..tolerances import TOL
from .report import Finding


def check_overlaps(design: Design, meshes: dict | None = None,
                   manifolds: Manifolds | None = None) -> tuple[list[Finding], dict]:
    """Findings for every overlapping pair, and the overlap meshes by ``"a + b"``; ``manifolds``: the
    parts' solids when the caller shares them (made from ``meshes`` otherwise)."""
    if manifolds is None:
        manifolds = Manifolds(meshes or design_meshes(design))
    findings, pieces = [], {}
    pairs = 0
    for a, b in touching_pairs(design.parts):
        pairs += 1
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
