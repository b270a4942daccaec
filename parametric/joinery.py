"""Joinery derived from geometry: cross-lap (egg-crate) slots where two plates cross.

Given two plates whose mid-planes meet, the crossing line is computed in 3D and mapped into
each part's 2D outline. Along that line both parts have material over ``[lo, hi]``; one part
is slotted from its edge over one share of the crossing and the other part from the opposite
edge over the rest, so the depths add up to the crossing and the pair slides together along
the line. Slot widths come from the *measured* thickness of the mating plate plus the joint
clearance, widened for plates that meet at other than 90 degrees so the mating plate clears
the slot over its whole thickness.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import shapely
from shapely.geometry import LineString, Polygon
from shapely.ops import unary_union

from .design import Joint
from .errors import JoineryError
from .part import FlatPart
from .tolerances import TOL


@dataclass(frozen=True)
class CrossLap:
    """A cross-lap joint and the slot shapes to remove from each part (in part-local mm)."""

    joint: Joint
    slot_a: Polygon
    slot_b: Polygon


def world_bounds(part: FlatPart) -> np.ndarray:
    """Axis-aligned bounds ``[[minx, miny, minz], [maxx, maxy, maxz]]`` of a placed plate."""
    minx, miny, maxx, maxy = part.outline.bounds
    corners = np.array([[minx, miny], [maxx, miny], [maxx, maxy], [minx, maxy]] * 2)
    w = np.repeat([-part.thickness / 2, part.thickness / 2], 4)
    pts = part.frame.to_world(corners, w)
    return np.stack([pts.min(axis=0), pts.max(axis=0)])


def boxes_touch(a: FlatPart, b: FlatPart, pad: float = 0.0) -> bool:
    """True when the two plates' axis-aligned bounds overlap (broad phase)."""
    ba, bb = world_bounds(a), world_bounds(b)
    return bool(np.all(ba[0] - pad <= bb[1]) and np.all(bb[0] - pad <= ba[1]))


def touching_pairs(group_a, group_b=None) -> list[tuple[FlatPart, FlatPart]]:
    """Pairs whose bounds overlap (broad phase): every a x b, or every unordered pair of one group.

    Each plate's bounds are computed once, so this stays cheap for hundreds of pairs.
    """
    group_a = list(group_a)
    others = list(group_b) if group_b is not None else group_a
    bounds = {id(p): world_bounds(p) for p in group_a + others}
    pairs = []
    for i, a in enumerate(group_a):
        for b in (others if group_b is not None else others[i + 1:]):
            ba, bb = bounds[id(a)], bounds[id(b)]
            if np.all(ba[0] <= bb[1]) and np.all(bb[0] <= ba[1]):
                pairs.append((a, b))
    return pairs


def _crossing_line(a: FlatPart, b: FlatPart) -> tuple[np.ndarray, np.ndarray, float, float] | None:
    """Point, unit direction, sin and |cos| of the angle where the mid-planes meet; None if parallel."""
    na, nb = a.frame.normal, b.frame.normal
    cross = np.array([na[1] * nb[2] - na[2] * nb[1], na[2] * nb[0] - na[0] * nb[2], na[0] * nb[1] - na[1] * nb[0]])
    sin = float(np.linalg.norm(cross))
    if sin < math.sin(math.radians(TOL.angle_deg)):
        return None
    d = cross / sin
    oa, ob = np.asarray(a.frame.origin), np.asarray(b.frame.origin)
    rhs = np.array([na @ oa, nb @ ob, d @ (oa + ob) / 2])
    p0 = np.linalg.solve(np.stack([na, nb, d]), rhs)
    return p0, d, sin, abs(float(na @ nb))


def _intervals(outline: Polygon, origin: np.ndarray, direction: np.ndarray) -> list[tuple[float, float]]:
    """Where the line ``origin + s*direction`` (2D) runs inside the outline, as sorted s-intervals."""
    minx, miny, maxx, maxy = outline.bounds
    reach = float(np.hypot(maxx - minx, maxy - miny) + np.linalg.norm(origin - [minx, miny])) + 1.0
    line = LineString([origin - reach * direction, origin + reach * direction])
    inside = outline.intersection(line)
    out = []
    for g in getattr(inside, "geoms", [inside]):
        if g.geom_type == "LineString" and g.length > TOL.length:
            s = [float((np.asarray(c) - origin) @ direction) for c in g.coords]
            out.append((min(s), max(s)))
    return sorted(out)


def _strip(origin: np.ndarray, direction: np.ndarray, s0: float, s1: float, width: float) -> Polygon:
    """Rectangle along the line from s0 to s1, ``width`` wide, centred on the line (2D)."""
    perp = np.array([-direction[1], direction[0]]) * (width / 2)
    p0, p1 = origin + s0 * direction, origin + s1 * direction
    return Polygon([p0 - perp, p1 - perp, p1 + perp, p0 + perp])


