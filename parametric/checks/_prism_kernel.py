"""numba kernel of :mod:`.prisms`: an upper bound of the volume two flat plates share, from their outlines.

Plate ``P`` is the prism ``{origin + u*xdir + v*ydir + w*normal : (u, v) in outline, |w| <= t/2}``
(exactly the solid :mod:`parametric.mesh` extrudes). For two plates whose mid-planes cross, take the
crossing direction ``d = nA x nB / sin`` and, per plate, the in-plane direction across it (``eA = nA x d``,
``eB = nB x d``). A point ``x`` is ``(s, a, b)`` with ``s = x.d`` and ``a``, ``b`` its offsets along
``eA``, ``eB`` from the crossing line; ``ds da db = sin * dV``. It lies in plate A when ``(s, a)`` lies in
A's outline and ``|wA| <= tA/2``, in plate B likewise with ``(s, b)``. Both slab conditions hold only
inside a parallelogram of ``(a, b)`` whose bounding box is ``Ra x Rb`` (``Ra`` = ``|a| <= (tB/2 +
|cos| tA/2) / sin``, ``Rb`` likewise), so

    V <= (1/sin) * integral over s of fA(s) * fB(s),

``fA(s)`` = the length of A's chord at ``s`` (across ``d``) inside ``Ra``, ``fB`` likewise. For
perpendicular plates the parallelogram is that box and the bound is the volume. ``fA`` and ``fB`` are
linear between the ``s`` of the outlines' vertices and of their edges' crossings with the band edges, so
two-point Gauss-Legendre on each such piece integrates the product exactly (and never samples a
vertex, where a chord along an edge would be ambiguous).

The chord inside the band is the even-odd rule with each crossing clamped to the band: ``sum over
crossing edges of sign(ds) * (clamp(a) - lo)`` (an edge below the band adds 0), its absolute value
(a mirrored frame reverses every ring's turn).
"""

from __future__ import annotations

import numpy as np

from ._chord_kernel import njit


@njit(cache=True)
def _project(origin, xdir, ydir, p0, p1, base, d, e, s0, a0, s1, a1):
    """The plate's edges ``p0[i] -> p1[i]`` (outline u, v) as ``(s, a)``: ``s = x.d``, ``a = (x - base).e``."""
    os_ = origin[0] * d[0] + origin[1] * d[1] + origin[2] * d[2]
    oa = (origin[0] - base[0]) * e[0] + (origin[1] - base[1]) * e[1] + (origin[2] - base[2]) * e[2]
    xd = xdir[0] * d[0] + xdir[1] * d[1] + xdir[2] * d[2]
    yd = ydir[0] * d[0] + ydir[1] * d[1] + ydir[2] * d[2]
    xe = xdir[0] * e[0] + xdir[1] * e[1] + xdir[2] * e[2]
    ye = ydir[0] * e[0] + ydir[1] * e[1] + ydir[2] * e[2]
    for i in range(p0.shape[0]):
        s0[i] = os_ + p0[i, 0] * xd + p0[i, 1] * yd
        a0[i] = oa + p0[i, 0] * xe + p0[i, 1] * ye
        s1[i] = os_ + p1[i, 0] * xd + p1[i, 1] * yd
        a1[i] = oa + p1[i, 0] * xe + p1[i, 1] * ye


@njit(cache=True)
def _support(s0, a0, s1, a1, lo, hi):
    """The ``s`` range of the edges that reach the band ``lo <= a <= hi`` (empty: ``(inf, -inf)``)."""
    first, last = np.inf, -np.inf
    for i in range(s0.shape[0]):
        if max(a0[i], a1[i]) >= lo and min(a0[i], a1[i]) <= hi:
            first = min(first, s0[i], s1[i])
            last = max(last, s0[i], s1[i])
    return first, last


@njit(cache=True)
def _breaks(s0, a0, s1, a1, lo, hi, first, last, out, n):
    """Append to ``out[n:]`` the ``s`` inside ``(first, last)`` of the edges' starts and of their
    crossings with ``a = lo`` and ``a = hi``; returns the new count."""
    for i in range(s0.shape[0]):
        if first < s0[i] < last:
            out[n] = s0[i]
            n += 1
        for level in (lo, hi):
            if (a0[i] - level) * (a1[i] - level) < 0.0:
                s = s0[i] + (s1[i] - s0[i]) * (level - a0[i]) / (a1[i] - a0[i])
                if first < s < last:
                    out[n] = s
                    n += 1
    return n


@njit(cache=True)
def _keep(s0, a0, s1, a1, lo, first, last):
    """Indices of the edges that can cross a line ``s`` in ``(first, last)`` and are not all below the band."""
    idx = np.empty(s0.shape[0], np.int64)
    m = 0
    for i in range(s0.shape[0]):
        if max(s0[i], s1[i]) > first and min(s0[i], s1[i]) < last and max(a0[i], a1[i]) > lo:
            idx[m] = i
            m += 1
    return idx[:m]


