"""A part's nesting shape: the outline the packer moves (grown by half the spacing, its unusable
notches closed, simplified outwards) and its cut into convex pieces for the separating-axis kernels."""

from __future__ import annotations

import heapq

import numpy as np
import shapely
from shapely.geometry import Polygon
from shapely.geometry.polygon import orient

from parametric.tolerances import TOL

#: the notches closed in a part's nesting shape: narrower than this share of the spacing (see
#: :func:`nest_shape`; below 1 so the mitred closing stays inside the round one it stands for)
CLOSE_SHARE = 0.98
#: how far (mm) a chord may pass outside a concave stretch of a nesting shape it replaces (ours: a
#: curved rib's hollow side needs one convex piece per vertex; 1 mm of hollow is left unused)
CONCAVE_TOL = 1.0
#: how much area (a share of its own) a nesting shape may gain by dropping concave
#: vertices, cheapest first (:func:`_drop_concave`); sparrow's default simplification tolerance
#: (``poly_simpl_tolerance`` 0.001 in jagua-rs) bounds the same quantity
AREA_TOLERANCE = 0.001


def nest_shape(poly: Polygon, spacing: float, simplify: float = 0.2, concave_tol: float = CONCAVE_TOL) -> Polygon:
    """The shape the packer moves for ``poly`` (part mm, not rotated): the part grown by half the spacing
    (:func:`inflation`, mitred), always containing the true offset, with as few concave vertices as it can:

    - notches and holes narrower than the spacing are closed (a morphological closing by half the
      spacing): another part, itself grown by half the spacing, can never enter them, so no layout is
      lost (a slot, a relief, the gap between a rib's tabs);
    - the outline is simplified by ``simplify`` mm (it was grown by as much first; see :func:`_simplified`);
    - each run of concave vertices is replaced by chords passing at most ``concave_tol`` mm outside it
      (a chord across a hollow lies outside the part), so a curve's hollow side is a few convex
      pieces instead of one per vertex;
    - concave vertices are dropped, the cheapest first, while the area added stays within
      ``AREA_TOLERANCE`` of the shape's (:func:`_drop_concave`).

    A step whose result is not a valid polygon containing the step before is skipped. Without spacing
    only the last step is taken. Vertices within ``TOL.length`` of the one before are dropped first:
    GEOS's mitred buffer cuts a corner short at an edge 1e-134 mm long (no real part has one).
    """
    grow = inflation(spacing, simplify)
    if grow <= 0:
        return _drop_concave(poly, AREA_TOLERANCE)
    shape = shapely.remove_repeated_points(poly, TOL.length).buffer(grow, join_style="mitre", mitre_limit=4.0)
    r = spacing / 2 * CLOSE_SHARE
    closed = shape.buffer(r, join_style="mitre", mitre_limit=4.0).buffer(-r, join_style="mitre", mitre_limit=4.0)
    shape = _if_contains(closed.union(shape), shape)
    if simplify > 0:
        shape = _simplified(shape, simplify)
    if concave_tol > 0 and shape.geom_type == "Polygon":
        shape = _if_contains(_fill_concave(shape, concave_tol), shape)
    return _drop_concave(shape, AREA_TOLERANCE)


def _simplified(shape: Polygon, tol: float) -> Polygon:
    """``shape`` simplified so that no vertex of it lies more than ``tol`` mm outside the result.

    GEOS's simplifiers (3.14) may also drop a ring's first vertex after the Douglas-Peucker pass, and the
    two steps together can move the outline by more than ``tol`` (0.228 mm at 0.2 mm on a 1.9 mm-wide
    sliver); then half the tolerance is tried, and failing that the shape is kept as it is.
    """
    vertices = shapely.points(shapely.get_coordinates(shape))
    for t in (tol, tol / 2):
        candidate = shape.simplify(t, preserve_topology=True)
        if (candidate.geom_type == "Polygon" and candidate.is_valid
                and shapely.distance(vertices, candidate).max() <= tol * (1 + 1e-9)):
            return candidate
    return shape


