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
- labels: single-stroke lettering (:mod:`fabrication.lettering`) placed at the pole of
  inaccessibility, shrunk until its strokes stay a margin clear of every cut, or omitted.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
from shapely import affinity
from shapely.geometry import Point, Polygon, box
from shapely.geometry.polygon import orient
from shapely.ops import polylabel, unary_union

from parametric.errors import FabricationError
from parametric.part import FlatPart

from .lettering import text_size
from .machines import Machine

#: extra radius so the bit clears the corner (fabrication-reference.md 2: c = 0.05-0.1 mm)
RELIEF_CLEARANCE = 0.05
#: corners turning less than this are curve vertices, not corners to relieve (degrees)
MIN_CORNER_TURN = 45.0
#: circle resolution for reliefs (segments per quarter): the polygon differs from the true arcs the
#: exporters write by < 1e-4 mm^2 per relief on a 1/4" bit
RELIEF_QUAD_SEGS = 512
#: share of a wall's length a relief must leave to bear on the mating part, for ``relief="auto"``
#: (ours: below half, the joint is held by the relief's edges, not the wall)
BEARING = 0.5
#: a void corner up to this angle (degrees) makes a U whose walls a bit cannot pass between when the
#: bottom is narrower than the bit (a slot's corners are 90; wider corners open like a V; ours)
U_MAX_ANGLE = 120.0
#: relief styles :func:`prepare` accepts
RELIEF_STYLES = ("auto", "dogbone", "tbone", "none")
#: smallest label cap height worth engraving (mm; ours)
MIN_LABEL_HEIGHT = 3.0
#: clearance between label strokes and any cut: Ponoko wants >= 1 mm between elements
#: (fabrication-reference.md 2, minimum features); grows with the text as 0.2 x height
LABEL_MARGIN = 1.0


class Label(NamedTuple):
    """A label placed in part-local mm: text centred on ``(x, y)``, cap height, turned ``angle`` degrees;
    ``back``: engraved on the part's back face (drawn mirrored, see :mod:`fabrication.faces`)."""

    text: str
    x: float
    y: float
    height: float
    angle: float = 0.0
    back: bool = False


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
    def finished(self) -> Polygon:
        """The outline the machine leaves (part-local mm): reliefs included, kerf offset undone."""
        if not self.offset:
            return self.outline
        return orient(self.outline.buffer(-self.offset, join_style="mitre", mitre_limit=10.0), 1.0)


def inside_corners(outline: Polygon, min_turn: float = MIN_CORNER_TURN) -> list[Corner]:
    """Inside corners (of the exterior and of every hole) that a round tool leaves rounded.

    With the exterior counter-clockwise and holes clockwise the material lies left of travel, so
    a corner is inside when the ring turns clockwise there (cross product < 0).
    """
    outline = orient(outline, 1.0)
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
    return out


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
    outline and the circles."""
    outline = orient(outline, 1.0)
    circles = tuple(relief_circle(c, tool_diameter / 2, style, clearance) for c in inside_corners(outline))
    if not circles:
        return outline, ()
    cut = unary_union([Point(cx, cy).buffer(rr, quad_segs=RELIEF_QUAD_SEGS) for cx, cy, rr in circles])
    result = outline.difference(cut)
    if result.geom_type != "Polygon":
        result = max(result.geoms, key=lambda g: g.area)
    return orient(result, 1.0), circles


def kerf_compensate(outline: Polygon, kerf: float) -> Polygon:
    """Move outside contours out and holes in by half the kerf (mitred corners stay sharp)."""
    return orient(outline.buffer(kerf / 2, join_style="mitre", mitre_limit=10.0), 1.0)


def label_box(label: Label) -> Polygon:
    """The rectangle the label's strokes occupy (part-local mm)."""
    w, h = text_size(label.text, label.height)
    rect = box(label.x - w / 2, label.y - h / 2, label.x + w / 2, label.y + h / 2)
    return affinity.rotate(rect, label.angle, origin=(label.x, label.y)) if label.angle else rect


def label_margin(height: float) -> float:
    """Clearance kept between a label of cap height ``height`` and the cuts (mm)."""
    return max(LABEL_MARGIN, 0.2 * height)


def place_label(outline: Polygon, text: str, max_height: float = 20.0,
                min_height: float = MIN_LABEL_HEIGHT) -> Label | None:
    """The largest label (0 or 90 degrees, at the pole of inaccessibility or a fallback point) whose
    strokes stay :func:`label_margin` clear of every cut; None when not even ``min_height`` fits."""
    if not text or outline.is_empty:
        return None
    from shapely.prepared import prep

    inside = prep(outline)
    points = [polylabel(outline, tolerance=0.5), outline.representative_point()]

    def fits(x: float, y: float, h: float, angle: float) -> bool:
        return inside.contains(label_box(Label(text, x, y, h, angle)).buffer(label_margin(h), join_style="mitre"))

    best = None
    for angle in (0.0, 90.0):
        for pt in points:
            if not fits(pt.x, pt.y, min_height, angle):
                continue
            lo, hi = min_height, max_height
            if fits(pt.x, pt.y, hi, angle):
                lo = hi
            for _ in range(12):
                if hi - lo < 0.05:
                    break
                mid = (lo + hi) / 2
                lo, hi = (mid, hi) if fits(pt.x, pt.y, mid, angle) else (lo, mid)
            if best is None or lo > best.height + 1e-6:
                best = Label(text, float(pt.x), float(pt.y), math.floor(lo * 100) / 100, angle)
    return best


def narrow_voids(outline: Polygon, tool_diameter: float) -> list[tuple[float, np.ndarray]]:
    """The bottoms of drawn voids (slots, notches, holes) narrower than the bit: edges running
    from one inside corner (of at most :data:`U_MAX_ANGLE`) straight to the next (a U's bottom)
    shorter than ``tool_diameter``; a round bit cannot pass between those corners. Returns
    ``(width, midpoint)`` pairs, narrowest first."""
    corners = [c for c in inside_corners(outline) if c.angle <= U_MAX_ANGLE]
    at = {tuple(np.round(c.vertex, 6)) for c in corners}
    out = []
    for c in corners:
        end = c.vertex + c.walls[1] * c.lengths[1]
        if c.lengths[1] < tool_diameter and tuple(np.round(end, 6)) in at:
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
