"""numba kernel of :func:`fabrication.export.arcfit.fit_arcs` (with the chord kernel's ``njit``): the
greedy walk over a contour's runs of straight segments (:func:`fit_walk`), each run the longest arc
or line :func:`.arcfit.fit_run` accepts, found by galloping then bisection as in the Python form.

The numpy form paid ~0.15 ms of small-array overhead per candidate run (about twenty per contour).
Here every test is :func:`.arcfit.fit_run`'s term by term, looped: the same vertices are kept and the
same runs accepted; only the projections on the chord's direction and normal and the least-squares
sums are added in their own order instead of numpy's (BLAS) matrix products, so a bulge may differ
from the numpy form's in its last bits (~1e-16 relative; a run whose deviation lies that close to
the tolerance could be decided either way, as it could by another BLAS): :func:`.arcfit.fit_arcs`
takes each arc's bulge from :func:`.arcfit.fit_run` again. The turns at the vertices come from the
caller (numpy's ``arctan2``), so the corners are the same to the bit.

With ``D4D_NO_NUMBA=1`` the same functions run as plain Python (the reference twin).
"""

from __future__ import annotations

import math

import numpy as np

from parametric.checks._chord_kernel import njit  # numba's, or plain Python with D4D_NO_NUMBA=1


@njit(cache=True)
def fit_span(pts, i, j, tol, turns, min_segments, max_turn):
    """:func:`.arcfit.fit_run` of ``pts[i..j]`` (inclusive) with the turns ``turns[k - 1]`` at each
    inner vertex ``k``: ``(True, bulge)`` (0.0: a straight line) or ``(False, 0.0)`` when neither an
    arc nor a line stays within ``tol`` of it."""
    ax, ay, bx, by = pts[i, 0], pts[i, 1], pts[j, 0], pts[j, 1]
    cx, cy = bx - ax, by - ay
    length = math.hypot(cx, cy)
    if length < 1e-9 or j - i < 2:
        return False, 0.0
    ux, uy = cx / length, cy / length
    nx, ny = -uy, ux
    mx, my = (ax + bx) / 2, (ay + by) / 2
    worst = 0.0
    for k in range(i + 1, j):
        worst = max(worst, abs((pts[k, 0] - mx) * nx + (pts[k, 1] - my) * ny))
    if worst <= tol:
        straight = True
        prev = pts[i, 0] * ux + pts[i, 1] * uy
        for k in range(i + 1, j + 1):
            along = pts[k, 0] * ux + pts[k, 1] * uy
            if not along > prev:
                straight = False
                break
            prev = along
        if straight:
            return True, 0.0
    if j - i < min_segments:
        return False, 0.0
    total, biggest = 0.0, 0.0
    for k in range(i, j - 1):
        total += turns[k]
        biggest = max(biggest, abs(turns[k]))
    sign = 1.0 if total > 0 else (-1.0 if total < 0 else 0.0)
    if sign == 0.0 or biggest > max_turn:
        return False, 0.0
    for k in range(i, j - 1):
        if turns[k] * sign <= 0:
            return False, 0.0
    half = length / 2
    num, den = 0.0, 0.0
    for k in range(i + 1, j):
        px, py = pts[k, 0] - mx, pts[k, 1] - my
        off = px * nx + py * ny
        num += ((px * px + py * py) - half * half) * off
        den += off * off
    s = num / (2 * den)
    ox, oy = mx + s * nx, my + s * ny
    radius = math.hypot(half, s)
    # circle_deviation: vertices off the circle either way, chords cutting inside it
    dev, nearest = 0.0, math.inf
    for k in range(i, j + 1):
        dev = max(dev, abs(math.hypot(pts[k, 0] - ox, pts[k, 1] - oy) - radius))
    for k in range(i, j):
        ex, ey = pts[k + 1, 0] - pts[k, 0], pts[k + 1, 1] - pts[k, 1]
        ee = max(ex * ex + ey * ey, 1e-300)
        t = min(max(((ox - pts[k, 0]) * ex + (oy - pts[k, 1]) * ey) / ee, 0.0), 1.0)
        nearest = min(nearest, math.hypot(ox - (pts[k, 0] + t * ex), oy - (pts[k, 1] + t * ey)))
    if max(dev, radius - nearest) > tol:
        return False, 0.0
    # the angles around the centre, unwrapped (np.unwrap), must run one way, less than a full turn
    first = math.atan2(pts[i, 1] - oy, pts[i, 0] - ox)
    prev_raw, prev_up, correct = first, first, 0.0
    for k in range(i + 1, j + 1):
        raw = math.atan2(pts[k, 1] - oy, pts[k, 0] - ox)
        dd = raw - prev_raw
        ddmod = (dd + math.pi) % (2 * math.pi) - math.pi  # np.mod's floats: Python's %, fmod then sign
        if ddmod == -math.pi and dd > 0:
            ddmod = math.pi
        if abs(dd) >= math.pi:
            correct += ddmod - dd
        up = raw + correct
        if (up - prev_up) * sign <= 0:
            return False, 0.0
        prev_raw, prev_up = raw, up
    sweep = prev_up - first
    if abs(sweep) >= 2 * math.pi - 1e-6:
        return False, 0.0
    return True, math.tan(sweep / 4)


