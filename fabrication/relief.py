"""How far a part's reliefs reach beyond its drawn voids near a window (:mod:`fabrication.fit`'s
``relief_depth`` of a :class:`~fabrication.fit.Fit`): a T-bone deepens a notch by about the bit's radius.

The pieces the finished outline removes from the drawn one are made once per part
(:func:`relief_areas`); each window then takes the largest distance to the drawn voids (cut to the
window's box grown by 2 mm) over the vertices of the pieces cut to the window (:func:`relief_depth`):
in the compiled :func:`fabrication._relief_kernel.relief_reach` for a convex window, by a shapely
intersection wherever the kernel leaves the answer in doubt. Both give the same numbers: a piece
vertex's distance to the bit, a crossing within a few ulps.
"""

from __future__ import annotations

import struct

import numpy as np
import shapely
from shapely.geometry import Polygon

from ._relief_kernel import farthest, relief_reach


def relief_depth(areas: tuple, drawn: Polygon, near: Polygon, ring: np.ndarray | None = None) -> float:
    """How far the finished outline's extra cuts reach beyond the voids of the ``drawn`` outline, near
    ``near`` (mm): the largest distance to the voids over the vertices of the relief pieces cut to
    ``near``. ``areas``: :func:`relief_areas` of the drawn and finished outlines; ``ring``: ``near``'s
    outline as a closed ring ``(N + 1, 2)`` when the caller has it (else it is read from ``near``). The compiled
    :func:`fabrication._relief_kernel.relief_reach` answers for a convex window where nothing is in doubt;
    otherwise shapely cuts the pieces."""
    return _depth(areas, drawn, near, areas[1].query(near), near.bounds, ring)


def relief_depths(areas: tuple, drawn: Polygon, rings: np.ndarray) -> list[float]:
    """:func:`relief_depth` of each window of ``rings`` ``(K, N + 1, 2)`` (closed outlines), the same
    numbers: the windows are made, looked up in the pieces' tree and bounded in one shapely call each."""
    nears = shapely.polygons(rings)
    pairs = areas[1].query(nears)  # (2, P) window and piece indices, by window, each window's as its own query
    split = np.searchsorted(pairs[0], np.arange(len(rings) + 1))
    bounds = shapely.bounds(nears).tolist()
    return [_depth(areas, drawn, nears[k], pairs[1, split[k]:split[k + 1]], tuple(bounds[k]), rings[k])
            for k in range(len(rings))]


def _depth(areas: tuple, drawn: Polygon, near: Polygon, found: np.ndarray, bounds: tuple, ring) -> float:
    """:func:`relief_depth` given the pieces ``found`` near ``near`` (tree indices) and its ``bounds``."""
    pieces, _, voids_all, (b0, c0, b1, c1), (xy, starts, ends, holed) = areas
    if not len(found):
        return 0.0
    x0, y0, x1, y1 = bounds
    around = (x0 - 2.0, y0 - 2.0, x1 + 2.0, y1 + 2.0)  # the drawn voids near it: only this box of them
    if b0 <= around[0] and c0 <= around[1] and around[2] <= b1 and around[3] <= c1:
        voids = shapely.clip_by_rect(voids_all, *around)
    else:  # a window reaching beyond the part's margin (none of the sampled designs has one): its own box
        voids = shapely.box(*around).difference(shapely.clip_by_rect(drawn, *around))
    edges = _void_edges(voids)
    window = _ccw_ring(near) if ring is None else _counter_clockwise(np.asarray(ring, dtype=float))
    if edges is not None and window is not None and not holed[found].any():
        ok, depth = relief_reach(xy, starts[found], ends[found], window, edges)
        if ok:
            return float(depth)
    removed = shapely.intersection(pieces[found], near)
    if shapely.area(removed).sum() < 1e-6:
        return 0.0
    if edges is None:
        return float(np.max(shapely.distance(shapely.points(shapely.get_coordinates(removed)), voids)))
    return float(farthest(shapely.get_coordinates(removed), edges))


def _void_edges(voids) -> np.ndarray | None:
    """The edges ``(S, 4)`` (x0, y0, x1, y1) of every ring of ``voids``, or None when ``voids`` holds
    something other than 2D polygons, or nothing (then shapely measures the distances)."""
    polys = _polygon_rings(voids)
    rings = [r for poly in polys or () for r in poly]
    if not rings:
        return None
    return np.concatenate([np.hstack([r[:-1], r[1:]]) for r in rings])


def _ccw_ring(window) -> np.ndarray | None:
    """``window``'s outline as a closed counter-clockwise ring ``(N + 1, 2)``, or None for anything but
    a polygon without holes. Always a writable array (the ring read from WKB is a read-only view): the
    kernel is compiled for one array type, the one a caller's own ring has."""
    polys = _polygon_rings(window)
    if polys is None or len(polys) != 1 or len(polys[0]) != 1:
        return None
    ring = _counter_clockwise(polys[0][0])
    return ring if ring.flags.writeable else ring.copy()


def _counter_clockwise(ring: np.ndarray) -> np.ndarray:
    """The closed ``ring`` ``(N + 1, 2)`` turning counter-clockwise (reversed if it turns clockwise)."""
    x, y = ring[:, 0], ring[:, 1]
    return ring if x[:-1] @ y[1:] - x[1:] @ y[:-1] > 0 else np.ascontiguousarray(ring[::-1])


def _polygon_rings(geom) -> list[list[np.ndarray]] | None:
    """The closed rings ``(N + 1, 2)`` of each polygon of ``geom`` (a Polygon, or a MultiPolygon or
    collection of them), read from its WKB in one pass (shapely's ``get_parts`` and ``get_rings`` cost
    more than the arithmetic they feed); None for anything else (points, lines, 3D)."""
    wkb = shapely.to_wkb(geom, byte_order=1, output_dimension=2)

    def read(pos: int) -> tuple[list, int] | None:
        kind, count = struct.unpack_from("<II", wkb, pos + 1)
        if kind == 3:
            rings, pos = [], pos + 9
            for _ in range(count):
                (n,) = struct.unpack_from("<I", wkb, pos)
                rings.append(np.frombuffer(wkb, "<f8", 2 * n, pos + 4).reshape(n, 2))
                pos += 4 + 16 * n
            return [rings], pos
        if kind not in (6, 7):
            return None
        polys, pos = [], pos + 9
        for _ in range(count):
            found = read(pos)
            if found is None:
                return None
            polys, pos = polys + found[0], found[1]
        return polys, pos

    found = read(0)
    return None if found is None else found[0]


def relief_areas(outlines: tuple[Polygon, Polygon]) -> tuple:
    """The pieces the finished outline removes from the drawn one (and their tree); the drawn outline's
    voids (its holes and notches, and all around it within a margin) and the margin's box; the pieces'
    outer rings for :func:`fabrication._relief_kernel.relief_reach` (their points, where each starts and
    ends, whether it has holes): made once per part, then cut to each window of :func:`relief_depth`."""
    drawn, finished = outlines
    x0, y0, x1, y1 = drawn.bounds
    pad = x1 - x0 + y1 - y0 + 100.0
    margin = (x0 - pad, y0 - pad, x1 + pad, y1 + pad)
    pieces = shapely.get_parts(drawn.difference(finished))
    xy, which = shapely.get_coordinates(shapely.get_exterior_ring(pieces), return_index=True)
    count = np.arange(len(pieces))
    rings = (xy, np.searchsorted(which, count), np.searchsorted(which, count, side="right"),
             shapely.get_num_interior_rings(pieces) > 0)
    return pieces, shapely.STRtree(pieces), shapely.box(*margin).difference(drawn), margin, rings
