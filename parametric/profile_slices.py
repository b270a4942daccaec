"""Slices of a side profile: parallel ribs cut from one outline, and slats standing square to a curve
(its upper edge) at stations along it, for the slice chair and bench and any product built the same way.

A profile lives in the side view (y forward, z up, mm). The ribs are that outline on parallel planes
across the width (``x``); the slats are plates whose thickness lies along the curve at each station,
reaching ``depth`` into the ribs, so the two families cross and the joinery slots them
(:meth:`parametric.model.Model.interlock`). For a mesh cut by families of planes see
:mod:`parametric.slicing`.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Sequence

import numpy as np
import shapely
from shapely.affinity import scale, translate
from shapely.geometry import LineString, Point, Polygon, box
from shapely.geometry.polygon import orient

from .curves import arc_lengths, min_radius, rotate, stations
from .part import FlatPart, Frame
from .tolerances import TOL


def stand_profile(poly: Polygon, *, back_rise: float) -> Polygon:
    """A drawn side profile moved so it stands on the floor (z = 0) with its front at y = 0.

    A chair drawn facing right (its highest point in the left half and rising ``back_rise`` or more
    above everything in the right half) is mirrored to face front.
    """
    minx, miny, maxx, _ = poly.bounds
    ring = np.asarray(poly.exterior.coords)
    top = ring[np.argmax(ring[:, 1])]
    right = ring[ring[:, 0] > (minx + maxx) / 2]
    if top[0] < (minx + maxx) / 2 and len(right) and top[1] - right[:, 1].max() >= back_rise:
        poly = scale(poly, -1.0, 1.0, origin=(0.0, 0.0))
        minx = -maxx
    return orient(translate(poly, -minx, -miny), 1.0)


def upper_edge(outline: Polygon, *, level: float, back_rise: float) -> np.ndarray:
    """The part of a profile's boundary a sitter touches, from the seat front F to the back top R.

    It runs along the outline the way round that does not touch the floor (the lowest point),
    whatever the ring's start or direction:

    - F: the highest point of the front quarter of the drawing's length (of points within
      ``level`` of that height, the front-most, so a flat seat is slatted to its edge);
    - R: the highest point behind the front quarter (of points within ``level``, the front-most, so
      a flat cap on the back is not slatted). A drawing whose R is less than ``back_rise`` above F
      has no back (a bench or stool side): R is then the rear-most of those points.

    Returns:
        ``(n, 2)`` points (y, z) in mm from F to R.
    """
    ring = np.asarray(outline.exterior.coords)[:-1]
    y, z = ring[:, 0], ring[:, 1]
    split = y.min() + 0.25 * (y.max() - y.min())
    front, rear = np.flatnonzero(y <= split), np.flatnonzero(y > split)
    flat = front[z[front] >= z[front].max() - level]
    i = int(flat[np.argmin(y[flat])])
    flat = rear[z[rear] >= z[rear].max() - level]
    has_back = z[rear].max() >= z[i] + back_rise
    j = int(flat[np.argmin(y[flat])] if has_back else flat[np.argmax(y[flat])])
    n, floor = len(ring), int(np.argmin(z))
    ahead = [(i + k) % n for k in range((j - i) % n + 1)]
    behind = [(i - k) % n for k in range((i - j) % n + 1)]
    return ring[behind if floor in ahead else ahead]


def knee(line: np.ndarray, *, back_rise: float) -> float:
    """Arc length to where a drawn seat meets its back: the point farthest below the chord from the
    line's start to its end; a line whose end rises less than ``back_rise`` is all seat."""
    cum = arc_lengths(line)
    if line[-1, 1] - line[0, 1] < back_rise:
        return float(cum[-1])
    chord = line[-1] - line[0]
    below = chord[0] * (line[:, 1] - line[0, 1]) - chord[1] * (line[:, 0] - line[0, 0])
    return nearest_station(line, line[np.argmin(below)])


def nearest_station(line: np.ndarray, point) -> float:
    """Arc length along ``line`` of its point nearest ``point``."""
    return float(arc_lengths(line)[np.argmin(np.linalg.norm(line - point, axis=1))])


def even_stations(line: np.ndarray, count: int, end: float) -> np.ndarray:
    """``count`` arc lengths evenly spread along the line, ``end`` mm in from each end."""
    total = float(np.linalg.norm(np.diff(line, axis=0), axis=1).sum())
    return np.linspace(end, total - end, count)


def footprints(line: np.ndarray, at: np.ndarray, thickness: float, depth: float, start: float = 0.0) -> list[Polygon]:
    """Each slat's cross-section in the side view: its thickness along the line, from ``start`` to
    ``depth`` deep into the profile (to the right of the line's direction; a negative start begins
    above the line)."""
    points, tangents = stations(line, at)
    inward = rotate(tangents, -90.0)
    half = 0.5 * thickness * tangents
    return [Polygon([pt - h + d * start, pt + h + d * start, pt + h + d * depth, pt - h + d * depth])
            for pt, h, d in zip(points, half, inward)]


def footprint_gap(feet: list[Polygon]) -> float:
    """Smallest clear gap (mm) between neighbouring slats, measured exactly between their sections."""
    return min(a.distance(b) for a, b in itertools.pairwise(feet))


