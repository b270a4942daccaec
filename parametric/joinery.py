"""Joinery derived from geometry: cross-lap (egg-crate) slots where two plates cross.

Given two plates whose mid-planes meet, the crossing line is computed in 3D and mapped into
each part's 2D outline. Along that line both parts have material over ``[lo, hi]``; one part
is slotted from its edge over one share of the crossing and the other part from the opposite
edge over the rest, so the depths add up to the crossing and the pair slides together along
the line. Slot widths come from the *measured* thickness of the mating plate plus the joint
clearance, widened for plates that meet at other than 90 degrees so the mating plate clears
the slot over its whole thickness.

:func:`cross_laps` derives many pairs at once (a slice kit has hundreds): the per-pair arithmetic
stays in Python, but the shapely work (each part cut by its crossing line, each slot's probe and
the slots themselves) runs as a few vectorised calls, which gives the same geometry as pair by pair.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import shapely
from shapely.geometry import Polygon
from shapely.ops import unary_union

from .design import Joint
from .errors import JoineryError
from .part import FlatPart, dot
from .tolerances import TOL


@dataclass(frozen=True)
class CrossLap:
    """A cross-lap joint and the slot shapes to remove from each part (in part-local mm)."""

    joint: Joint
    slot_a: Polygon
    slot_b: Polygon


def world_bounds(part: FlatPart) -> np.ndarray:
    """Axis-aligned bounds ``[[minx, miny, minz], [maxx, maxy, maxz]]`` of a placed plate."""
    return plates_bounds([part])[0]


def plates_bounds(parts) -> np.ndarray:
    """:func:`world_bounds` of many plates at once, ``(n, 2, 3)``: the corners of each outline's bounds on
    both faces, placed as :meth:`~parametric.part.Frame.to_world` places them (the same sums in the same
    order, so the same floats)."""
    parts = list(parts)
    if not parts:
        return np.empty((0, 2, 3))
    box = shapely.bounds(np.array([p.outline for p in parts], dtype=object))  # (n, 4): minx, miny, maxx, maxy
    u = box[:, [0, 2, 2, 0, 0, 2, 2, 0], None]
    v = box[:, [1, 1, 3, 3, 1, 1, 3, 3], None]
    half = np.array([p.thickness / 2 for p in parts])[:, None, None]
    w = np.concatenate([-np.repeat(half, 4, axis=1), np.repeat(half, 4, axis=1)], axis=1)
    frames = [p.frame for p in parts]
    origin = np.array([f._origin for f in frames])[:, None, :]
    axes = np.array([f._axes for f in frames])  # rows xdir, ydir, normal
    pts = origin + u * axes[:, None, 0] + v * axes[:, None, 1] + w * axes[:, None, 2]
    return np.stack([pts.min(axis=1), pts.max(axis=1)], axis=1)


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
    ba, bb = plates_bounds(group_a), plates_bounds(others)
    touch = (np.all(ba[:, None, 0] <= bb[None, :, 1], axis=2) & np.all(bb[None, :, 0] <= ba[:, None, 1], axis=2))
    if group_b is None:
        touch = np.triu(touch, 1)
    return [(group_a[i], others[j]) for i, j in zip(*np.nonzero(touch))]


def _crossing_line(a: FlatPart, b: FlatPart) -> tuple[np.ndarray, np.ndarray, float, float] | None:
    """Point, unit direction, sin and |cos| of the angle where the mid-planes meet; None if parallel."""
    return _crossing_lines([(a, b)])[0]


def _crossing_lines(pairs) -> list[tuple[np.ndarray, np.ndarray, float, float] | None]:
    """:func:`_crossing_line` of many pairs at once."""
    if not pairs:
        return []
    na = np.array([a.frame._normal for a, _ in pairs])
    nb = np.array([b.frame._normal for _, b in pairs])
    cross = np.cross(na, nb)
    sin = np.sqrt(np.einsum("ij,ij->i", cross, cross))
    ok = sin >= math.sin(math.radians(TOL.angle_deg))
    out: list = [None] * len(pairs)
    if not ok.any():
        return out
    d = cross[ok] / sin[ok, None]
    oa = np.array([pairs[i][0].frame.origin for i in np.flatnonzero(ok)])
    ob = np.array([pairs[i][1].frame.origin for i in np.flatnonzero(ok)])
    na, nb = na[ok], nb[ok]
    rhs = np.stack([np.einsum("ij,ij->i", na, oa), np.einsum("ij,ij->i", nb, ob),
                    np.einsum("ij,ij->i", d, (oa + ob) / 2)], axis=1)
    # the point on all three planes (na.p = na.oa, nb.p = nb.ob, d.p = d.mid), by Cramer's rule: term
    # by term, so the same to the last bit on every CPU (LAPACK's solve rounds as its BLAS kernel does)
    nb_d, d_na = np.cross(nb, d), np.cross(d, na)
    det = np.einsum("ij,ij->i", na, nb_d)
    p0 = (rhs[:, :1] * nb_d + rhs[:, 1:2] * d_na + rhs[:, 2:] * cross[ok]) / det[:, None]
    cos = np.abs(np.einsum("ij,ij->i", na, nb))
    for k, i in enumerate(np.flatnonzero(ok)):
        out[i] = (p0[k], d[k], float(sin[ok][k]), float(cos[k]))
    return out


def _locals(asks):
    """Per ``(part, point, direction)`` (product frame): the point's and the direction's part-local
    (u, v), and the part's outline, as :meth:`Frame.to_local` and :meth:`Frame.dir_to_local` give them."""
    if not asks:
        return iter(())
    axes = np.array([part.frame._axes[:2] for part, _, _ in asks])  # (n, 2, 3)
    origin = np.array([part.frame.origin for part, _, _ in asks])
    p = np.array([a[1] for a in asks]) - origin
    d = np.array([a[2] for a in asks])
    o = np.einsum("ikj,ij->ik", axes, p)
    u = np.einsum("ikj,ij->ik", axes, d)
    return iter([(o[i], u[i], part.outline) for i, (part, _, _) in enumerate(asks)])


