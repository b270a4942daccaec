"""numba kernel of :mod:`.chords` (the only module of ``parametric`` importing numba): the inside
stretches of many lines, each against its own polygon's edges, in one compiled call.

The arithmetic is :mod:`.chords`' even-odd rule term by term (an edge crosses a line when one end lies
strictly on one side and the other on or beyond it; the crossing's position along the line is
interpolated between the edge's ends), looped instead of broadcast: the numpy form paid ~0.7 ms of
array overhead per call on the few hundred edges of a part, and the fit measurement makes about fifty
such calls per chair. For parallel lines (the fit's windows) the projections on the lines' normal and
direction are made here too (:func:`parallel_chords`, :func:`window_chords`): products summed in
their own order, so within ~1e-13 mm of numpy's matrix products, not bit for bit.

With ``D4D_NO_NUMBA=1`` the same function runs as plain Python (the reference twin).
"""

from __future__ import annotations

import os

import numpy as np

if os.environ.get("D4D_NO_NUMBA"):
    def njit(*args, **kwargs):
        """Plain Python in place of numba's ``njit`` (``D4D_NO_NUMBA=1``)."""
        return args[0] if args and callable(args[0]) else (lambda f: f)
else:
    from numba import njit


@njit(cache=True)
def _crossings(wa, wb, sa, sb, first, last, offset, along, out):
    """The positions along a line where edges ``first..last-1`` cross it, written to ``out`` (when it
    has room) unsorted; returns how many. ``wa``, ``wb``: the edge ends' projections on the line's
    normal, ``sa``, ``sb``: on its direction; ``offset``, ``along``: the line start's."""
    n = 0
    for e in range(first, last):
        ha = wa[e] - offset
        hb = wb[e] - offset
        if (ha > 0.0) != (hb > 0.0):
            if out.shape[0]:
                out[n] = sa[e] + (sb[e] - sa[e]) * (ha / (ha - hb)) - along
            n += 1
    return n


@njit(cache=True)
def line_chords(wa, wb, sa, sb, edge_start, offsets, along, length, line_group, min_chord):
    """The inside stretches of ``M`` lines, each against the edges of its own polygon.

    Args:
        wa, wb: ``(R, E)`` the projections of the edges' start and end points on the lines' normal
            (``R == 1``: one normal for all lines, else one row per line); sa, sb: the same on the
            lines' direction. Polygon ``g``'s edges are columns ``edge_start[g]`` to
            ``edge_start[g + 1] - 1``.
        offsets, along: ``(M,)`` each line start's projections on the normal and the direction.
        length: ``(M,)`` each line's window; line_group: ``(M,)`` the polygon it is measured against.
        min_chord: stretches no longer than this (mm) are dropped.

    Returns:
        ``(lo, hi, count)``: ``(M, K)`` stretch starts and ends along each line, clipped to
        ``[0, length]`` and padded with infinity (``K``: half the most crossings of any line, rounded
        up), and ``(M,)`` how many stretches each line keeps.
    """
    m_count = offsets.shape[0]
    none = np.empty(0)
    width = 0
    for m in range(m_count):
        r = 0 if wa.shape[0] == 1 else m
        g = line_group[m]
        n = _crossings(wa[r], wb[r], sa[r], sb[r], edge_start[g], edge_start[g + 1], offsets[m], along[m], none)
        width = max(width, n)
    k_max = (width + 1) // 2
    lo = np.full((m_count, k_max), np.inf)
    hi = np.full((m_count, k_max), np.inf)
    count = np.zeros(m_count, np.int64)
    buf = np.empty(max(width, 1))
    for m in range(m_count):
        r = 0 if wa.shape[0] == 1 else m
        g = line_group[m]
        n = _crossings(wa[r], wb[r], sa[r], sb[r], edge_start[g], edge_start[g + 1], offsets[m], along[m], buf)
        s = np.sort(buf[:n])
        end = length[m]
        k = 0
        for j in range(0, n, 2):
            s0 = min(max(s[j], 0.0), end)
            s1 = min(max(s[j + 1], 0.0), end) if j + 1 < n else end  # an odd crossing pairs with the window's end
            if s1 - s0 > min_chord:
                lo[m, k] = s0
                hi[m, k] = s1
                k += 1
        count[m] = k
    return lo, hi, count


