"""Plane sections of triangle meshes as shapely polygons in a plate's own 2D frame (mm).

Each shell (body) is cut on its own: a triangle crossing the plane gives one segment, computed per
edge from the edge's lower-numbered vertex so the two triangles sharing an edge give bitwise equal
points and the segments join exactly. Closed loops combine even-odd (a loop inside a loop is a
hole). Loops of an open shell do not close: their open ends are joined nearest first (a straight
cap across each gap), and the largest gap bridged is returned so the caller can report it. The
shells' sections are then unioned, so overlapping shells (a teapot's spout in its body) count once.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import shapely
from shapely.geometry import MultiPolygon, Polygon

from .part import Frame, dot


@dataclass(frozen=True)
class Section:
    """A mesh cut by one plane: the polygonal area in the frame's 2D coordinates and how it was made.

    Attributes:
        area: the section (Polygon, MultiPolygon or empty), frame-local mm.
        capped_gap: the largest gap (mm) bridged to close the loops of an open shell (0 when none).
        open_loops: how many open loops were capped.
    """

    area: object
    capped_gap: float = 0.0
    open_loops: int = 0


def _edge_points(v: np.ndarray, s: np.ndarray, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """Where edges ``i``-``j`` cross the plane (``s`` = signed vertex distances), from the lower index."""
    lo, hi = np.minimum(i, j), np.maximum(i, j)
    t = s[lo] / (s[lo] - s[hi])
    return v[lo] + t[:, None] * (v[hi] - v[lo])


def segments(vertices: np.ndarray, faces: np.ndarray, dist: np.ndarray, height: float) -> np.ndarray:
    """Segments ``(k, 2, 3)`` where the triangles cross the plane ``dist == height``.

    ``dist`` is each vertex's distance along the plane normal. Vertices lying on the plane are nudged
    to its positive side, so every crossing triangle gives exactly one segment.
    """
    s = dist - height
    eps = 1e-9 * max(1.0, float(np.abs(dist).max()))
    s = np.where(np.abs(s) < eps, eps, s)
    pos = s[faces] > 0
    count = pos.sum(axis=1)
    cross = (count == 1) | (count == 2)
    if not cross.any():
        return np.zeros((0, 2, 3))
    f, pf, c = faces[cross], pos[cross], count[cross]
    lone = np.where(c == 1, pf.argmax(axis=1), (~pf).argmax(axis=1))  # the vertex alone on its side
    rows = np.arange(len(f))
    a, b, d = f[rows, lone], f[rows, (lone + 1) % 3], f[rows, (lone + 2) % 3]
    return np.stack([_edge_points(vertices, s, a, b), _edge_points(vertices, s, a, d)], axis=1)


def _polygonal(geom) -> object:
    """The polygons of a geometry (lines and points of a make_valid result dropped)."""
    parts = [g for g in shapely.get_parts(geom) if g.geom_type in ("Polygon", "MultiPolygon") and g.area > 0]
    return shapely.union_all(parts) if parts else Polygon()


def _stitch(chains: list[np.ndarray]) -> tuple[list[np.ndarray], float]:
    """Close open chains: each end is joined to the nearest open end (its own start included), so an
    open shell's section is capped with straight lines. Returns the rings and the largest gap."""
    rings, gap = [], 0.0
    chains = list(chains)
    while chains:
        cur = chains.pop()
        while True:
            end = cur[-1]
            own = math.hypot(*(end - cur[0]))
            best, best_d, flip = -1, own, False
            for k, other in enumerate(chains):
                d0, d1 = math.hypot(*(end - other[0])), math.hypot(*(end - other[-1]))
                if min(d0, d1) < best_d:
                    best, best_d, flip = k, min(d0, d1), d1 < d0
            gap = max(gap, best_d)
            if best < 0:
                rings.append(cur)
                break
            nxt = chains.pop(best)
            cur = np.concatenate([cur, nxt[::-1] if flip else nxt])
    return rings, gap


def body_section(seg2d: np.ndarray) -> Section:
    """One shell's section from its 2D segments ``(k, 2, 2)``: loops joined, open ends capped, even-odd."""
    if len(seg2d) == 0:
        return Section(Polygon())
    merged = shapely.line_merge(shapely.multilinestrings(seg2d))
    closed, chains = [], []
    for line in shapely.get_parts(merged):
        coords = np.asarray(line.coords)
        (closed if line.is_closed else chains).append(coords)
    rings, gap = _stitch(chains)
    loops = [r for r in closed + rings if len(r) >= 3]
    polys = sorted((_polygonal(shapely.make_valid(Polygon(r))) for r in loops), key=lambda g: -g.area)
    area = Polygon()
    for poly in polys:  # even-odd: a loop inside another is a hole, inside that an island again
        area = poly if area.is_empty else area.symmetric_difference(poly)
    return Section(_polygonal(area), gap if chains else 0.0, len(chains))


def section(bodies, frame: Frame, *, dists: list[np.ndarray] | None = None) -> Section:
    """The union of every shell's section by the mid-plane of ``frame``, in its 2D coordinates.

    ``dists`` (per body, the vertices' distances along the frame normal) may be passed when many
    parallel planes cut the same bodies.
    """
    normal, origin = frame.normal, np.asarray(frame.origin)
    axes = np.stack([np.asarray(frame.xdir), np.asarray(frame.ydir)], axis=1)
    height = float(dot(origin, normal))
    areas, gap, loops = [], 0.0, 0
    for k, body in enumerate(bodies):
        v, f = body.vertices, body.faces
        dist = dists[k] if dists is not None else dot(v, normal)
        if dist.min() > height or dist.max() < height:
            continue
        seg = segments(v, f, dist, height)
        if not len(seg):
            continue
        sec = body_section(np.einsum("...j,jk->...k", seg - origin, axes))  # not @: BLAS rounds per CPU
        areas.append(sec.area)
        gap, loops = max(gap, sec.capped_gap), loops + sec.open_loops
    area = shapely.union_all(areas) if areas else Polygon()
    return Section(_polygonal(area), gap, loops)


def pieces(area, min_feature: float) -> tuple[list[Polygon], list[Polygon]]:
    """Split a section into its islands: those that keep material ``min_feature`` wide somewhere, and
    the slivers narrower than that everywhere (to drop and report). Holes smaller than a
    ``min_feature`` square are filled (no tool could cut them cleanly)."""
    kept, dropped = [], []
    polys = list(area.geoms) if isinstance(area, MultiPolygon) else ([area] if not area.is_empty else [])
    for poly in sorted(polys, key=lambda g: -g.area):
        holes = [r for r in poly.interiors if Polygon(r).area >= min_feature ** 2]
        poly = Polygon(poly.exterior, holes)
        (kept if not poly.buffer(-min_feature / 2).is_empty else dropped).append(poly)
    return kept, dropped