@njit(cache=True)
def _longest(pts, i, end, tol, sharp, turns, min_segments, max_turn):
    """The farthest ``j`` (``i < j <= end``) whose run ``pts[i..j]`` fits (:func:`fit_span`), and its
    bulge; ``(i + 1, 0.0)`` (the one segment) when none longer does. Galloping from ``min_segments``
    segments, then bisection. ``sharp``: the sorted indices of the vertices no run passes through (a
    turn beyond the largest: neither a line nor an arc could; the ring's first vertex)."""
    k = np.searchsorted(sharp, i + 1)
    if k < len(sharp):
        end = min(end, sharp[k])
    if end - i == 1:
        return i + 1, 0.0  # one segment between corners: nothing to join
    best, bulge = i + 1, 0.0
    ok, fit = fit_span(pts, i, i + 2, tol, turns, min_segments, max_turn)
    if ok and fit == 0.0:
        best = i + 2  # two segments on one line (too few for an arc)
    if end - i == 2:
        return best, bulge  # the galloping would try those two segments again
    step, lo, hi = min_segments, best, end
    while True:
        j = min(i + step, end)
        ok, fit = fit_span(pts, i, j, tol, turns, min_segments, max_turn)
        if not ok:
            hi = j
            break
        best, bulge, lo = j, fit, j
        if j == end:
            return best, bulge
        step *= 2
    while hi - lo > 1:
        mid = (lo + hi) // 2
        ok, fit = fit_span(pts, i, mid, tol, turns, min_segments, max_turn)
        if not ok:
            hi = mid
        else:
            best, bulge, lo = mid, fit, mid
    return best, bulge


@njit(cache=True)
def fit_walk(pts, bulges, turns, sharp, tol, min_segments, max_turn):
    """The vertices :func:`.arcfit.fit_arcs` keeps of the ``n + 1`` points ``pts`` (the ring from its
    start, closed) with the segments' ``bulges``: ``(index, bulge)`` arrays, in order. Bulged
    segments are kept; each run of straight ones is walked greedily by longest fits."""
    n = len(bulges)
    run_end = np.empty(n, dtype=np.int64)  # where the run of straight segments from each vertex ends
    end = n
    for k in range(n - 1, -1, -1):
        if bulges[k] != 0:
            end = k
        run_end[k] = end
    index = np.empty(n, dtype=np.int64)
    bulge = np.empty(n, dtype=np.float64)
    count, i = 0, 0
    while i < n:
        if bulges[i] != 0:
            j, b = i + 1, bulges[i]
        else:
            j, b = _longest(pts, i, run_end[i], tol, sharp, turns, min_segments, max_turn)
        index[count], bulge[count] = i, b
        count += 1
        i = j
    return index[:count], bulge[:count]
