"""numba kernel of :func:`fabrication.relief.relief_depth` (with the chord kernel's ``njit``): how far
the relief pieces reach from the drawn voids inside a convex window, without a shapely intersection
per piece.

The fit takes the largest distance to the voids over the vertices of ``intersection(piece, window)``.
For a convex window those vertices are, away from degenerate contacts, exactly: the piece's vertices
inside the window, the crossings of its edges with the window's edges, and the window's corners inside
the piece. Distances are GEOS's point-to-segment distance term by term (:func:`seg_distance`), so a
piece vertex measures to the bit as ``shapely.distance`` does; a crossing is interpolated here, not by
GEOS's noder, so it may sit a few ulps over the crossing's sine (at least 1e-3, else shapely answers)
from GEOS's: ~1e-10 mm on a 1 m part at worst (on 48k captured fits the depths agree to the bit).
A piece vertex within :data:`EPS` of the window's boundary may or may not be a vertex of GEOS's
result: it is not counted, but every point of its two edges is bounded (:func:`_edge_bound`), and
the answer stands only when that bound stays below the counted maximum. Whatever else is in doubt (a
non-convex window, a crossing near a window corner or at a grazing angle, a corner on a piece's
boundary, an area within reach of the fit's 1e-6 mm^2 cut-off) returns ``ok = False``: the caller
then asks shapely.

With ``D4D_NO_NUMBA=1`` the same functions run as plain Python (the reference twin).
"""

from __future__ import annotations

import math

import numpy as np

from parametric.checks._chord_kernel import njit  # numba's, or plain Python with D4D_NO_NUMBA=1

#: a point this close (mm) to a window edge's line, or a window corner this close to a piece's
#: boundary, is a contact whose place in GEOS's result is in doubt
EPS = 1e-9
#: below this area (mm^2) of the pieces in the window, the caller's 1e-6 mm^2 cut-off is left to shapely
MIN_AREA = 2e-6


@njit(cache=True)
def seg_distance(px, py, ax, ay, bx, by):
    """Distance from ``(px, py)`` to the segment ``a b``: GEOS ``Distance::pointToSegment`` term by term."""
    if ax == bx and ay == by:
        return math.sqrt((px - ax) * (px - ax) + (py - ay) * (py - ay))
    dx = bx - ax
    dy = by - ay
    len2 = dx * dx + dy * dy
    r = ((px - ax) * dx + (py - ay) * dy) / len2
    if r <= 0.0:
        return math.sqrt((px - ax) * (px - ax) + (py - ay) * (py - ay))
    if r >= 1.0:
        return math.sqrt((px - bx) * (px - bx) + (py - by) * (py - by))
    s = ((ay - py) * dx - (ax - px) * dy) / len2
    return abs(s) * math.sqrt(len2)


@njit(cache=True)
def _to_voids(px, py, seg):
    """Distance from ``(px, py)`` to the nearest of the void edges ``seg`` ``(S, 4)``."""
    best = math.inf
    for i in range(seg.shape[0]):
        d = seg_distance(px, py, seg[i, 0], seg[i, 1], seg[i, 2], seg[i, 3])
        if d < best:
            best = d
    return best


@njit(cache=True)
def farthest(xy, seg):
    """The largest, over the points ``xy`` ``(P, 2)``, of the distance to the nearest void edge ``seg``
    ``(S, 4)``: ``shapely.distance``'s to the bit for points on or outside the voids."""
    best = -math.inf
    for j in range(xy.shape[0]):
        best = max(best, _to_voids(xy[j, 0], xy[j, 1], seg))
    return best


@njit(cache=True)
def _edge_bound(vx, vy, ux, uy, dv, du, seg):
    """An upper bound of the distance to the voids along the edge ``v u`` (``dv``, ``du``: its ends'):
    ``(dv + du + |uv|) / 2`` (distance is 1-Lipschitz), or, tighter for an edge along a void edge, the
    farther end's distance to one void edge (distance to a segment is convex along a segment)."""
    bound = (dv + du + math.hypot(ux - vx, uy - vy)) / 2
    for i in range(seg.shape[0]):
        a = seg_distance(vx, vy, seg[i, 0], seg[i, 1], seg[i, 2], seg[i, 3])
        b = seg_distance(ux, uy, seg[i, 0], seg[i, 1], seg[i, 2], seg[i, 3])
        bound = min(bound, max(a, b))
    return bound


@njit(cache=True)
def _side(win, unit, i, px, py):
    """Signed distance of ``(px, py)`` from window edge ``i``'s line (positive inside a CCW window)."""
    return unit[i, 0] * (py - win[i, 1]) - unit[i, 1] * (px - win[i, 0])


@njit(cache=True)
def _inside_except(win, unit, active, skip, px, py):
    """The least signed distance of ``(px, py)`` from the lines of window edges ``active``, edge ``skip``
    left out."""
    g = math.inf
    for i in active:
        if i != skip:
            g = min(g, _side(win, unit, i, px, py))
    return g