def _lines_through(outlines, origins, directions) -> np.ndarray:
    """Per outline, the ends ``(n, 2, 2)`` of a segment along ``origin + s*direction`` (2D) reaching past
    the whole outline."""
    if not outlines:
        return np.zeros((0, 2, 2))
    b = shapely.bounds(np.asarray(outlines, dtype=object))
    origin, direction = np.array(origins), np.array(directions)
    reach = np.hypot(b[:, 2] - b[:, 0], b[:, 3] - b[:, 1]) + np.hypot(*(origin - b[:, :2]).T) + 1.0
    return np.stack([origin - reach[:, None] * direction, origin + reach[:, None] * direction], axis=1)


def _spans_many(insides, origins, directions) -> list[list[tuple[float, float]]]:
    """Per outline cut by a line (each with its line's origin and direction), the sorted s-intervals of
    the line pieces in it."""
    out: list[list[tuple[float, float]]] = [[] for _ in range(len(insides))]
    if not len(insides):
        return out
    parts, owner = shapely.get_parts(np.asarray(insides, dtype=object), return_index=True)
    keep = (shapely.get_type_id(parts) == 1) & (shapely.length(parts) > TOL.length)  # 1: LineString
    parts, owner = parts[keep], owner[keep]
    if not len(parts):
        return out
    xy, which = shapely.get_coordinates(parts, return_index=True)
    origin, direction = np.asarray(origins, dtype=float), np.asarray(directions, dtype=float)
    o, d = origin[owner[which]], direction[owner[which]]
    s = (xy[:, 0] - o[:, 0]) * d[:, 0] + (xy[:, 1] - o[:, 1]) * d[:, 1]
    first = np.searchsorted(which, np.arange(len(parts)))
    lo, hi = np.minimum.reduceat(s, first), np.maximum.reduceat(s, first)
    for k, a, b in zip(owner.tolist(), lo.tolist(), hi.tolist()):
        out[k].append((a, b))
    for spans in out:
        spans.sort()
    return out


def _intervals(outline: Polygon, origin: np.ndarray, direction: np.ndarray) -> list[tuple[float, float]]:
    """Where the line ``origin + s*direction`` (2D) runs inside the outline, as sorted s-intervals."""
    line = shapely.linestrings(_lines_through([outline], [origin], [direction]))
    return _spans_many(shapely.intersection([outline], line), [origin], [direction])[0]


def _strip_rings(origin: np.ndarray, direction: np.ndarray, s0, s1, width) -> np.ndarray:
    """Closed rings ``(n, 5, 2)`` of rectangles along lines ``origin + s*direction`` (``(n, 2)`` each,
    2D) from s0 to s1, ``width`` wide, centred on the line."""
    s0, s1, width = (np.asarray(v, dtype=float)[:, None] for v in (s0, s1, width))
    perp = np.stack([-direction[:, 1], direction[:, 0]], axis=1) * (width / 2)
    p0, p1 = origin + s0 * direction, origin + s1 * direction
    return np.stack([p0 - perp, p1 - perp, p1 + perp, p0 + perp, p0 - perp], axis=1)


@dataclass(frozen=True)
class _SlotAsk:
    """One slot to place: in ``outline``, from beyond its edge at ``edge`` to ``mid`` along the line
    ``origin + s*direction``, ``width`` wide; ``neighbour``: the next stretch of material along the line
    outside the edge, which bounds how far out the slot may start."""

    outline: Polygon
    origin: np.ndarray
    direction: np.ndarray
    width: float
    edge: float
    mid: float
    opens_low: bool
    neighbour: float | None


