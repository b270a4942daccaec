"""numba kernel of :func:`fabrication.labels.place_label` (with the chord kernel's ``njit``): the largest
label height at a spot, solved from the outline's segments instead of searched.

A label's box grown by its margin has half sizes ``c * h + o`` along each axis (``c``: half the text's
width, or half its height, per mm of cap height; ``o``: the margin), so a boundary point ``(dx, dy)``
from the centre lies inside the open box exactly when ``h`` exceeds ``max((|dx| - o) / cx, (|dy| - o) /
cy)``. Along a segment that is a convex, piecewise linear function of the segment's parameter: its
least value is at an end, where ``dx`` or ``dy`` is zero, or where the two terms are equal (four sign
cases). The label fits (GEOS's ``contains``: its closed box inside the outline, touching allowed) up
to the least of these over every segment, given a centre inside the outline. The margin law is
linear in two pieces (a fixed margin up to a height, a share of the height beyond it): each piece is
solved on its own and the one whose answer lies in its range holds (:func:`touch_heights`).

With ``D4D_NO_NUMBA=1`` the same functions run as plain Python (the reference twin).
"""

from __future__ import annotations

import math

import numpy as np

from parametric.checks._chord_kernel import njit  # numba's, or plain Python with D4D_NO_NUMBA=1


@njit(cache=True)
def _segment_height(x0, y0, x1, y1, cx, cy, o):
    """The least ``max((|x| - o) / cx, (|y| - o) / cy)`` over the segment ``(x0, y0) -> (x1, y1)``
    (relative to the label's centre): the height from which the box enters that segment."""
    dx, dy = x1 - x0, y1 - y0
    best = max((abs(x0) - o) / cx, (abs(y0) - o) / cy)
    best = min(best, max((abs(x1) - o) / cx, (abs(y1) - o) / cy))
    for case in range(6):
        if case == 0:  # crossing the centre's vertical
            den, num = dx, -x0
        elif case == 1:  # ... its horizontal
            den, num = dy, -y0
        else:  # where the two terms are equal: (s1 x - o) / cx = (s2 y - o) / cy
            s1 = 1.0 if case < 4 else -1.0
            s2 = 1.0 if case % 2 == 0 else -1.0
            den = s1 * dx / cx - s2 * dy / cy
            num = o / cx - o / cy - s1 * x0 / cx + s2 * y0 / cy
        if den != 0.0:
            t = num / den
            if 0.0 < t < 1.0:
                x, y = x0 + t * dx, y0 + t * dy
                best = min(best, max((abs(x) - o) / cx, (abs(y) - o) / cy))
    return best


@njit(cache=True)
def _heights_from(xy, ring, px, py, cx, cy, o, cap):
    """The least :func:`_segment_height` (capped at ``cap``) over the segments between consecutive points
    ``xy`` of one ring (``ring``: each point's ring), for the box centred on ``(px, py)``. A segment
    whose bounding box cannot come nearer than the least so far is skipped."""
    low = cap
    for e in range(len(xy) - 1):
        if ring[e] != ring[e + 1]:
            continue
        x0, y0, x1, y1 = xy[e, 0] - px, xy[e, 1] - py, xy[e + 1, 0] - px, xy[e + 1, 1] - py
        near_x = 0.0 if (x0 > 0.0) != (x1 > 0.0) else min(abs(x0), abs(x1))
        near_y = 0.0 if (y0 > 0.0) != (y1 > 0.0) else min(abs(y0), abs(y1))
        if max((near_x - o) / cx, (near_y - o) / cy) < low:
            low = min(low, _segment_height(x0, y0, x1, y1, cx, cy, o))
    return low


@njit(cache=True)
def _inside(xy, ring, px, py):
    """Whether ``(px, py)`` lies inside the rings (even-odd rule; a point on or within rounding of the
    boundary may go either way: its height there is below zero anyway)."""
    inside = False
    for e in range(len(xy) - 1):
        if ring[e] == ring[e + 1] and (xy[e, 1] > py) != (xy[e + 1, 1] > py):
            x = xy[e, 0] + (py - xy[e, 1]) * (xy[e + 1, 0] - xy[e, 0]) / (xy[e + 1, 1] - xy[e, 1])
            if x > px:
                inside = not inside
    return inside


@njit(cache=True)
def touch_heights(xy, ring, px, py, cx, cy, margin, share, cap):
    """The largest height (at most ``cap``) at which each label box (centre ``(px[k], py[k])``, half
    sizes ``cx[k] * h + m(h)`` and ``cy[k] * h + m(h)``, ``m(h) = max(margin, share * h)``) lies inside
    the outline whose rings are the points ``xy`` (``ring``: each point's ring, every ring closed), or
    ``-inf`` when its centre does not. The margin's two pieces: ``m = margin`` below ``margin /
    share``, where the answer holds when it lies below that height, else ``m = share * h`` (half sizes
    ``(c + share) * h``)."""
    knee = margin / share
    out = np.empty(len(px))
    for k in range(len(px)):
        if not _inside(xy, ring, px[k], py[k]):
            out[k] = -math.inf
            continue
        low = _heights_from(xy, ring, px[k], py[k], cx[k], cy[k], margin, cap)
        if low > knee:
            low = _heights_from(xy, ring, px[k], py[k], cx[k] + share, cy[k] + share, 0.0, cap)
        out[k] = low
    return out
