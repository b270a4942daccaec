"""Toolpath preparation: kerf compensation for lasers, dogbone / T-bone reliefs for routers, labels.

The model's geometry is the finished part (slot widths already come from the measured thickness
plus clearance). Here it is adapted to one machine (fabrication-reference.md section 2):

- laser: the beam removes k/2 each side of the line, so outside contours move out by k/2 and
  holes shrink by k/2 (optional: many laser services compensate themselves);
- router: CAM applies the tool offset, but an inside corner keeps the bit's radius, so a slot's
  square corners get reliefs: a *dogbone* (circle of radius r + c centred on the corner bisector,
  r from the corner; it passes the corner) or a *T-bone* (the same circle centred on one wall).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from shapely.geometry import Point, Polygon
from shapely.geometry.polygon import orient
from shapely.ops import polylabel, unary_union

from parametric.part import FlatPart

from .machines import Machine

#: extra radius so the bit clears the corner (reference: c = 0.05-0.1 mm)
RELIEF_CLEARANCE = 0.05
#: corners turning less than this are curve vertices, not corners to relieve (degrees)
MIN_CORNER_TURN = 45.0
#: circle resolution for reliefs: 1024 segments, sag < 2e-4 mm^2 on a 3 mm circle
RELIEF_QUAD_SEGS = 256


@dataclass(frozen=True)
class CutPart:
    """A part ready for one machine.

    Attributes:
        part: the finished part.
        outline: the geometry to cut (compensated / relieved), part-local mm.
        arcs: the relief circles ``(cx, cy, r)`` on the outline (exporters write them as arcs).
        reliefs: how many inside corners were relieved.
        label: label text and its anchor and height, or None when the part has no room for one.
    """

    part: FlatPart
    outline: Polygon
    arcs: tuple[tuple[float, float, float], ...] = ()
    reliefs: int = 0
    label: tuple[str, float, float, float] | None = None


def inside_corners(outline: Polygon, min_turn: float = MIN_CORNER_TURN) -> list[tuple[np.ndarray, np.ndarray, float]]:
    """Inside corners a round tool cannot reach: ``(vertex, unit bisector into the void, angle)``.

    With the exterior counter-clockwise and holes clockwise, a corner is inside when the ring
    turns clockwise there (cross product < 0).
    """
    outline = orient(outline, 1.0)
    out = []
    for ring in (outline.exterior, *outline.interiors):
        pts = np.asarray(ring.coords)[:-1]
        prev, nxt = np.roll(pts, 1, axis=0), np.roll(pts, -1, axis=0)
        e1, e2 = pts - prev, nxt - pts
        e1 /= np.linalg.norm(e1, axis=1, keepdims=True)
        e2 /= np.linalg.norm(e2, axis=1, keepdims=True)
        cross = e1[:, 0] * e2[:, 1] - e1[:, 1] * e2[:, 0]
        turn = np.degrees(np.arccos(np.clip((e1 * e2).sum(axis=1), -1, 1)))
        for i in np.nonzero((cross < 0) & (turn >= min_turn))[0]:
            bis = -e1[i] + e2[i]
            norm = np.linalg.norm(bis)
            if norm < 1e-9:
                continue
            out.append((pts[i], bis / norm, 180.0 - turn[i]))
    return out


def relieve(outline: Polygon, tool_diameter: float, style: str = "dogbone",
            clearance: float = RELIEF_CLEARANCE) -> tuple[Polygon, tuple[tuple[float, float, float], ...]]:
    """Cut dogbone or T-bone reliefs into every inside corner; returns the outline and the circles."""
    r = tool_diameter / 2
    circles = []
    outline = orient(outline, 1.0)
    for vertex, bisector, _ in inside_corners(outline):
        if style == "tbone":
            ring_pts = np.asarray(outline.exterior.coords)
            direction = bisector  # fall back to the bisector when the wall cannot be found
            idx = np.argmin(np.linalg.norm(ring_pts - vertex, axis=1))
            if idx + 1 < len(ring_pts):
                wall = ring_pts[idx] - ring_pts[idx + 1] if idx else ring_pts[-2] - ring_pts[0]
                wall = wall / (np.linalg.norm(wall) or 1.0)
                direction = -wall if np.dot(-wall, bisector) > 0 else wall
            centre = vertex + r * direction
        else:
            centre = vertex + r * bisector
        circles.append((float(centre[0]), float(centre[1]), r + clearance))
    if not circles:
        return outline, ()
    cut = unary_union([Point(cx, cy).buffer(rr, quad_segs=RELIEF_QUAD_SEGS) for cx, cy, rr in circles])
    result = outline.difference(cut)
    if result.geom_type != "Polygon":
        result = max(result.geoms, key=lambda g: g.area)
    return orient(result, 1.0), tuple(circles)


def kerf_compensate(outline: Polygon, kerf: float) -> Polygon:
    """Move outside contours out and holes in by half the kerf (mitred corners stay sharp)."""
    return orient(outline.buffer(kerf / 2, join_style="mitre", mitre_limit=10.0), 1.0)


def place_label(outline: Polygon, text: str, max_height: float = 20.0) -> tuple[str, float, float, float] | None:
    """A label inside the part: anchor at the pole of inaccessibility, height so the text box
    (about 0.62 x height per character wide) stays inside the inscribed circle; None if < 2 mm."""
    pole = polylabel(outline, tolerance=0.5)
    room = min([outline.exterior.distance(pole)] + [r.distance(pole) for r in outline.interiors])
    half_diag = lambda h: math.hypot(0.31 * h * len(text), 0.5 * h)  # noqa: E731
    height = min(max_height, 0.6 * room)
    while height >= 2.0 and half_diag(height) > 0.9 * room:
        height *= 0.9
    return (text, float(pole.x), float(pole.y), float(height)) if height >= 2.0 else None


def prepare(part: FlatPart, machine: Machine, *, compensate_kerf: bool = True,
            relief: str = "dogbone") -> CutPart:
    """Prepare one part for a machine (see the module docstring)."""
    outline, arcs = part.outline, ()
    if machine.is_router and relief != "none":
        outline, arcs = relieve(outline, machine.tool_diameter, relief)
    elif not machine.is_router and compensate_kerf and machine.kerf > 0:
        outline = kerf_compensate(outline, machine.kerf)
    return CutPart(part, outline, arcs, len(arcs), place_label(outline, part.label))