@njit(cache=True)
def _clipped_area(xy, s, n, win, unit, active):
    """Area of ring ``xy[s:s+n]`` clipped to the convex window's edges ``active`` (Sutherland-Hodgman;
    exact for any ring against a convex window up to rounding), or -1.0 when the buffers would overflow."""
    cap = 4 * (n + unit.shape[0]) + 8
    cur = np.empty((cap, 2))
    nxt = np.empty((cap, 2))
    cur[:n] = xy[s:s + n]
    m = n
    for i in active:
        k = 0
        for j in range(m):
            p, q = cur[j - 1 if j else m - 1], cur[j]
            fp = _side(win, unit, i, p[0], p[1])
            fq = _side(win, unit, i, q[0], q[1])
            if (fp >= 0.0) != (fq >= 0.0):
                if k >= cap:
                    return -1.0
                t = fp / (fp - fq)
                nxt[k, 0] = p[0] + (q[0] - p[0]) * t
                nxt[k, 1] = p[1] + (q[1] - p[1]) * t
                k += 1
            if fq >= 0.0:
                if k >= cap:
                    return -1.0
                nxt[k] = q
                k += 1
        cur, nxt, m = nxt, cur, k
    area = 0.0
    for j in range(m):
        h = j - 1 if j else m - 1
        area += cur[h, 0] * cur[j, 1] - cur[j, 0] * cur[h, 1]
    return abs(area) / 2.0


@njit(cache=True)
def _corner_in_ring(xy, s, n, cx, cy):
    """1 when ``(cx, cy)`` is inside ring ``xy[s:s+n]``, 0 outside, -1 within :data:`EPS` of its boundary."""
    inside = False
    for j in range(n):
        h = s + j - 1 if j else s + n - 1
        ax, ay, bx, by = xy[h, 0], xy[h, 1], xy[s + j, 0], xy[s + j, 1]
        if seg_distance(cx, cy, ax, ay, bx, by) <= EPS:
            return -1
        if (ay > cy) != (by > cy) and cx < ax + (bx - ax) * (cy - ay) / (by - ay):
            inside = not inside
    return 1 if inside else 0


@njit(cache=True)
def relief_reach(xy, starts, ends, win, seg):
    """``(ok, depth)``: the largest distance to the void edges ``seg`` ``(S, 4)`` over the vertices of the
    relief pieces (closed rings ``xy[starts[k]:ends[k]]``) cut to the closed CCW window ring ``win``;
    ``ok`` is False where the answer is in doubt (see the module docstring)."""
    nw = win.shape[0] - 1
    unit = np.empty((nw, 2))
    for i in range(nw):
        dx, dy = win[i + 1, 0] - win[i, 0], win[i + 1, 1] - win[i, 1]
        length = math.hypot(dx, dy)
        if length < 1e-9:
            return False, 0.0
        unit[i, 0], unit[i, 1] = dx / length, dy / length
    for i in range(nw):  # convex and counter-clockwise: every corner on or inside every edge's line
        for j in range(nw):
            if _side(win, unit, i, win[j, 0], win[j, 1]) < -EPS:
                return False, 0.0
    best, doubt, area = -1.0, -1.0, 0.0
    for k in range(starts.shape[0]):
        s, n = starts[k], ends[k] - starts[k] - 1
        x0, y0 = xy[s:s + n, 0].min() - 2 * EPS, xy[s:s + n, 1].min() - 2 * EPS
        x1, y1 = xy[s:s + n, 0].max() + 2 * EPS, xy[s:s + n, 1].max() + 2 * EPS
        # the window edges whose line the piece's box reaches: the others leave the whole piece inside
        active = np.array([i for i in range(nw) if min(_side(win, unit, i, x0, y0), _side(win, unit, i, x1, y0),
                                                        _side(win, unit, i, x0, y1), _side(win, unit, i, x1, y1)) <= EPS],
                          dtype=np.int64)
        g = np.empty(n)
        d = np.empty(n)
        for j in range(n):
            g[j] = _inside_except(win, unit, active, -1, xy[s + j, 0], xy[s + j, 1])
            d[j] = _to_voids(xy[s + j, 0], xy[s + j, 1], seg)
        for j in range(n):
            u = (j + 1) % n
            vx, vy, ux, uy = xy[s + j, 0], xy[s + j, 1], xy[s + u, 0], xy[s + u, 1]
            length = math.hypot(ux - vx, uy - vy)
            if g[j] > EPS:
                best = max(best, d[j])
            elif g[j] >= -EPS:  # on the window's boundary: bound what GEOS may make of its two edges
                w = (j + n - 1) % n
                doubt = max(doubt, _edge_bound(vx, vy, ux, uy, d[j], d[u], seg),
                            _edge_bound(vx, vy, xy[s + w, 0], xy[s + w, 1], d[j], d[w], seg))
            for i in active:
                fv = _side(win, unit, i, vx, vy)
                fu = _side(win, unit, i, ux, uy)
                if not ((fv > EPS and fu < -EPS) or (fv < -EPS and fu > EPS)):
                    continue
                if abs(fv - fu) < 1e-3 * length:  # a grazing crossing: its place is ill-conditioned
                    return False, 0.0
                t = fv / (fv - fu)
                cx, cy = vx + (ux - vx) * t, vy + (uy - vy) * t
                gx = _inside_except(win, unit, active, i, cx, cy)
                if gx > EPS:
                    best = max(best, _to_voids(cx, cy, seg))
                elif gx >= -EPS:  # at a window corner
                    return False, 0.0
        for c in range(nw):
            if not (x0 <= win[c, 0] <= x1 and y0 <= win[c, 1] <= y1):
                continue  # outside the piece's box: outside the piece, and not on its boundary
            at = _corner_in_ring(xy, s, n, win[c, 0], win[c, 1])
            if at < 0:
                return False, 0.0
            if at:
                best = max(best, _to_voids(win[c, 0], win[c, 1], seg))
        a = _clipped_area(xy, s, n, win, unit, active)
        if a < 0.0:
            return False, 0.0
        area += a
    if area < MIN_AREA or best < 0.0 or doubt >= best - EPS:
        return False, 0.0
    return True, best
