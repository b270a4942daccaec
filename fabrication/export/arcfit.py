"""True arcs for cut contours: runs of short segments that follow a circle become one bulged arc.

Models build their curves as shapely polygons: fillets and round seats are sampled circles
(``buffer``), side profiles are sampled B-splines. A CAM program given those chords cuts hundreds
of tiny moves (slow, faceted on a router: the feed drops at every vertex). Here every run of
straight segments of a closed contour is replaced, greedily from a corner, by the longest arcs (or
straight lines) that stay within :data:`ARC_TOL` of the original polyline: every vertex and every
point of every chord (the deviation is measured, not assumed; see :func:`fit_run`). A contour that
is one whole circle (a round hole, a round seat) becomes two half-circle bulges, from where it started. Relief arcs
(already bulged, :func:`.sheetwalk.ring_with_bulges`) are kept as they are.

Rules (ours): an arc spans at least :data:`MIN_ARC_SEGMENTS` segments and turns the same way at
every vertex by at most :data:`MAX_TURN_DEG`, so a deliberately faceted shape (an octagon, a
chamfered corner) keeps its corners; an arc sweeps less than a full turn.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from ._arcfit_kernel import fit_walk

#: largest distance (mm) between a written arc and the polyline it replaces: the top of the 0.01-0.05 mm
#: chord tolerance CAM programs flatten arcs with (fabrication-reference.md section 3, "flatten at
#: 0.01-0.05 mm chord"), so the round trip stays within what CAM itself would do. Models sample circles
#: with a chord sag of up to 0.024 mm (a 20 mm fillet at 16 segments a quarter) and 0.052 mm (a 175 mm
#: round seat at 32): within this, those chords are taken as the circle they were sampled from.
ARC_TOL = 0.05
#: fewest segments an arc replaces (ours: two segments are a corner, not a curve)
MIN_ARC_SEGMENTS = 3
#: largest turn at one vertex inside an arc (degrees; ours): sampled curves turn 2-6 degrees per segment
#: (16 segments a quarter turn 5.6), a hexadecagon 22.5; an octagon's 45 stays a corner
MAX_TURN_DEG = 20.0
#: fewest segments a contour needs to be written as one whole circle (ours)
MIN_CIRCLE_SEGMENTS = 8

Vertex = tuple[float, float, float]

_MAX_TURN = math.radians(MAX_TURN_DEG)


def _segment_distance(centre: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Distance from ``centre`` to each segment ``a[k] -> b[k]`` (its nearest point)."""
    e = b - a
    ee = np.maximum((e * e).sum(axis=1), 1e-300)
    t = np.minimum(np.maximum(((centre - a) * e).sum(axis=1) / ee, 0.0), 1.0)  # np.clip, without its overhead
    return np.hypot(*(centre - (a + t[:, None] * e)).T)


def circle_deviation(pts: np.ndarray, centre: np.ndarray, radius: float) -> float:
    """Largest distance between the circle and the open polyline ``pts`` (mm): vertices off the
    circle either way, and chords cutting inside it (the distance of a chord's points from the
    centre is convex along it, so its extremes are its ends and its nearest point)."""
    d_vertex = np.hypot(*(pts - centre).T)
    d_chord = _segment_distance(centre, pts[:-1], pts[1:])
    return float(max(np.abs(d_vertex - radius).max(), radius - d_chord.min()))


def _turns(pts: np.ndarray) -> np.ndarray:
    """Signed turn (radians) at each interior vertex of an open polyline."""
    e = pts[1:] - pts[:-1]
    cross = e[:-1, 0] * e[1:, 1] - e[:-1, 1] * e[1:, 0]
    dot = (e[:-1] * e[1:]).sum(axis=1)
    return np.arctan2(cross, dot)


