"""Chords: the stretches of straight lines that lie inside a polygon, many lines at once.

The fit measurement (:mod:`fabrication.fit`) samples a joint's void and the part in it along 17
parallel lines, through the drawn and the finished outline together (:func:`window_chords`), and the
slot checks (:mod:`.manufacturability`) follow every slot axis of a part in one call (a direction per
line); both only need where each line enters and leaves the outline. Doing that on the outline's
edge arrays (made once per outline: :func:`edge_arrays`) in one compiled call
(:mod:`._chord_kernel`) avoids a shapely intersection per line.

The rule is even-odd on the infinite line: an edge crosses a line when one end lies strictly on one
side and the other on or beyond it (so a line through a vertex counts it once); the crossings sorted
along the line pair up into the inside stretches. Where a line runs along an edge or through a vertex
this can differ from shapely's ``intersection`` (which keeps boundary pieces): :func:`grazes` finds
such lines so a caller needing shapely's answer can ask shapely for them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._chord_kernel import first_holding, line_chords, median_walls, parallel_chords
from ._chord_kernel import window_chords as window_chords_kernel

#: chords shorter than this (mm) are dropped, as are the matching gaps between material
MIN_CHORD = 1e-9


def edge_arrays(poly) -> tuple[np.ndarray, np.ndarray]:
    """Start and end points ``(E, 2)`` of every edge of every ring of ``poly`` (a Polygon or MultiPolygon)."""
    a, b = [], []
    for g in getattr(poly, "geoms", [poly]):
        if g.is_empty:
            continue
        for ring in (g.exterior, *g.interiors):
            xy = np.asarray(ring.coords)
            a.append(xy[:-1])
            b.append(xy[1:])
    if not a:
        return np.empty((0, 2)), np.empty((0, 2))
    return np.concatenate(a), np.concatenate(b)


@dataclass(frozen=True)
class Chords:
    """The inside stretches of ``M`` lines, each measured from its start over ``[0, length]``.

    Attributes:
        lo, hi: ``(M, K)`` starts and ends of each line's stretches, in order along the line; a line
            with fewer than ``K`` stretches is padded with infinity.
        count: ``(M,)`` how many stretches each line has.
        length: ``(M,)`` each line's window length (mm).
    """

    lo: np.ndarray
    hi: np.ndarray
    count: np.ndarray
    length: np.ndarray

    def __len__(self) -> int:
        return len(self.count)

    def line(self, m: int) -> list[tuple[float, float]]:
        """The stretches ``[(s0, s1), ...]`` of line ``m``."""
        k = int(self.count[m])
        return list(zip(self.lo[m, :k].tolist(), self.hi[m, :k].tolist()))

    def holding(self, centre: float, void: bool = False) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Per line, the first stretch of material (or, with ``void``, of the gap between stretches,
        window ends included) holding ``centre`` within 1e-9 mm: ``(left, right, found)`` arrays."""
        return first_holding(self.lo, self.hi, self.count, self.length, float(centre), bool(void))

    def median_walls(self, centre: float, void: bool = False) -> tuple[float, float, int]:
        """The median ends, over the lines holding ``centre`` (see :meth:`holding`), of the stretch (or
        gap) holding it, and how many lines hold it: ``(left, right, n)`` (zeros when ``n == 0``)."""
        left, right, n = median_walls(self.lo, self.hi, self.count, self.length, float(centre), bool(void))
        return float(left), float(right), int(n)


def chords(edges: tuple[np.ndarray, np.ndarray], starts, direction, length) -> Chords:
    """The stretches inside the polygon of ``edges`` (:func:`edge_arrays`) of the lines from each of
    ``starts`` (``(M, 2)``) along the unit vector ``direction`` (one for all, or ``(M, 2)``: one per
    line), clipped to ``[0, length]`` (a number, or one per line); stretches no longer than
    :data:`MIN_CHORD` are dropped."""
    starts = np.atleast_2d(np.asarray(starts, dtype=float))
    return _chords(edges[0], edges[1], np.array([0, len(edges[0])]), starts, direction, length,
                   np.zeros(len(starts), dtype=np.int64))