@njit(cache=True)
def _band_chord(s0, a0, s1, a1, idx, g, lo, hi):
    """The length of the outline's chord at ``s = g`` inside ``lo <= a <= hi``."""
    total = 0.0
    for k in range(idx.shape[0]):
        i = idx[k]
        if (s0[i] > g) != (s1[i] > g):
            a = a0[i] + (a1[i] - a0[i]) * ((g - s0[i]) / (s1[i] - s0[i]))
            a = min(max(a, lo), hi) - lo
            total += a if s1[i] > s0[i] else -a
    return abs(total)


@njit(cache=True)
def crossing_bound(oa, xa, ya, na, ta, pa0, pa1, ob, xb, yb, nb, tb, pb0, pb1, min_sin):
    """Upper bound of the volume plates A and B share, mm^3 (exact when they are perpendicular), or
    -1.0 when their mid-planes are closer to parallel than ``min_sin`` (the bound needs a crossing).

    Args:
        oa, xa, ya, na: plate A's frame (origin, xdir, ydir, unit normal), ``(3,)`` each; ta: its thickness.
        pa0, pa1: ``(E, 2)`` start and end points of every edge of A's outline (every ring).
        ob, xb, yb, nb, tb, pb0, pb1: the same of plate B.
        min_sin: the sine of the angle below which the planes count as parallel.
    """
    d = np.array([na[1] * nb[2] - na[2] * nb[1], na[2] * nb[0] - na[0] * nb[2], na[0] * nb[1] - na[1] * nb[0]])
    sin = np.sqrt(d[0] * d[0] + d[1] * d[1] + d[2] * d[2])
    if sin < min_sin:
        return -1.0
    d /= sin
    cos = na[0] * nb[0] + na[1] * nb[1] + na[2] * nb[2]
    ha = na[0] * oa[0] + na[1] * oa[1] + na[2] * oa[2]
    hb = nb[0] * ob[0] + nb[1] * ob[1] + nb[2] * ob[2]
    sin2 = sin * sin
    alpha, beta = (ha - cos * hb) / sin2, (hb - cos * ha) / sin2
    base = alpha * na + beta * nb  # on both mid-planes
    ea = np.array([na[1] * d[2] - na[2] * d[1], na[2] * d[0] - na[0] * d[2], na[0] * d[1] - na[1] * d[0]])
    eb = np.array([nb[1] * d[2] - nb[2] * d[1], nb[2] * d[0] - nb[0] * d[2], nb[0] * d[1] - nb[1] * d[0]])
    half_a = (tb / 2 + abs(cos) * ta / 2) / sin  # |a| = |wB - cos wA| / sin over the slabs' parallelogram
    half_b = (ta / 2 + abs(cos) * tb / 2) / sin
    ea_n, eb_n = pa0.shape[0], pb0.shape[0]
    sa0, aa0, sa1, aa1 = np.empty(ea_n), np.empty(ea_n), np.empty(ea_n), np.empty(ea_n)
    sb0, ab0, sb1, ab1 = np.empty(eb_n), np.empty(eb_n), np.empty(eb_n), np.empty(eb_n)
    _project(oa, xa, ya, pa0, pa1, base, d, ea, sa0, aa0, sa1, aa1)
    _project(ob, xb, yb, pb0, pb1, base, d, eb, sb0, ab0, sb1, ab1)
    first_a, last_a = _support(sa0, aa0, sa1, aa1, -half_a, half_a)
    first_b, last_b = _support(sb0, ab0, sb1, ab1, -half_b, half_b)
    first, last = max(first_a, first_b), min(last_a, last_b)
    if not first < last:
        return 0.0
    cuts = np.empty(3 * (ea_n + eb_n) + 2)
    cuts[0], cuts[1] = first, last
    n = _breaks(sa0, aa0, sa1, aa1, -half_a, half_a, first, last, cuts, 2)
    n = _breaks(sb0, ab0, sb1, ab1, -half_b, half_b, first, last, cuts, n)
    cuts = np.unique(cuts[:n])
    keep_a = _keep(sa0, aa0, sa1, aa1, -half_a, first, last)
    keep_b = _keep(sb0, ab0, sb1, ab1, -half_b, first, last)
    node = 0.5 / np.sqrt(3.0)
    total = 0.0
    for j in range(cuts.shape[0] - 1):
        width = cuts[j + 1] - cuts[j]
        if width <= 0.0:
            continue
        mid = 0.5 * (cuts[j] + cuts[j + 1])
        for g in (mid - node * width, mid + node * width):
            fa = _band_chord(sa0, aa0, sa1, aa1, keep_a, g, -half_a, half_a)
            if fa > 0.0:
                total += 0.5 * width * fa * _band_chord(sb0, ab0, sb1, ab1, keep_b, g, -half_b, half_b)
    return total / sin