def _if_contains(candidate, shape: Polygon) -> Polygon:
    """``candidate`` when it is one valid polygon containing ``shape`` (to round-off), else ``shape``."""
    if (candidate.geom_type == "Polygon" and candidate.is_valid
            and shape.difference(candidate).area <= 1e-9 * max(shape.area, 1.0)):
        return candidate
    return shape


def _fill_concave(shape: Polygon, tol: float) -> Polygon:
    """``shape`` with each run of concave (right-turning) exterior vertices replaced, greedily, by the
    fewest chords leaving every dropped vertex within ``tol`` mm; holes kept."""
    ring = np.asarray(orient(shape, 1.0).exterior.coords)[:-1]
    n = len(ring)
    reflex = _cross(ring) < 0
    if n < 4 or not reflex.any() or reflex.all():
        return shape
    order = (int(np.flatnonzero(~reflex)[0]) + np.arange(n + 1)) % n  # from a convex vertex, round to it
    pts = ring[order]
    keep, i = [], 0
    while i < n:
        keep.append(order[i])
        j = i + 1
        while j < n and reflex[order[j]]:  # try the chord i -> j + 1 over the concave vertices i+1..j
            e = pts[j + 1] - pts[i]
            length = float(np.hypot(*e))
            mids = pts[i + 1:j + 1]
            if length == 0 or (np.abs((mids[:, 0] - pts[i, 0]) * e[1] - (mids[:, 1] - pts[i, 1]) * e[0]).max()
                               > tol * length):
                break
            j += 1
        i = j
    if len(keep) == n:
        return shape
    return Polygon(ring[keep], [h.coords for h in shape.interiors])


def _drop_concave(shape: Polygon, share: float) -> Polygon:
    """``shape`` with concave (right-turning) exterior vertices dropped, the one adding the least area
    first, while the area added stays within ``share`` of the shape's own; holes kept. Dropping a
    concave vertex adds the triangle between it and its two neighbours, outside the shape, so the result
    contains ``shape``; a drop whose triangle would hold another vertex (the outline would cross
    itself) waits until a neighbour changes."""
    if shape.geom_type != "Polygon" or share <= 0:
        return shape
    ring = np.asarray(orient(shape, 1.0).exterior.coords)[:-1]
    n = len(ring)
    if n < 4:
        return shape
    others = np.vstack([ring] + [np.asarray(h.coords) for h in shape.interiors])
    prev, nxt = (np.arange(n) - 1) % n, (np.arange(n) + 1) % n
    alive = np.ones(n, dtype=bool)

    def added(i):  # the area dropping vertex i adds (> 0 at a concave vertex)
        (ax, ay), (bx, by), (cx, cy) = ring[prev[i]], ring[i], ring[nxt[i]]
        return 0.5 * ((cx - ax) * (by - ay) - (cy - ay) * (bx - ax))

    heap = [(a, i) for i in range(n) if (a := added(i)) > 0]
    heapq.heapify(heap)
    budget, alive_count = share * shape.area, n
    while heap and alive_count > 3:
        a, i = heapq.heappop(heap)
        if not alive[i] or a != added(i):
            continue  # dropped, or its neighbours changed since it was queued
        if a > budget:
            break
        p, q = prev[i], nxt[i]
        tri = np.array([ring[p], ring[q], ring[i]])  # counter-clockwise: the cut-off triangle
        e = np.roll(tri, -1, axis=0) - tri
        side = e[:, 0] * (others[:, None, 1] - tri[:, 1]) - e[:, 1] * (others[:, None, 0] - tri[:, 0])
        inside = (side >= 0).all(axis=1)
        inside[:n] &= alive
        inside[[p, q, i]] = False
        if inside.any():
            continue
        budget -= a
        alive[i] = False
        alive_count -= 1
        nxt[p], prev[q] = q, p
        for j in (p, q):
            if (b := added(j)) > 0:
                heapq.heappush(heap, (b, j))
    if alive_count == n:
        return shape
    return _if_contains(Polygon(ring[alive], [h.coords for h in shape.interiors]), shape)