def fit_run(pts: np.ndarray, tol: float = ARC_TOL, turns: np.ndarray | None = None) -> float | None:
    """The bulge of one arc (or 0.0 for a straight line) from ``pts[0]`` to ``pts[-1]`` that stays
    within ``tol`` of the open polyline ``pts``, or None when neither fits; ``turns``: the polyline's
    turns (:func:`_turns`) when the caller has them. The reference of :func:`fit_arcs`' numba walk
    (:mod:`._arcfit_kernel`, which makes the same tests term by term).

    The arc passes through both ends (so the contour stays closed); its centre is the algebraic
    least-squares fit of the inner vertices on the ends' perpendicular bisector; the fit is then
    measured (:func:`circle_deviation`) and refused beyond ``tol``, when the vertices do not turn
    one way by at most :data:`MAX_TURN_DEG` each, or when the arc would not run through them in order.
    """
    a, b = pts[0], pts[-1]
    chord = b - a
    length = float(np.hypot(*chord))
    if length < 1e-9 or len(pts) < 3:
        return None
    u = chord / length
    normal = np.array([-u[1], u[0]])
    inner = pts[1:-1] - (a + b) / 2
    off = inner @ normal
    along = pts @ u
    if np.abs(off).max() <= tol and (along[1:] > along[:-1]).all():
        return 0.0  # a straight run: every vertex within tol of the chord, in order
    if len(pts) - 1 < MIN_ARC_SEGMENTS:
        return None
    if turns is None:
        turns = _turns(pts)
    sign = np.sign(turns.sum())
    if sign == 0 or (turns * sign <= 0).any() or np.abs(turns).max() > _MAX_TURN:
        return None
    half = length / 2
    s = float(((inner * inner).sum(axis=1) - half * half) @ off / (2 * (off @ off)))
    centre = (a + b) / 2 + s * normal
    radius = math.hypot(half, s)
    if circle_deviation(pts, centre, radius) > tol:
        return None
    angles = _unwrap(np.arctan2(pts[:, 1] - centre[1], pts[:, 0] - centre[0]))
    steps = angles[1:] - angles[:-1]
    sweep = float(angles[-1] - angles[0])
    if (steps * sign <= 0).any() or abs(sweep) >= 2 * math.pi - 1e-6:
        return None
    return math.tan(sweep / 4)


def _unwrap(p: np.ndarray) -> np.ndarray:
    """``np.unwrap(p)`` of a 1-d array, the same operations without its argument handling (it is called
    once per candidate arc)."""
    dd = p[1:] - p[:-1]
    ddmod = np.mod(dd + math.pi, 2 * math.pi) - math.pi
    np.copyto(ddmod, math.pi, where=(ddmod == -math.pi) & (dd > 0))
    correct = ddmod - dd
    np.copyto(correct, 0, where=np.abs(dd) < math.pi)
    up = p.copy()
    up[1:] = p[1:] + correct.cumsum()
    return up


def fit_circle(pts: np.ndarray, tol: float = ARC_TOL) -> tuple[float, float, float] | None:
    """``(cx, cy, r)`` when the closed ring ``pts`` (last point not repeated) is one circle within
    ``tol`` (measured both ways, :func:`circle_deviation`), else None. The centre is the algebraic
    (Kasa) fit; the radius splits the difference between the farthest vertex and the nearest chord."""
    if len(pts) < MIN_CIRCLE_SEGMENTS:
        return None
    closed = np.vstack([pts, pts[:1]])
    turns = _turns(np.vstack([closed, pts[1:2]]))
    if np.any(turns * np.sign(turns.sum()) <= 0) or np.abs(turns).max() > math.radians(MAX_TURN_DEG):
        return None
    m = np.column_stack([2 * pts, np.ones(len(pts))])
    (cx, cy, _), *_ = np.linalg.lstsq(m, (pts * pts).sum(axis=1), rcond=None)
    centre = np.array([cx, cy])
    far = float(np.hypot(*(pts - centre).T).max())
    near = float(_segment_distance(centre, closed[:-1], closed[1:]).min())
    radius = (far + near) / 2
    if circle_deviation(closed, centre, radius) > tol:
        return None
    return float(cx), float(cy), radius


