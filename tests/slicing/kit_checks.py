"""Measurements the slicing tests make on a built kit (on the cut outlines, never on the recipe)."""

from __future__ import annotations

import itertools

import numpy as np
from shapely.geometry import LineString, Point

from parametric.joinery import boxes_touch
from parametric.mesh import design_meshes, to_manifold


def slot_widths(design) -> list[tuple[str, float, float]]:
    """For every cross-lap, in both parts: (part, slot width measured on the cut outline, the mating
    part's measured thickness + clearance corrected for the crossing angle). A slot at the very end
    of a part (material on one side only: a notch) has no width to measure and is left out."""
    clearance = design.params["clearance"]
    out = []
    for j in (j for j in design.joints if j.kind == "cross_lap"):
        for name, other, opens_low in ((j.a, j.b, j.a_opens == "lo"), (j.b, j.a, j.a_opens != "lo")):
            part, mate = design.part(name), design.part(other)
            lo, hi = (j.lo, j.mid) if opens_low else (j.mid, j.hi)
            d = part.frame.dir_to_local(j.direction)[:2]
            perp = np.array([-d[1], d[0]]) / np.linalg.norm(d)
            reach = 3 * (mate.thickness + clearance) + 10
            widths = []
            for s in np.linspace(lo, hi, 9)[1:-1]:  # probes across the slot along its depth
                centre = part.frame.to_local([np.asarray(j.point) + s * np.asarray(j.direction)])[0, :2]
                probe = LineString([centre - reach * perp, centre + reach * perp])
                gap = probe.difference(part.outline)
                piece = min(getattr(gap, "geoms", [gap]), key=lambda g: g.distance(Point(centre)))
                ends = {tuple(np.round(c, 6)) for c in probe.coords}
                if piece.distance(Point(centre)) < 1e-6 and not {tuple(np.round(c, 6)) for c in piece.coords} & ends:
                    widths.append(piece.length)  # walls on both sides (not a notch at a part's end)
            if not widths:
                continue
            sin = np.sin(np.radians(j.angle_deg))
            cot = np.cos(np.radians(j.angle_deg)) / sin
            expected = (mate.thickness + clearance) / sin + part.thickness * abs(cot)
            out.append((name, min(widths), expected))  # where it runs through a hole the gap is wider
    return out


def worst_overlap(design) -> tuple[float, tuple[str, str] | None]:
    """The largest volume (mm^3) shared by two of the kit's solids, and which pair."""
    meshes = design_meshes(design)
    worst, pair = 0.0, None
    for a, b in itertools.combinations(design.parts, 2):
        if boxes_touch(a, b):
            v = (to_manifold(meshes[a.name]) ^ to_manifold(meshes[b.name])).volume()
            if v > worst:
                worst, pair = v, (a.name, b.name)
    return worst, pair


def unjoined(design) -> list[str]:
    """Parts no joint holds."""
    joined = {n for j in design.joints for n in (j.a, j.b)}
    return [p.name for p in design.parts if p.name not in joined]