def convex_pieces(shape: Polygon) -> list[np.ndarray]:
    """Cut a polygon (holes allowed) into convex pieces: a constrained Delaunay triangulation, then
    Hertel-Mehlhorn merging (drop a shared edge whenever the merged piece stays convex), which gives
    at most four times the minimum number of pieces. Pieces are counter-clockwise vertex arrays."""
    tris = shapely.constrained_delaunay_triangles(shape)
    xy = shapely.get_coordinates(tris).reshape(-1, 4, 2)[:, :3]  # each triangle's closed ring, 4 points
    ab, ac = xy[:, 1] - xy[:, 0], xy[:, 2] - xy[:, 0]
    cw = ab[:, 0] * ac[:, 1] - ab[:, 1] * ac[:, 0] < 0
    xy[cw] = xy[cw][:, [0, 2, 1]]  # counter-clockwise from the same vertex, as orient(t, 1.0) makes them
    polys = [[tuple(p) for p in tri] for tri in xy.tolist()]
    owner = {(c[i], c[(i + 1) % len(c)]): k for k, c in enumerate(polys) for i in range(len(c))}
    alive = set(range(len(polys)))
    scale = max(shape.bounds[2] - shape.bounds[0], shape.bounds[3] - shape.bounds[1], 1.0)
    for k in range(len(polys)):
        merged = True
        while merged and k in alive:
            merged = False
            c = polys[k]
            for i in range(len(c)):
                a, b = c[i], c[(i + 1) % len(c)]
                other = owner.get((b, a))
                if other is None or other == k or other not in alive:
                    continue
                d = polys[other]
                j = d.index(b)
                ring = c[i + 1:] + c[:i + 1] + [d[(j + 2 + m) % len(d)] for m in range(len(d) - 2)]
                if _convex_at(ring, (0, len(c) - 1), scale):
                    polys[k] = ring
                    alive.discard(other)
                    owner.update({(ring[m], ring[(m + 1) % len(ring)]): k for m in range(len(ring))})
                    merged = True
                    break
    return [_drop_collinear(np.array(polys[k]), scale) for k in sorted(alive)]


def _cross(ring: np.ndarray) -> np.ndarray:
    n = len(ring)
    prev, nxt = ring[np.arange(-1, n - 1)], ring[np.arange(1, n + 1) % n]
    return (ring[:, 0] - prev[:, 0]) * (nxt[:, 1] - ring[:, 1]) - (ring[:, 1] - prev[:, 1]) * (nxt[:, 0] - ring[:, 0])


def _convex_at(ring: list, at: tuple[int, ...], scale: float) -> bool:
    """Whether ``ring`` turns left (or goes straight) at the vertices ``at``: two convex pieces merged
    across a shared edge can only turn right at that edge's two ends (Hertel-Mehlhorn)."""
    n = len(ring)
    tol = -1e-12 * scale * scale
    for i in at:
        (px, py), (x, y), (nx, ny) = ring[i - 1], ring[i], ring[(i + 1) % n]
        if (x - px) * (ny - y) - (y - py) * (nx - x) < tol:
            return False
    return True


def _drop_collinear(ring: np.ndarray, scale: float) -> np.ndarray:
    keep = np.abs(_cross(ring)) > 1e-12 * scale * scale
    return ring[keep] if keep.sum() >= 3 else ring


def inflation(spacing: float, simplify: float = 0.2) -> float:
    """How far every part is grown (mm): half the spacing, plus the outward simplification."""
    return spacing / 2 + (simplify if spacing > 0 else 0.0)
