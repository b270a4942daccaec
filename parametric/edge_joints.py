"""Joints derived where plates meet along an edge or a face.

Tab-and-slot: where plate A's edge lies on a face of plate B, A grows tabs that pass through B's
thickness and B gets matching rectangular slots (through holes), sized from the measured
thicknesses plus the joint clearance. Tabs are spread evenly along each stretch of contact.
Finger joints: where two perpendicular plates' corner columns overlap. Glue: where two parallel
plates lie face to face (a lid and the lip under it); nothing is cut.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import shapely
from shapely.geometry import LineString, Polygon

from .design import Joint
from .errors import JoineryError
from .part import FlatPart, dot

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
    if math.hypot(*cross) < 0.99:  # only square meetings are supported
        return None
    d = cross / math.hypot(*cross)
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
    s = dot(pts - pts[0], da)
    line = LineString([pts[0] + da * (s.min() - 1), pts[0] + da * (s.max() + 1)])
    contact = a.outline.exterior.intersection(line.buffer(CONTACT_TOL, cap_style="flat"))
    spans = []
    for g in getattr(contact, "geoms", [contact]):
        if g.length > 1.0:
            gs = dot(np.asarray(g.coords) - pts[0], da)
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
    s = dot(np.asarray(poly.exterior.coords) - origin, direction)
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


@dataclass(frozen=True)
class FingerJoint:
    """A finger joint along a shared edge: the segments to remove from each plate (part-local mm)."""

    joint: Joint
    notches_a: list[Polygon]
    notches_b: list[Polygon]


def _corner_strip(p: FlatPart, m: FlatPart, p0: np.ndarray, d: np.ndarray):
    """In p's frame: the line origin and direction, the unit across it, and the s-extent of p's material
    inside m's slab (the corner column), or None."""
    o = p.frame.to_local([p0])[0, :2]
    dp = p.frame.dir_to_local(d)[:2]
    dp = dp / math.hypot(*dp)
    perp = np.array([-dp[1], dp[0]])
    half = m.thickness / 2
    strip = Polygon([o - 1e5 * dp - half * perp, o + 1e5 * dp - half * perp, o + 1e5 * dp + half * perp,
                     o - 1e5 * dp + half * perp])
    region = p.outline.intersection(strip)
    if region.is_empty or region.area < 1e-6:
        return None
    s = dot(np.asarray(region.envelope.exterior.coords) - o, dp)
    probe = o + dp * (s.min() + s.max()) / 2 + perp * (half + 0.5)  # mid-edge, just past the mate's slab
    outward = -1.0 if p.outline.contains(shapely.Point(probe)) else 1.0
    return o, dp, perp * outward, float(s.min()), float(s.max())


def finger_joint(a: FlatPart, b: FlatPart, *, clearance: float, finger: float) -> FingerJoint | None:
    """Derive finger joints where the corner columns of two perpendicular plates overlap.

    ``a`` keeps both end fingers (so at a box corner the plate given as ``a`` on both its edges
    owns the corner cube). Fingers are about ``finger`` mm wide, an odd number of them. Both plates
    are cut (one's notches are the other's fingers), so each notch edge moves by a quarter of the
    clearance: a notch is ``clearance / 2`` wider and its finger ``clearance / 2`` narrower, and the
    joint has ``clearance`` of play in all, as a cross-lap slot does.
    """
    na, nb = a.frame.normal, b.frame.normal
    cross = np.cross(na, nb)
    if math.hypot(*cross) < 0.99:
        return None
    d = cross / math.hypot(*cross)
    oa, ob = np.asarray(a.frame.origin), np.asarray(b.frame.origin)
    # the point on all three planes by Cramer's rule, term by term (LAPACK rounds as the CPU's BLAS does)
    nb_d = np.cross(nb, d)
    p0 = (dot(na, oa) * nb_d + dot(nb, ob) * np.cross(d, na) + dot(d, (oa + ob) / 2) * cross) / dot(na, nb_d)
    sa, sb = _corner_strip(a, b, p0, d), _corner_strip(b, a, p0, d)
    if sa is None or sb is None:
        return None
    lo, hi = max(sa[3], sb[3]), min(sa[4], sb[4])
    if hi - lo < 3 * finger / 2:
        return None
    n = max(3, int(round((hi - lo) / finger)) | 1)
    cuts = np.linspace(lo, hi, n + 1)
    notches: dict[str, list[Polygon]] = {a.name: [], b.name: []}
    for i in range(n):
        loser, (o, dp, out, _, _), mate = (b, sb, a) if i % 2 == 0 else (a, sa, b)
        s0 = cuts[i] - (clearance / 4 if i else 1.0)
        s1 = cuts[i + 1] + (clearance / 4 if i < n - 1 else 1.0)
        inner, outer = -mate.thickness / 2, mate.thickness / 2 + 1.0
        notches[loser.name].append(Polygon([o + s0 * dp + inner * out, o + s1 * dp + inner * out,
                                            o + s1 * dp + outer * out, o + s0 * dp + outer * out]))
    joint = Joint("finger", a.name, b.name, tuple(map(float, p0)), tuple(map(float, d)), lo, (lo + hi) / 2, hi,
                  float((hi - lo) / n - clearance / 2), float((hi - lo) / n + clearance / 2), 90.0, "lo")
    return FingerJoint(joint, notches[a.name], notches[b.name])


#: smallest face-to-face contact that counts as a glue joint (mm^2)
MIN_GLUE_MM2 = 100.0


def glue_joint(a: FlatPart, b: FlatPart) -> Joint | None:
    """A glued face joint where parallel plates ``a`` and ``b`` lie face to face, or None.

    The joint's point is the centre of the shared face area, its direction the plates' normal
    (from a towards b), and ``hi`` the contact area in mm^2, so the checks can weigh it.
    """
    na, nb = a.frame.normal, b.frame.normal
    if abs(abs(float(np.dot(na, nb))) - 1.0) > 1e-6:
        return None
    gap = float(np.dot(b.frame.to_world([(0.0, 0.0)])[0] - a.frame.to_world([(0.0, 0.0)])[0], na))
    if abs(abs(gap) - (a.thickness + b.thickness) / 2) > CONTACT_TOL:
        return None
    ring = b.frame.to_world(np.asarray(b.outline.exterior.coords))
    contact = a.outline.intersection(Polygon(a.frame.to_local(ring)[:, :2]))
    if contact.area < MIN_GLUE_MM2:
        return None
    centre = a.frame.to_world([(contact.centroid.x, contact.centroid.y)], w=np.sign(gap) * a.thickness / 2)[0]
    direction = na * np.sign(gap)
    return Joint("glue", a.name, b.name, tuple(map(float, centre)), tuple(map(float, direction)), 0.0, 0.0,
                 float(contact.area), 0.0, 0.0, 0.0, "lo")