def stacked_edges(edge_sets: list[tuple[np.ndarray, np.ndarray]]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Several polygons' edge arrays (:func:`edge_arrays`) in one: ``(a, b, edge_start)``, polygon
    ``g``'s edges from ``edge_start[g]`` to ``edge_start[g + 1] - 1`` (for :func:`window_chords`)."""
    edge_start = np.zeros(len(edge_sets) + 1, dtype=np.int64)
    np.cumsum([len(e[0]) for e in edge_sets], out=edge_start[1:])
    return np.concatenate([e[0] for e in edge_sets]), np.concatenate([e[1] for e in edge_sets]), edge_start


def window_chords(stacked: tuple[np.ndarray, np.ndarray, np.ndarray], origin, along, across, s0: float, s1: float,
                  y0: float, y1: float, samples: int) -> list[Chords]:
    """:func:`chords` of ``samples`` parallel lines along the unit vector ``along`` over ``[s0, s1]``
    from ``origin``, at offsets evenly spaced from ``y0`` to ``y1`` along ``across``, through each
    polygon of ``stacked`` (:func:`stacked_edges`), all in one compiled call that makes the lines too:
    per polygon, its :class:`Chords`."""
    if samples < 1:
        raise ValueError(f"window_chords needs at least one line, got samples={samples}")
    a, b, edge_start = stacked
    lo, hi, count = window_chords_kernel(a, b, edge_start, np.asarray(origin, dtype=float)[:2],
                                         np.asarray(along, dtype=float), np.asarray(across, dtype=float),
                                         float(s0), float(s1 - s0), float(y0), float(y1), int(samples), MIN_CHORD)
    length = np.full(samples, float(s1 - s0))
    return [Chords(lo[g * samples:(g + 1) * samples], hi[g * samples:(g + 1) * samples],
                   count[g * samples:(g + 1) * samples], length) for g in range(len(edge_start) - 1)]


def _chords(a: np.ndarray, b: np.ndarray, edge_start: np.ndarray, starts: np.ndarray, direction, length,
            line_group: np.ndarray) -> Chords:
    """:func:`chords` on edge start and end arrays grouped by polygon (``edge_start``: where each
    polygon's edges begin, then the total) and each line's polygon (``line_group``). The crossings,
    their order and pairing are the compiled kernel's (:func:`._chord_kernel.line_chords`); so are the
    projections of parallel lines (:func:`._chord_kernel.parallel_chords`), while lines in their own
    directions (the slot checks) are projected by numpy's matrix products."""
    length = np.ascontiguousarray(np.broadcast_to(np.asarray(length, dtype=float), len(starts)))
    direction = np.asarray(direction, dtype=float)
    if direction.ndim == 1:  # parallel lines: the projections and the band of edges they sweep, compiled
        lo, hi, count = parallel_chords(a, b, edge_start, starts, direction, length, line_group, MIN_CHORD)
        return Chords(lo, hi, count, length)
    perp = np.stack([-direction[:, 1], direction[:, 0]], axis=1)
    offsets = (starts * perp).sum(axis=1)
    wa, wb = (a @ perp.T).T, (b @ perp.T).T
    sa, sb = (a @ direction.T).T, (b @ direction.T).T
    along = (starts * direction).sum(axis=1)
    c = np.ascontiguousarray
    lo, hi, count = line_chords(c(wa), c(wb), c(sa), c(sb), edge_start, offsets, along, length, line_group, MIN_CHORD)
    return Chords(lo, hi, count, length)


def grazes(edges: tuple[np.ndarray, np.ndarray], starts, directions, tol: float = 1e-7) -> np.ndarray:
    """Per line (from each of ``starts`` along each of ``directions``, both ``(M, 2)``), whether it passes
    within ``tol`` mm of a vertex of the polygon of ``edges``: through a vertex or along an edge, where
    :func:`chords` and shapely's intersection may disagree."""
    a, _ = edges
    starts, directions = np.atleast_2d(starts), np.atleast_2d(directions)
    perp = np.stack([-directions[:, 1], directions[:, 0]], axis=1)
    return (np.abs(a @ perp.T - (starts * perp).sum(axis=1)) <= tol).any(axis=0)