def curve_gap(line: np.ndarray, at: np.ndarray, thickness: float, depth: float) -> float:
    """Smallest clear gap between neighbouring slats at their inner edges on the line's tightest curve."""
    pitch = float(at[1] - at[0])
    r = min_radius(line)
    squeeze = max(0.0, 1.0 - depth / r) if r < 1e6 else 1.0
    return pitch * squeeze - thickness


def line_ok(line: np.ndarray, min_length: float) -> bool:
    """True when the line runs ``min_length`` or more without crossing itself."""
    return len(line) >= 2 and arc_lengths(line)[-1] >= min_length and LineString(line).is_simple


def reaches(outline: Polygon, line: np.ndarray, at: np.ndarray, reach: float) -> bool:
    """True when the outline keeps material ``reach`` mm in from the line at every station."""
    grown = outline.buffer(0.01)
    points, tangents = stations(line, at)
    inward = rotate(tangents, -90.0)
    return all(grown.covers(LineString([pt, pt + d * reach])) for pt, d in zip(points, inward))


def slots_split(outline: Polygon, line: np.ndarray, at: np.ndarray, width: float, depth: float) -> bool:
    """True when slots ``width`` wide, open from above the line and ``depth`` deep into the outline at
    every station (a slat's slot in a rib, at its deepest), would cut the outline into pieces: a slat
    at a slanted end of the line cuts the corner beside it off."""
    slots = footprints(line, at, width, depth, start=-2.0 * width)  # from beyond the edge, as a slot opens
    cut = outline.difference(shapely.union_all(slots))
    return sum(1 for g in getattr(cut, "geoms", [cut]) if g.area > TOL.area) != 1


def on_edge(outline: Polygon, line: np.ndarray, at: np.ndarray, tol: float = 0.5) -> bool:
    """True when every station lies on the outline's edge (within ``tol`` mm)."""
    points, _ = stations(line, at)
    return all(outline.exterior.distance(Point(pt)) < tol for pt in points)


def legged_band(line: np.ndarray, *, depth: float, legs: Sequence[tuple[float, tuple[float, float]]],
                leg_width: float, fillet: float) -> Polygon:
    """A rib's side outline: a band ``depth`` deep under the line (to the right of its direction) and a
    straight leg from each foot up into the band, inner corners rounded by ``fillet``, cut at the floor
    (z = 0) and never rising above the line (the surface the slats sit flush with).

    Args:
        legs: ``(arc length along the line where the leg meets the band, foot (y, z))`` per leg; a leg
            meets the band halfway through its depth and ends square at its foot.

    Remembered for the last few calls (a model's parameter check and its build ask for the same rib).
    """
    line = np.ascontiguousarray(line, dtype=float)
    key = tuple((float(s), (float(f[0]), float(f[1]))) for s, f in legs)
    return _legged_band(line.tobytes(), line.shape, float(depth), key, float(leg_width), float(fillet))


@functools.lru_cache(maxsize=16)
def _legged_band(line_bytes: bytes, shape: tuple, depth: float, legs: tuple, leg_width: float,
                 fillet: float) -> Polygon:
    """:func:`legged_band` of a line given as its bytes (hashable); shapely geometries are immutable."""
    line = np.frombuffer(line_bytes, dtype=float).reshape(shape)
    band = LineString(line).buffer(-depth, single_sided=True)
    tops, tangents = stations(line, [s for s, _ in legs])
    attach = tops + rotate(tangents, -90.0) * depth * 0.5
    shape = band
    for (_, foot), top in zip(legs, attach):
        shape = shape.union(LineString([np.asarray(foot, dtype=float), top]).buffer(leg_width / 2, cap_style="flat"))
    shape = shape.buffer(fillet, join_style="round").buffer(-fillet, join_style="round")
    above = LineString(line).buffer(leg_width + fillet + depth, single_sided=True)
    shape = shape.difference(above)
    minx, _, maxx, maxy = shape.bounds
    return shape.intersection(box(minx - 1, 0.0, maxx + 1, maxy + 1))


def parallel_ribs(model, outline: Polygon, *, width: float, count: int, thickness: float, prefix: str = "rib",
                  label: str = "R", role: str = "rib") -> list[FlatPart]:
    """``count`` plates of the side outline spread evenly across ``width`` (centred on x = 0)."""
    pitch = (width - thickness) / (count - 1)
    return [model.plate(f"{prefix}-{i + 1}", outline, Frame.yz(-width / 2 + thickness / 2 + i * pitch),
                        thickness=thickness, role=role, label=f"{label}{i + 1}", grain="u") for i in range(count)]


def slats_along(model, line: np.ndarray, at: np.ndarray, *, half_length: float, depth: float, thickness: float,
                prefix: str = "slat", label: str = "S", role: str = "slat") -> list[FlatPart]:
    """Plates ``2 * half_length`` long across x, standing square to the line at each station and
    reaching ``depth`` into the profile under it."""
    shape = box(-half_length, -depth, half_length, 0.0)
    points, tangents = stations(line, at)
    out = []
    for i, (pt, tan) in enumerate(zip(points, tangents)):
        away = rotate(tan, 90.0)  # out of the profile, towards the sitter
        frame = Frame((0.0, pt[0], pt[1]), (1.0, 0.0, 0.0), (0.0, away[0], away[1]))
        out.append(model.plate(f"{prefix}-{i + 1:02d}", shape, frame, thickness=thickness, role=role,
                               label=f"{label}{i + 1}", grain="u"))
    return out
