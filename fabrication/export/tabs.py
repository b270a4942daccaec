"""Holding tabs for router sheets: where a part's outside cut should leave small bridges.

A router frees each part as its outside contour closes; a loose part can shift under the bit or be
thrown. Tabs keep it attached. fabrication-reference.md section 2 says tabs are CAM's job, so the
contours stay closed and whole: the tab positions are written as short stretches of the outside
contour on their own layer (``HOLDING_TABS``), which the operator turns into tabs in CAM (or a CAM
that reads that layer uses directly); their height is set there. Tabs go on straight edges only
(never on a relief arc or a curve), near evenly spaced stations along the contour.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

#: length of one tab along the contour, mm (ours; common CAM defaults are 6-12 mm)
TAB_LENGTH_MM = 10.0
#: one tab per this much contour, at least :data:`MIN_TABS` per part, mm (ours)
TAB_SPACING_MM = 400.0
MIN_TABS = 2


def tab_stretches(ring: Sequence[tuple[float, float, float]], *, length: float = TAB_LENGTH_MM,
                  spacing: float = TAB_SPACING_MM, minimum: int = MIN_TABS) -> list[tuple[tuple[float, float], ...]]:
    """Stretches ``((x0, y0), (x1, y1))`` of a closed contour's straight edges where tabs go.

    Args:
        ring: the contour's vertices ``(x, y, bulge)`` (:func:`.sheetwalk.ring_with_bulges`).
        length: tab length; an edge takes a tab when it is at least twice that long (so the tab
            stays clear of the corners at both ends).
        spacing, minimum: ``max(minimum, ceil(perimeter / spacing))`` tabs are wanted, one per
            station evenly spaced along the contour, each on the free edge whose middle is nearest.

    Returns:
        At most the wanted number (fewer when the contour has fewer long straight edges), centred
        on their edges, in contour order.
    """
    if length <= 0 or spacing <= 0:
        raise ValueError(f"tab length and spacing must be positive, got {length:g} and {spacing:g} mm")
    pts = np.asarray([(x, y) for x, y, _ in ring], dtype=float)
    straight = np.asarray([b == 0 for _, _, b in ring])
    if len(pts) < 3:
        return []
    edge = np.roll(pts, -1, axis=0) - pts
    lengths = np.hypot(edge[:, 0], edge[:, 1])
    perimeter = float(lengths.sum())
    free = straight & (lengths >= 2 * length)
    middles = np.cumsum(lengths) - lengths / 2
    wanted = max(minimum, math.ceil(perimeter / spacing))
    chosen: list[int] = []
    for station in (np.arange(wanted) + 0.5) * perimeter / wanted:
        along = np.abs(middles - station)
        along = np.where(free, np.minimum(along, perimeter - along), np.inf)
        if not np.isfinite(along).any():
            break
        i = int(np.argmin(along))
        chosen.append(i)
        free[i] = False
    out = []
    for i in sorted(chosen):
        u = edge[i] / lengths[i]
        mid = pts[i] + edge[i] / 2
        a, b = mid - u * length / 2, mid + u * length / 2
        out.append(((float(a[0]), float(a[1])), (float(b[0]), float(b[1]))))
    return out
