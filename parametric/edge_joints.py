"""Tab-and-slot joints derived from geometry: a plate standing on (or under) another's face.

Where plate A's edge lies on a face of plate B, A grows tabs that pass through B's thickness
and B gets matching rectangular slots (through holes), sized from the measured thicknesses plus
the joint clearance. Tabs are spread evenly along each stretch of contact.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from shapely.geometry import LineString, Polygon

from .design import Joint
from .errors import JoineryError
from .part import FlatPart

#: contact must be within this of B's face (mm)
CONTACT_TOL = 0.05


@dataclass(frozen=True)
class TabJoint:
    """A tab-and-slot joint: material to add to ``a`` and holes to cut in ``b`` (part-local mm)."""

    joint: Joint
    tabs_a: list[Polygon]
    holes_b: list[Polygon]


def _rect(centre: np.ndarray, along: np.ndarray, across: np.ndarray, length: float, width: float,
          offset: float = 0.0) -> Polygon:
    """Rectangle ``length`` along ``along``, from ``offset`` to ``offset + width`` along ``across``."""
    c = centre + across * offset
    a, b = along * length / 2, across * width
    return Polygon([c - a, c + a, c + a + b, c - a + b])


def tab_joint(a: FlatPart, b: FlatPart, *, clearance: float, pitch: float = 180.0,
              tab_length: float | None = None, avoid: list[Polygon] = ()) -> TabJoint | None:
    """Derive tabs on ``a`` through slots in ``b`` where a's edge meets b's face; None if they do not meet.

    Args:
        pitch: about one tab per this length of contact (mm).
        tab_length: tab length along the edge (default: 3 x a's thickness, at most a third of the contact).
        avoid: a's slots (part-local); a tab that would close one's mouth slides along the edge.

    Raises:
        JoineryError: a slot would cut through b's edge (the tab sits too close to it).
    """
    na, nb = a.frame.normal, b.frame.normal
    cross = np.cross(na, nb)
    if np.linalg.norm(cross) < 0.99:  # only square meetings are supported
        return None
    d = cross / np.linalg.norm(cross)
    ring = np.asarray(a.outline.exterior.coords)
    side = b.frame.to_local(a.frame.to_world(ring))[:, 2]
    for sign in (-1.0, 1.0):
        face = sign * b.thickness / 2
        touching = np.abs(side - face) < CONTACT_TOL
        beyond = -sign * (side - face) > CONTACT_TOL  # a reaching into b
        if touching.sum() >= 2 and not beyond.any():
            break
    else:
        return None
    # the contact line in a's plane: a-local points whose world position lies on b's face
    pts = ring[touching][:, :2] if ring.shape[1] > 2 else ring[touching]
    da = a.frame.dir_to_local(d)[:2]
    towards_b = a.frame.dir_to_local(-sign * nb)[:2]
    s = (pts - pts[0]) @ da
    line = LineString([pts[0] + da * (s.min() - 1), pts[0] + da * (s.max() + 1)])
    contact = a.outline.exterior.intersection(line.buffer(CONTACT_TOL, cap_style="flat"))
    spans = []
    for g in getattr(contact, "geoms", [contact]):
        if g.length > 1.0:
            gs = (np.asarray(g.coords) - pts[0]) @ da
            spans.append((float(gs.min()), float(gs.max())))
    spans = _subtract(spans, [_extent(slot, pts[0], da) for slot in avoid])
    spans = [(s0, s1) for s0, s1 in spans if s1 - s0 >= 2 * a.thickness]
    if not spans:
        raise JoineryError(f"no room for a tab on {a.name} under {b.name} clear of its slots; "
                           f"make {a.name} longer where it meets {b.name}")
    tabs, holes, centres = [], [], []
    along_b = b.frame.dir_to_local(d)[:2]
    across_b = np.array([-along_b[1], along_b[0]])
    for s0, s1 in spans:
        length = s1 - s0
        count = max(1, int(length // pitch))
        tl = tab_length or min(3 * a.thickness, length / (2 * count))
        for k in range(count):
            sc = s0 + (k + 0.5) * length / count
            centre_a = pts[0] + da * sc
            tabs.append(_rect(centre_a, da, towards_b, tl, b.thickness, -0.01))
            centre_b = b.frame.to_local(a.frame.to_world([centre_a]))[0, :2]
            hole = _rect(centre_b, along_b, across_b, tl + clearance, a.thickness + clearance,
                         -(a.thickness + clearance) / 2)
            if not b.outline.buffer(-1.0).contains(hole):
                raise JoineryError(f"the slot for {a.name}'s tab would cut through the edge of {b.name}; move "
                                   f"{a.name} further inside {b.name} or make {b.name} larger")
            holes.append(hole)
            centres.append(sc)
    first, last = min(centres), max(centres)
    p0 = a.frame.to_world([pts[0]])[0]
    joint = Joint("tab", a.name, b.name, tuple(map(float, p0)), tuple(map(float, d)), float(first),
                  float((first + last) / 2), float(last), float(tl), float(tl + clearance), 90.0, "lo")
    return TabJoint(joint, tabs, holes)


def _extent(poly: Polygon, origin: np.ndarray, direction: np.ndarray, pad: float = 1.0) -> tuple[float, float]:
    """The s-range a polygon covers along a line (padded)."""
    s = (np.asarray(poly.exterior.coords) - origin) @ direction
    return float(s.min()) - pad, float(s.max()) + pad


def _subtract(spans: list[tuple[float, float]], cuts: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """Intervals minus intervals."""
    for c0, c1 in cuts:
        out = []
        for s0, s1 in spans:
            if c1 <= s0 or c0 >= s1:
                out.append((s0, s1))
                continue
            if c0 > s0:
                out.append((s0, c0))
            if c1 < s1:
                out.append((c1, s1))
        spans = out
    return spans