def _slots(asks: list[_SlotAsk]) -> list[Polygon]:
    """The slots asked for, each from beyond its part's edge to its mid, all in a few vectorised calls.

    A slot's start is pushed out past every bit of the part's material within the slot's width that
    connects to the crossing, so the slot is open even where the edge is curved or slanted.
    """
    if not asks:
        return []
    origin, direction = np.array([k.origin for k in asks]), np.array([k.direction for k in asks])
    far = []
    for k in asks:
        sign = -1.0 if k.opens_low else 1.0
        f = k.edge + sign * (4 * k.width + 10 * TOL.slot_open_extra)
        far.append(f if k.neighbour is None else k.edge + sign * min(abs(f - k.edge), abs(k.neighbour - k.edge) / 2))
    mid, width = [k.mid for k in asks], [k.width for k in asks]
    probes = shapely.polygons(_strip_rings(origin, direction, far, mid, width))
    hits = shapely.intersection(probes, [k.outline for k in asks])
    pieces, owner = shapely.get_parts(hits, return_index=True)
    centres = shapely.points(np.array([k.origin + ((k.edge + k.mid) / 2) * k.direction for k in asks]))
    near = shapely.distance(pieces, centres[owner]) < TOL.length * 10
    start = [k.edge for k in asks]
    for piece, i, close in zip(pieces, owner, near):
        if close and piece.geom_type == "Polygon":  # the last such piece, as the slot ever took it
            k = asks[i]
            s = dot(shapely.get_coordinates(piece.exterior) - k.origin, k.direction)
            start[i] = float(s.min()) if k.opens_low else float(s.max())
    start = [r + (-1.0 if k.opens_low else 1.0) * TOL.slot_open_extra for k, r in zip(asks, start)]
    return list(shapely.polygons(_strip_rings(origin, direction, start, mid, width)))


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
    (out,) = cross_laps([(a, b)], clearance=clearance, share_a=share_a)
    if isinstance(out, JoineryError):
        raise out
    return out


def cross_laps(pairs, *, clearance: float, share_a=0.5) -> list[list[CrossLap] | JoineryError]:
    """:func:`cross_lap` of many pairs at once, its shapely work done in a few vectorised calls (a slice
    kit has hundreds of crossing pairs): per pair its joints, or the :class:`JoineryError` that
    :func:`cross_lap` raises for it. The same joints and slots as one pair at a time.

    ``share_a``: one fraction for every pair, or one per pair.
    """
    pairs = list(pairs)
    shares = [float(share_a)] * len(pairs) if np.isscalar(share_a) else [float(s) for s in share_a]
    for share in shares:
        if not 0 < share < 1:
            raise JoineryError(f"share_a must be between 0 and 1, got {share}")
    found, outlines = [], []
    crossing = _crossing_lines(pairs)
    local = _locals([(part, line[0], line[1]) for pair, line in zip(pairs, crossing) if line is not None
                     for part in pair])
    for line in crossing:
        if line is None:
            found.append(None)
            continue
        (oa, da, outline_a), (ob, db, outline_b) = next(local), next(local)
        found.append((*line, oa, da, ob, db))
        outlines += [outline_a, outline_b]
    origins = [f[k] for f in found if f is not None for k in (4, 6)]
    directions = [f[k] for f in found if f is not None for k in (5, 7)]
    lines = _lines_through(outlines, origins, directions)
    inside = iter(_spans_many(shapely.intersection(outlines, shapely.linestrings(lines)) if len(lines) else [],
                              origins, directions))
    results: list = []
    asks: list[_SlotAsk] = []
    for (a, b), line, share in zip(pairs, found, shares):
        if line is None:
            results.append([])
            continue
        p0, d, sin, cos, oa, da, ob, db = line
        ia, ib = next(inside), next(inside)
        mine: list[_SlotAsk] = []
        try:
            results.append(_plan(a, b, line, ia, ib, clearance, share, mine))
        except JoineryError as exc:
            results.append(exc)
            continue
        asks += mine
    slots = iter(_slots(asks))
    return [r if isinstance(r, JoineryError) else [CrossLap(joint, next(slots), next(slots)) for joint in r]
            for r in results]


def _plan(a: FlatPart, b: FlatPart, line: tuple, ia: list, ib: list, clearance: float, share_a: float,
          asks: list[_SlotAsk]) -> list[Joint]:
    """The joints where a's stretches ``ia`` and b's ``ib`` along their crossing line overlap, asking
    (appending to ``asks``) for each joint's slot in a then in b.

    Raises:
        JoineryError: along a crossing one part lies wholly inside the other.
    """
    p0, d, sin, cos, oa, da, ob, db = line
    cot = cos / sin
    width_a = (b.thickness + clearance) / sin + a.thickness * cot
    width_b = (a.thickness + clearance) / sin + b.thickness * cot
    out: list[Joint] = []
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
                asks += [_SlotAsk(a.outline, oa, da, width_a, alo, mid, True, ia[k - 1][1] if k else None),
                         _SlotAsk(b.outline, ob, db, width_b, bhi, mid, False,
                                  ib[m + 1][0] if m + 1 < len(ib) else None)]
            else:
                mid = hi - share_a * (hi - lo)
                asks += [_SlotAsk(a.outline, oa, da, width_a, ahi, mid, False,
                                  ia[k + 1][0] if k + 1 < len(ia) else None),
                         _SlotAsk(b.outline, ob, db, width_b, blo, mid, True, ib[m - 1][1] if m else None)]
            out.append(Joint("cross_lap", a.name, b.name, tuple(map(float, p0)), tuple(map(float, d)),
                             lo, mid, hi, width_a, width_b, math.degrees(math.asin(min(1.0, sin))),
                             "lo" if a_low else "hi"))
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