def fit_arcs(ring: Sequence[Vertex], tol: float = ARC_TOL) -> list[Vertex]:
    """A closed contour's vertices ``(x, y, bulge)`` with its runs of straight segments rewritten as
    arcs and lines within ``tol`` of them (module docstring); bulged segments are kept.

    The runs are taken from a vertex where a bulged segment ends or, on a contour of straight
    segments only, where its longest segment starts, so no curve is split there; the result is
    written from the first kept vertex at or after the ring's own first one that a straight segment
    leads to (when there is one): the contour starts where it did, so the rapids stay as they were.
    Each run is the longest :func:`fit_run` accepts (galloping, then bisection), walked by the numba
    kernel :func:`._arcfit_kernel.fit_walk` (:func:`fit_run` is its numpy reference); each arc's bulge
    is then :func:`fit_run`'s own, so the files are the numpy walk's to the bit (~20 arcs a chair).
    """
    verts = np.asarray(ring, dtype=float).reshape(-1, 3)
    n = len(verts)
    if n < 3:
        return [tuple(map(float, v)) for v in verts]
    straight = verts[:, 2] == 0
    if straight.all():
        circle = fit_circle(verts[:, :2], tol)
        if circle is not None:
            cx, cy, r = circle
            x, y = verts[:, 0], verts[:, 1]
            ccw = 1.0 if float(np.dot(x, np.roll(y, -1)) - np.dot(np.roll(x, -1), y)) > 0 else -1.0
            a = math.atan2(y[0] - cy, x[0] - cx)  # starting where the ring did
            dx, dy = r * math.cos(a), r * math.sin(a)
            return [(cx + dx, cy + dy, ccw), (cx - dx, cy - dy, ccw)]
        chords = np.roll(verts[:, :2], -1, axis=0) - verts[:, :2]
        start = int(np.argmax(np.hypot(chords[:, 0], chords[:, 1])))  # the longest segment starts at an end of a curve
    else:
        start = (int(np.flatnonzero(~straight)[0]) + 1) % n  # right after a bulged segment
    order = (start + np.arange(n + 1)) % n
    pts, bulges = verts[order, :2], verts[order, 2]
    turns = _turns(pts)  # at pts[1:-1]
    sharp = np.flatnonzero(np.abs(turns) > math.radians(MAX_TURN_DEG)) + 1
    first = (n - start) % n  # ring[0] too: kept, so the contour starts where it did (sorted, once)
    at = int(np.searchsorted(sharp, first))
    if at == len(sharp) or sharp[at] != first:
        sharp = np.insert(sharp, at, first)
    kept, fitted = fit_walk(np.ascontiguousarray(pts), np.ascontiguousarray(bulges[:n]), turns,
                            sharp.astype(np.int64), float(tol), MIN_ARC_SEGMENTS, _MAX_TURN)
    # each fitted arc's bulge as numpy's fit_run makes it (the kernel's sums may differ in the last bit)
    ends = np.append(kept[1:], n)
    for k in np.flatnonzero((fitted != 0) & (bulges[kept] == 0)).tolist():
        i, j = int(kept[k]), int(ends[k])
        bulge = fit_run(pts[i:j + 1], tol, turns[i:j - 1])
        if bulge is not None:  # None: a run within rounding of the tolerance, the kernel's answer stands
            fitted[k] = bulge
    # written from the first vertex at or after ring[0] that a straight segment leads to (ring[0] itself
    # when it is kept): the contour starts where it did, so the cutting order and rapids stay; a reader
    # flattening the closing segment then closes the ring exactly (as ring_with_bulges starts)
    starts = np.flatnonzero(np.roll(fitted, 1) == 0)
    if len(starts):
        k = int(starts[np.argmin(order[kept[starts]])])  # order[kept]: each written vertex's index in ring
        kept, fitted = np.roll(kept, -k), np.roll(fitted, -k)
    return list(zip(*pts[kept].T.tolist(), fitted.tolist()))