def _slot(outline: Polygon, origin: np.ndarray, direction: np.ndarray, width: float,
          edge: float, mid: float, opens_low: bool, neighbour: float | None) -> Polygon:
    """The slot in one part: from beyond its edge (at ``edge``) to ``mid``, ``width`` wide.

    The start is pushed out past every bit of the part's material within the slot's width
    that connects to the crossing, so the slot is open even where the edge is curved or
    slanted; ``neighbour`` (the next stretch of material along the line outside the edge)
    bounds how far out it may go.
    """
    sign = -1.0 if opens_low else 1.0
    far = edge + sign * (4 * width + 10 * TOL.slot_open_extra)
    if neighbour is not None:
        far = edge + sign * min(abs(far - edge), abs(neighbour - edge) / 2)
    probe = _strip(origin, direction, far, mid, width).intersection(outline)
    reach = edge
    centre = shapely.Point(origin + ((edge + mid) / 2) * direction)
    for piece in getattr(probe, "geoms", [probe]):
        if piece.geom_type == "Polygon" and piece.distance(centre) < TOL.length * 10:
            s = (np.asarray(piece.exterior.coords) - origin) @ direction
            reach = float(s.min()) if opens_low else float(s.max())
    start = reach + sign * TOL.slot_open_extra
    return _strip(origin, direction, start, mid, width)


def cross_lap(a: FlatPart, b: FlatPart, *, clearance: float, share_a: float = 0.5) -> list[CrossLap]:
    """Derive the cross-lap joints where plates ``a`` and ``b`` cross (none if they do not).

    Args:
        a, b: the two plates (with their measured thicknesses and placements).
        clearance: added to the mating thickness in each slot width (mm).
        share_a: the fraction of the crossing depth slotted into ``a`` (0 < share_a < 1).

    Raises:
        JoineryError: the plates cross but cannot interlock (one lies inside the other along the
            crossing, so no slot could open from an edge).
    """
    if not 0 < share_a < 1:
        raise JoineryError(f"share_a must be between 0 and 1, got {share_a}")
    line = _crossing_line(a, b)
    if line is None:
        return []
    p0, d, sin, cos = line
    cot = cos / sin
    width_a = (b.thickness + clearance) / sin + a.thickness * cot
    width_b = (a.thickness + clearance) / sin + b.thickness * cot
    oa, da = a.frame.to_local([p0])[0, :2], a.frame.dir_to_local(d)[:2]
    ob, db = b.frame.to_local([p0])[0, :2], b.frame.dir_to_local(d)[:2]
    ia, ib = _intervals(a.outline, oa, da), _intervals(b.outline, ob, db)
    out: list[CrossLap] = []
    for k, (alo, ahi) in enumerate(ia):
        for m, (blo, bhi) in enumerate(ib):
            lo, hi = max(alo, blo), min(ahi, bhi)
            if hi - lo <= TOL.slot_open_extra:
                continue
            tie = max(TOL.slot_open_extra, 0.02 * (hi - lo))  # flush edges count as level
            a_low = alo >= blo - tie and bhi <= ahi + tie
            b_low = blo >= alo - tie and ahi <= bhi + tie
            if not (a_low or b_low):
                inner, outer = (b, a) if alo < blo else (a, b)
                raise JoineryError(
                    f"{a.name} and {b.name} cross over {hi - lo:.1f} mm but cannot interlock: along the "
                    f"crossing {inner.name} lies wholly inside {outer.name}, so no slot could open from an "
                    f"edge; let {inner.name} reach past an edge of {outer.name}")
            if a_low:
                mid = lo + share_a * (hi - lo)
                slot_a = _slot(a.outline, oa, da, width_a, alo, mid, True, ia[k - 1][1] if k else None)
                slot_b = _slot(b.outline, ob, db, width_b, bhi, mid, False,
                               ib[m + 1][0] if m + 1 < len(ib) else None)
            else:
                mid = hi - share_a * (hi - lo)
                slot_a = _slot(a.outline, oa, da, width_a, ahi, mid, False,
                               ia[k + 1][0] if k + 1 < len(ia) else None)
                slot_b = _slot(b.outline, ob, db, width_b, blo, mid, True, ib[m - 1][1] if m else None)
            joint = Joint("cross_lap", a.name, b.name, tuple(map(float, p0)), tuple(map(float, d)),
                          lo, mid, hi, width_a, width_b, math.degrees(math.asin(min(1.0, sin))),
                          "lo" if a_low else "hi")
            out.append(CrossLap(joint, slot_a, slot_b))
    return out


def cut_slots(part: FlatPart, slots: list[tuple[str, Polygon]], holes: list[tuple[str, Polygon]] = ()) -> FlatPart:
    """Remove slots (open at an edge) and through-holes (for tabs) from a part's outline in one operation.

    Args:
        part: the uncut part.
        slots: ``(mating part name, slot polygon)`` pairs, in part-local mm; each must open at an edge.
        holes: ``(mating part name, hole polygon)`` pairs that are meant to be closed holes.

    Raises:
        JoineryError: a slot would cut the part in two, or would not open from an edge.
    """
    if not slots and not holes:
        return part
    slots = list(slots) + list(holes)
    cut = part.outline.difference(unary_union([s for _, s in slots]))
    pieces = [g for g in getattr(cut, "geoms", [cut]) if g.area > TOL.area]
    if len(pieces) != 1:
        culprit = _first_splitting(part.outline, slots)
        raise JoineryError(
            f"the slot for {culprit} would cut {part.name} in two: the part is narrower there than the "
            f"slot is deep; make {part.name} wider at that point or shorten the crossing with {culprit}")
    result = pieces[0]
    if len(result.interiors) > len(part.outline.interiors) + len(holes):
        raise JoineryError(f"a slot in {part.name} does not open from its edge; check the crossing geometry")
    return part.with_outline(result)


def _first_splitting(outline: Polygon, slots: list[tuple[str, Polygon]]) -> str:
    current = outline
    for name, slot in slots:
        current = current.difference(slot)
        if current.geom_type != "Polygon":
            return name
    return slots[-1][0]