@njit(cache=True)
def parallel_chords(a, b, edge_start, starts, direction, length, line_group, min_chord):
    """:func:`line_chords` of parallel lines, the projections made here: the lines from ``starts``
    (``(M, 2)``) along the unit vector ``direction``, against the edges ``a[e] -> b[e]`` (``(E, 2)``)
    of their polygons, only the edges in the band the lines sweep kept (per polygon, in order)."""
    d0, d1 = direction[0], direction[1]
    p0, p1 = -d1, d0
    m_count = starts.shape[0]
    offsets = np.empty(m_count)
    along = np.empty(m_count)
    for m in range(m_count):
        offsets[m] = starts[m, 0] * p0 + starts[m, 1] * p1
        along[m] = starts[m, 0] * d0 + starts[m, 1] * d1
    low, high = offsets.min(), offsets.max()
    e_count = a.shape[0]
    wa = np.empty((1, e_count))
    wb = np.empty((1, e_count))
    sa = np.empty((1, e_count))
    sb = np.empty((1, e_count))
    before = np.zeros(e_count + 1, np.int64)  # how many edges before each are in the band
    n = 0
    for e in range(e_count):
        ha = a[e, 0] * p0 + a[e, 1] * p1
        hb = b[e, 0] * p0 + b[e, 1] * p1
        if max(ha, hb) >= low and min(ha, hb) <= high:
            wa[0, n], wb[0, n] = ha, hb
            sa[0, n] = a[e, 0] * d0 + a[e, 1] * d1
            sb[0, n] = b[e, 0] * d0 + b[e, 1] * d1
            n += 1
        before[e + 1] = n
    return line_chords(wa, wb, sa, sb, before[edge_start], offsets, along, length, line_group, min_chord)


@njit(cache=True)
def window_chords(a, b, edge_start, origin, along, across, s0, length, y0, y1, samples, min_chord):
    """:func:`parallel_chords` of ``samples`` lines along ``along``, from ``origin + s0 * along + y *
    across`` for ``y`` evenly spaced from ``y0`` to ``y1`` (``numpy.linspace``'s numbers), each
    ``length`` long, through every polygon of ``edge_start``: line ``g * samples + i`` is the ``i``-th
    through polygon ``g``."""
    groups = edge_start.shape[0] - 1
    m_count = groups * samples
    starts = np.empty((m_count, 2))
    line_group = np.empty(m_count, np.int64)
    step = (y1 - y0) / (samples - 1) if samples > 1 else 0.0
    for i in range(samples):
        y = y1 if i == samples - 1 else i * step + y0
        for j in range(2):
            starts[i, j] = (origin[j] + s0 * along[j]) + y * across[j]
    for g in range(groups):
        for i in range(samples):
            starts[g * samples + i] = starts[i]
            line_group[g * samples + i] = g
    return parallel_chords(a, b, edge_start, starts, along, np.full(m_count, length), line_group, min_chord)


@njit(cache=True)
def median_walls(lo, hi, count, length, centre, void):
    """The median ends, over the lines holding ``centre`` (as :func:`first_holding` finds them), of
    the stretch (or, with ``void``, the gap) holding it: ``(left, right, how many lines hold it)``;
    each median is the middle value, or the mean of the two middle ones."""
    left, right, found = first_holding(lo, hi, count, length, centre, void)
    n = 0
    for m in range(found.shape[0]):
        n += found[m]
    if n == 0:
        return 0.0, 0.0, 0
    lefts = np.sort(left[found])
    rights = np.sort(right[found])
    if n % 2:
        return lefts[n // 2], rights[n // 2], n
    return (lefts[n // 2 - 1] + lefts[n // 2]) / 2, (rights[n // 2 - 1] + rights[n // 2]) / 2, n


@njit(cache=True)
def first_holding(lo, hi, count, length, centre, void):
    """Per line, the first stretch (``lo``, ``hi``, ``count``: :func:`line_chords`' arrays) or, with
    ``void``, the first gap between stretches (window ends included: ``(0, lo0), (hi0, lo1), ...,
    (hi_last, length)``) holding ``centre`` within 1e-9 mm: ``(left, right, found)``; a line holding
    none gets its first stretch's (or gap's) ends and ``found`` False."""
    m_count, k_max = lo.shape
    left = np.zeros(m_count)
    right = np.zeros(m_count)
    found = np.zeros(m_count, np.bool_)
    if not void and k_max == 0:  # no line has material
        return left, right, found
    for m in range(m_count):
        n = k_max + 1 if void else k_max
        first_a, first_b = np.inf, np.inf
        for j in range(n):
            if void:
                a = 0.0 if j == 0 else hi[m, j - 1]
                b = length[m] if j == count[m] else (lo[m, j] if j < k_max else np.inf)
            else:
                a, b = lo[m, j], hi[m, j]
            if j == 0:
                first_a, first_b = a, b
            if a - 1e-9 <= centre <= b + 1e-9:
                left[m], right[m], found[m] = a, b, True
                break
        if not found[m]:
            left[m], right[m] = first_a, first_b
    return left, right, found
