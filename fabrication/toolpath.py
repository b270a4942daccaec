"""Toolpath preparation: kerf compensation for lasers, dogbone / T-bone reliefs for routers, labels.

The model's geometry is the finished part (slot widths already come from the measured thickness
plus clearance). Here it is adapted to one machine (fabrication-reference.md section 2):

- laser: the beam removes k/2 each side of the line, so outside contours move out by k/2 and
  holes shrink by k/2 (optional: many laser services compensate themselves);
- router: CAM applies the tool offset, but an inside corner keeps the bit's radius, so a slot's
  square corners get reliefs: a *dogbone* (circle of radius r + c centred on the corner bisector,
  r from the corner; it passes the corner) or a *T-bone* (the same circle centred on one wall's
  line, r from the corner: a half-circle into that wall only; we pick the longer wall, so a slot
  gets a T at its bottom); ``"auto"`` picks per corner: a dogbone where both walls keep at least
  half their length to bear on the mating part, else a T-bone into the longer wall, so the short
  wall a finger or tab bears on stays whole (see :func:`auto_style`);
- a void narrower than the bit (a finger notch, a slot) cannot be cut by any relief: refused with
  a :class:`~parametric.errors.FabricationError` naming the largest bit that cuts the part;
- labels: single-stroke lettering placed at the pole of inaccessibility, shrunk until its strokes
  stay a margin clear of every cut, or omitted (:mod:`fabrication.labels`).
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import numpy as np
import shapely
from shapely.geometry import Polygon
from shapely.geometry.polygon import orient

from parametric.errors import FabricationError
from parametric.memo import wkb
from parametric.part import FlatPart, is_clean

from .labels import Label, place_label
from .machines import Machine

#: extra radius so the bit clears the corner (fabrication-reference.md 2: c = 0.05-0.1 mm)
RELIEF_CLEARANCE = 0.05
#: corners turning less than this are curve vertices, not corners to relieve (degrees)
MIN_CORNER_TURN = 45.0
#: circle resolution for reliefs (segments per quarter circle). The polygon is what nesting, fit and
#: label placement see; the exporters write the true arcs (:attr:`CutPart.arcs`). At 32 its chords lie
#: inside the arc by at most r (1 - cos(pi / 128)) = 3e-4 r (0.001 mm on a 1/4" bit) and it lacks at
#: most :data:`RELIEF_AREA_DEFICIT` x r^2 of area per relief (0.012 mm^2 on a 1/4" bit): far below
#: any fit or nesting tolerance, and 16 x fewer vertices than 512 (which made every later stage slow)
RELIEF_QUAD_SEGS = 32
#: area a relief polygon lacks against its true circle, per r^2 (a whole circle: pi - 2n sin(pi / 2n))
RELIEF_AREA_DEFICIT = math.pi - 2 * RELIEF_QUAD_SEGS * math.sin(math.pi / (2 * RELIEF_QUAD_SEGS))
#: outlines whose reliefs are remembered (equal parts are prepared once)
CACHE_SIZE = 256
#: share of a wall's length a relief must leave to bear on the mating part, for ``relief="auto"``
#: (ours: below half, the joint is held by the relief's edges, not the wall)
BEARING = 0.5
#: a void corner up to this angle (degrees) makes a U whose walls a bit cannot pass between when the
#: bottom is narrower than the bit (a slot's corners are 90; wider corners open like a V; ours)
U_MAX_ANGLE = 120.0
#: relief styles :func:`prepare` accepts
RELIEF_STYLES = ("auto", "dogbone", "tbone", "none")


@dataclass(frozen=True)
class Corner:
    """An inside corner a round tool cannot reach.

    Attributes:
        vertex: the corner point.
        bisector: unit vector into the void, halving the corner.
        angle: the void's angle at the corner, degrees (90 for a slot).
        walls: unit vectors from the vertex along the incoming and the outgoing wall.
        lengths: lengths of those walls (mm).
    """

    vertex: np.ndarray
    bisector: np.ndarray
    angle: float
    walls: tuple[np.ndarray, np.ndarray]
    lengths: tuple[float, float]


@dataclass(frozen=True)
class CutPart:
    """A part ready for one machine.

    Attributes:
        part: the finished part.
        outline: the geometry to cut (compensated / relieved), part-local mm.
        arcs: the relief circles ``(cx, cy, r)`` on the outline (exporters write them as arcs).
        reliefs: how many inside corners were relieved.
        label: where the label goes, or None when the part has no room for one.
        offset: how far the contours were moved out for the kerf (mm; laser only, else 0): the
            finished part is ``outline`` shrunk by it.
    """

    part: FlatPart
    outline: Polygon
    arcs: tuple[tuple[float, float, float], ...] = ()
    reliefs: int = 0
    label: Label | None = None
    offset: float = 0.0

    @property
    def envelope(self) -> Polygon:
        """An outline containing :attr:`outline` that a nesting may lay out instead (part-local mm): the
        drawn outline when router reliefs were its only change (a relief only takes material away, and
        the drawn outline has a fraction of the relief arcs' vertices), else :attr:`outline` itself."""
        return self.part.outline if self.arcs and not self.offset else self.outline

    @property
    def finished(self) -> Polygon:
        """The outline the machine leaves (part-local mm): reliefs included, kerf offset undone."""
        if not self.offset:
            return self.outline
        return orient(self.outline.buffer(-self.offset, join_style="mitre", mitre_limit=10.0), 1.0)


def inside_corners(outline: Polygon, min_turn: float = MIN_CORNER_TURN) -> list[Corner]:
    """Inside corners (of the exterior and of every hole) that a round tool leaves rounded.

    With the exterior counter-clockwise and holes clockwise the material lies left of travel, so
    a corner is inside when the ring turns clockwise there (cross product < 0). Remembered per outline
    (its WKB; toolpath preparation asks twice per part, once per copy): the corners' arrays are shared,
    do not modify them.
    """
    return list(_inside_corners(wkb(outline if is_clean(outline) else orient(outline, 1.0)), float(min_turn)))


@functools.lru_cache(maxsize=CACHE_SIZE)
def _inside_corners(wkb: bytes, min_turn: float) -> tuple[Corner, ...]:
    """:func:`inside_corners` of a counter-clockwise outline given as WKB."""
    outline = shapely.from_wkb(wkb)
    out = []
    for ring in (outline.exterior, *outline.interiors):
        pts = np.asarray(ring.coords)[:-1]
        prev, nxt = np.roll(pts, 1, axis=0), np.roll(pts, -1, axis=0)
        l1, l2 = np.linalg.norm(pts - prev, axis=1), np.linalg.norm(nxt - pts, axis=1)
        e1, e2 = (pts - prev) / l1[:, None], (nxt - pts) / l2[:, None]
        cross = e1[:, 0] * e2[:, 1] - e1[:, 1] * e2[:, 0]
        turn = np.degrees(np.arccos(np.clip((e1 * e2).sum(axis=1), -1, 1)))
        for i in np.nonzero((cross < 0) & (turn >= min_turn))[0]:
            bis = -e1[i] + e2[i]
            norm = np.linalg.norm(bis)
            if norm < 1e-9:
                continue
            out.append(Corner(pts[i], bis / norm, 180.0 - float(turn[i]), (-e1[i], e2[i]),
                              (float(l1[i]), float(l2[i]))))
    return tuple(out)


def dogbone_reach(radius: float, clearance: float = RELIEF_CLEARANCE, angle: float = 90.0) -> float:
    """How far along each wall, from the corner, a dogbone cuts the wall away (mm).

    The circle (radius r + c) is centred r from the corner on the bisector; it crosses a wall's
    line at ``r cos(phi/2) + sqrt((r + c)^2 - (r sin(phi/2))^2)`` (about 1.41 r at 90 degrees)."""
    half = math.radians(angle) / 2
    return radius * math.cos(half) + math.sqrt(max((radius + clearance) ** 2 - (radius * math.sin(half)) ** 2, 0.0))


def auto_style(corner: Corner, radius: float, clearance: float = RELIEF_CLEARANCE) -> str:
    """``"dogbone"`` when both walls keep :data:`BEARING` of their length with a dogbone at each end
    (a wall of length L bears when ``L - 2 x reach >= BEARING x L``), else ``"tbone"`` (into the
    longer wall, which leaves the shorter one whole: a 3 mm finger's side on a 6 mm bit)."""
    reach = dogbone_reach(radius, clearance, corner.angle)
    if min(corner.lengths) * (1.0 - BEARING) >= 2.0 * reach:
        return "dogbone"
    return "tbone"


def relief_circle(corner: Corner, radius: float, style: str = "dogbone",
                  clearance: float = RELIEF_CLEARANCE) -> tuple[float, float, float]:
    """The relief circle ``(cx, cy, r + clearance)`` for one corner and tool radius ``radius``
    (``style``: dogbone, tbone, or auto: :func:`auto_style`)."""
    if style == "auto":
        style = auto_style(corner, radius, clearance)
    if style == "tbone":
        direction = corner.walls[0] if corner.lengths[0] >= corner.lengths[1] else corner.walls[1]
    elif style == "dogbone":
        direction = corner.bisector
    else:
        raise ValueError(f"unknown relief style {style!r}; use auto, dogbone or tbone")
    centre = corner.vertex + radius * direction
    return float(centre[0]), float(centre[1]), radius + clearance


def relieve(outline: Polygon, tool_diameter: float, style: str = "dogbone",
            clearance: float = RELIEF_CLEARANCE) -> tuple[Polygon, tuple[tuple[float, float, float], ...]]:
    """Cut dogbone or T-bone reliefs (or ``"auto"``: per corner) into every inside corner; returns the
    outline and the circles. Equal outlines (a chair's ribs, its slats) are relieved once: the
    result is remembered by the outline's WKB (shapely geometries are immutable, so sharing is safe)."""
    return _relieve(wkb(outline), float(tool_diameter), style, float(clearance))


@functools.lru_cache(maxsize=CACHE_SIZE)
def _relieve(wkb: bytes, tool_diameter: float, style: str, clearance: float):
    outline = orient(shapely.from_wkb(wkb), 1.0)
    circles = tuple(relief_circle(c, tool_diameter / 2, style, clearance) for c in inside_corners(outline))
    if not circles:
        return outline, ()
    xyr = np.asarray(circles)
    discs = shapely.buffer(shapely.points(xyr[:, :2]), xyr[:, 2], quad_segs=RELIEF_QUAD_SEGS)
    result = outline.difference(_disjoint_union(discs, xyr))
    if result.geom_type != "Polygon":
        result = max(result.geoms, key=lambda g: g.area)
    return orient(snap_to_circles(result, circles), 1.0), circles


def _disjoint_union(discs: np.ndarray, xyr: np.ndarray):
    """The union of relief discs (polygons inscribed in the circles ``xyr``): when no two circles meet (the
    usual case) the discs as one MultiPolygon, which is valid as it is and cuts the same outline as
    GEOS's union of them (identical on the reliefs of 294 random chairs' parts, at a third of the cost);
    otherwise that union."""
    gap = np.hypot(xyr[:, None, 0] - xyr[None, :, 0], xyr[:, None, 1] - xyr[None, :, 1])
    apart = gap > 1.001 * (xyr[:, None, 2] + xyr[None, :, 2])
    np.fill_diagonal(apart, True)
    return shapely.multipolygons(discs) if apart.all() else shapely.union_all(discs)


def _snap_point(p: tuple[float, float], prev: tuple[float, float], nxt: tuple[float, float], near: list[int],
                circles: np.ndarray) -> tuple[float, float] | None:
    """Where a vertex the overlay left on a relief polygon's chord belongs on the true circle(s):
    the crossing of two circles when it is near two, else the crossing of its straight wall (the
    neighbour edge not on that circle) with the circle; None when neither applies. Plain floats: it
    runs once per snapped vertex, where numpy's per-call cost outweighed the arithmetic."""
    px, py = p
    if len(near) >= 2:
        (x0, y0, r0), (x1, y1, r1) = circles[near[0]].tolist(), circles[near[1]].tolist()
        d = math.hypot(x1 - x0, y1 - y0)
        if d < 1e-12 or d > r0 + r1 or d < abs(r0 - r1):
            return None
        a = (r0 * r0 - r1 * r1 + d * d) / (2 * d)
        h = math.sqrt(max(r0 * r0 - a * a, 0.0))
        mx, my = x0 + a * (x1 - x0) / d, y0 + a * (y1 - y0) / d
        ox, oy = h * (y0 - y1) / d, h * (x1 - x0) / d
        return min(((mx + ox, my + oy), (mx - ox, my - oy)), key=lambda q: float(np.hypot(q[0] - px, q[1] - py)))
    cx, cy, r = circles[near[0]].tolist()
    on = [abs(math.hypot(qx - cx, qy - cy) - r) <= SNAP_TOL * max(1.0, r) for qx, qy in (prev, nxt)]
    if on[0] == on[1]:
        return None
    ux, uy = nxt if on[0] else prev  # the wall's other end
    dx, dy = px - ux, py - uy
    fx, fy = ux - cx, uy - cy
    a, b, cc = dx * dx + dy * dy, 2 * (fx * dx + fy * dy), (fx * fx + fy * fy) - r * r
    disc = b * b - 4 * a * cc
    if a < 1e-18 or disc < 0:
        return None
    roots = [(-b + sg * math.sqrt(disc)) / (2 * a) for sg in (1.0, -1.0)]
    t = min(roots, key=lambda x: abs(x - 1.0))
    return ux + t * dx, uy + t * dy


#: a vertex within this (x max(1, r)) of a circle is on it (and left alone by :func:`snap_to_circles`)
SNAP_TOL = 1e-9


def snap_to_circles(outline: Polygon, circles) -> Polygon:
    """Move the vertices where a straight wall (or a second relief) meets a relief polygon onto the
    true circle. The overlay puts them on the polygon's chords, up to 3e-4 r inside the arc; on the
    circle, the exporters' arcs start exactly where the walls end (no sliver of a straight segment
    between a wall and its arc, issue 13.4). Returns ``outline`` unchanged when snapping would make it
    invalid."""
    if not circles:
        return outline
    cs = np.asarray(circles, dtype=float)
    half_step = math.pi / (4 * RELIEF_QUAD_SEGS)  # half the angle one polygon segment spans
    sag = cs[:, 2] * (1.0 - math.cos(half_step)) * 1.01
    # a wall grazing the circle (a T-bone's circle at a slot's bottom) meets the polygon up to a chord
    # away from where it meets the arc; farther than that, something else is going on
    reach = 2.0 * float(cs[:, 2].max()) * math.sin(half_step) + 1e-9
    tol = SNAP_TOL * np.maximum(1.0, cs[:, 2])
    rings = []
    moved = False
    for ring in (outline.exterior, *outline.interiors):
        pts = np.asarray(ring.coords)[:-1].copy()
        for i, near in _chord_vertices(pts, cs, sag, tol):
            p = (float(pts[i, 0]), float(pts[i, 1]))
            q = _snap_point(p, tuple(pts[i - 1].tolist()), tuple(pts[(i + 1) % len(pts)].tolist()), near, cs)
            if q is not None and float(np.hypot(q[0] - p[0], q[1] - p[1])) <= reach:
                pts[i] = q
                moved = True
        rings.append(pts)
    if not moved:
        return outline
    snapped = Polygon(rings[0], rings[1:])
    return snapped if snapped.is_valid else outline


def x_range_pairs(pts: np.ndarray, centres: np.ndarray, reach: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(vertex, centre)`` index arrays of the points whose x lies within ``reach`` (per centre) of a
    centre's x: the vertices sorted by x once, each centre's range found by bisection. The candidates a
    caller then tests exactly, instead of every point against every centre (centre by centre, points
    by x)."""
    order = np.argsort(pts[:, 0], kind="stable")
    xs = pts[order, 0]
    lo, hi = np.searchsorted(xs, centres[:, 0] - reach, "left"), np.searchsorted(xs, centres[:, 0] + reach, "right")
    counts = hi - lo
    centre = np.repeat(np.arange(len(centres)), counts)
    vertex = order[np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts) + np.repeat(lo, counts)]
    return vertex, centre


def _chord_vertices(pts: np.ndarray, cs: np.ndarray, sag: np.ndarray, tol: np.ndarray
                    ) -> list[tuple[int, list[int]]]:
    """For each vertex of ``pts`` on a chord of a relief polygon (within ``sag`` inside circle ``k`` of
    ``cs``, farther than ``tol`` from it), in vertex order: ``(i, near)``, ``near`` the indices of every
    circle the vertex is on or on a chord of, ascending. Only the vertex-circle pairs whose boxes meet
    are measured (vertices sorted by x, each circle's x range found by bisection): a vertex farther
    than the radius from a circle along x or y is neither on it nor inside it."""
    reach = cs[:, 2] * 1.001 + 1e-3  # past the radius and its tolerance: the exact tests below decide
    vertex, circle = x_range_pairs(pts, cs, reach)
    keep = np.abs(pts[vertex, 1] - cs[circle, 1]) <= reach[circle]
    vertex, circle = vertex[keep], circle[keep]
    dev = np.hypot(pts[vertex, 0] - cs[circle, 0], pts[vertex, 1] - cs[circle, 1]) - cs[circle, 2]
    t = tol[circle]
    off = (dev >= -sag[circle] - t) & (dev < -t)  # on a chord of that circle, not on the circle
    on = off | (np.abs(dev) <= t)
    chord = np.zeros(len(pts), dtype=bool)
    chord[vertex[off]] = True
    pick = on & chord[vertex]
    vertex, circle = vertex[pick], circle[pick]
    by = np.lexsort((circle, vertex))
    vertex, circle = vertex[by].tolist(), circle[by].tolist()
    starts = [k for k in range(len(vertex)) if k == 0 or vertex[k] != vertex[k - 1]]
    return [(vertex[a], circle[a:b]) for a, b in zip(starts, [*starts[1:], len(vertex)])]


def kerf_compensate(outline: Polygon, kerf: float) -> Polygon:
    """Move outside contours out and holes in by half the kerf (mitred corners stay sharp)."""
    return orient(outline.buffer(kerf / 2, join_style="mitre", mitre_limit=10.0), 1.0)


def narrow_voids(outline: Polygon, tool_diameter: float) -> list[tuple[float, np.ndarray]]:
    """The bottoms of drawn voids (slots, notches, holes) narrower than the bit: edges running
    from one inside corner (of at most :data:`U_MAX_ANGLE`) straight to the next (a U's bottom)
    shorter than ``tool_diameter``; a round bit cannot pass between those corners. Returns
    ``(width, midpoint)`` pairs, narrowest first."""
    corners = [c for c in inside_corners(outline) if c.angle <= U_MAX_ANGLE]
    short = [c for c in corners if c.lengths[1] < tool_diameter]
    if not short:
        return []  # the usual case: no wall out of a corner is that short
    at = {tuple(np.round(c.vertex, 6)) for c in corners}
    out = []
    for c in short:
        end = c.vertex + c.walls[1] * c.lengths[1]
        if tuple(np.round(end, 6)) in at:
            out.append((c.lengths[1], (c.vertex + end) / 2))
    return sorted(out, key=lambda w: w[0])


def check_kerf_reach(part: FlatPart, kerf: float) -> None:
    """Refuse a part with a slot or notch no wider than the laser's kerf: the beam would burn it away
    whole, with or without compensation.

    Raises:
        FabricationError: naming the part, where, both widths and the fix.
    """
    if kerf > 0:
        _refuse_narrow(part, kerf + 1e-9, lambda width: (
            f"no wider than the laser's {kerf:g} mm kerf: the beam would remove it whole; check the machine "
            "profile's kerf (typically 0.1-0.3 mm), or make the joint wider (thicker stock, more clearance)"))


def check_bit_reach(part: FlatPart, tool_diameter: float) -> None:
    """Refuse a part with a slot, notch or hole narrower than the bit (:func:`narrow_voids`): no
    relief can help. The error names where, and the largest bit that cuts the part.

    Raises:
        FabricationError: naming the part, where the void is, the largest bit that works and the fix.
    """
    _refuse_narrow(part, tool_diameter, lambda width: (
        f"narrower than the {tool_diameter:g} mm bit, and no corner relief can change that; use a bit of at most "
        f"{math.floor(width * 100) / 100:g} mm (a 1/8\" = 3.175 mm bit "
        f"{'fits' if width >= 3.175 else 'is still too wide'}), "
        f"or make the joint wider than the bit (wider fingers or tabs: for a box, a larger 'finger' or thicker stock)"))


def _refuse_narrow(part: FlatPart, limit: float, why) -> None:
    """Raise FabricationError for the narrowest void of ``part`` narrower than ``limit``
    (:func:`narrow_voids`), saying where and how wide, then ``why(width)``."""
    narrow = narrow_voids(part.outline, limit)
    if narrow:
        width, (x, y) = narrow[0]
        raise FabricationError(f"{part.name}: the slot or notch at ({x:.0f}, {y:.0f}) mm is {width:.2f} mm wide, "
                               + why(width))


def prepare(part: FlatPart, machine: Machine, *, compensate_kerf: bool = True,
            relief: str = "auto") -> CutPart:
    """Prepare one part for a machine (see the module docstring).

    Args:
        compensate_kerf: laser only: offset contours by half the kerf.
        relief: router only: ``"auto"`` (per corner, :func:`auto_style`), ``"dogbone"``, ``"tbone"``
            or ``"none"``.

    Raises:
        FabricationError: a router bit wider than a slot or notch of the part (:func:`check_bit_reach`,
            whatever the relief), or a laser kerf as wide (:func:`check_kerf_reach`).
        ValueError: an unknown relief style.
    """
    if relief not in RELIEF_STYLES:
        raise ValueError(f"unknown relief {relief!r}; use one of {', '.join(RELIEF_STYLES)}")
    outline, arcs, offset = part.outline, (), 0.0
    if not machine.is_router:
        check_kerf_reach(part, machine.kerf)
    if machine.is_router and relief != "none":
        check_bit_reach(part, machine.tool_diameter)
        outline, arcs = relieve(outline, machine.tool_diameter, relief)
    elif not machine.is_router and compensate_kerf and machine.kerf > 0:
        outline, offset = kerf_compensate(outline, machine.kerf), machine.kerf / 2
    return CutPart(part, outline, arcs, len(arcs), place_label(outline, part.label), offset)
