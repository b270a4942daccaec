"""Chords: the stretches of straight lines that lie inside a polygon, many lines at once.

The fit measurement (:mod:`fabrication.fit`) samples a joint's void and the part in it along 17
parallel lines, through the drawn and the finished outline together (:func:`chords_each`), and the
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

from ._chord_kernel import first_holding, line_chords

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
        return [(float(a), float(b)) for a, b in zip(self.lo[m, :k], self.hi[m, :k])]

    def holding(self, centre: float, void: bool = False) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Per line, the first stretch of material (or, with ``void``, of the gap between stretches,
        window ends included) holding ``centre`` within 1e-9 mm: ``(left, right, found)`` arrays."""
        return first_holding(self.lo, self.hi, self.count, self.length, float(centre), bool(void))


def chords(edges: tuple[np.ndarray, np.ndarray], starts, direction, length) -> Chords:
    """The stretches inside the polygon of ``edges`` (:func:`edge_arrays`) of the lines from each of
    ``starts`` (``(M, 2)``) along the unit vector ``direction`` (one for all, or ``(M, 2)``: one per
    line), clipped to ``[0, length]`` (a number, or one per line); stretches no longer than
    :data:`MIN_CHORD` are dropped."""
    starts = np.atleast_2d(np.asarray(starts, dtype=float))
    return _chords(edges[0], edges[1], np.array([0, len(edges[0])]), starts, direction, length,
                   np.zeros(len(starts), dtype=np.int64))


def chords_each(edge_sets: list[tuple[np.ndarray, np.ndarray]], starts, direction, length: float) -> list[Chords]:
    """:func:`chords` of the same parallel lines through each of several polygons (their edge arrays),
    in one call instead of one per polygon (the same numbers)."""
    starts = np.atleast_2d(np.asarray(starts, dtype=float))
    m, k = len(starts), len(edge_sets)
    edge_start = np.zeros(k + 1, dtype=np.int64)
    np.cumsum([len(e[0]) for e in edge_sets], out=edge_start[1:])
    both = _chords(np.concatenate([e[0] for e in edge_sets]), np.concatenate([e[1] for e in edge_sets]), edge_start,
                   np.tile(starts, (k, 1)), direction, length, np.repeat(np.arange(k), m))
    return [Chords(both.lo[g * m:(g + 1) * m], both.hi[g * m:(g + 1) * m], both.count[g * m:(g + 1) * m],
                   both.length[g * m:(g + 1) * m]) for g in range(k)]


def _chords(a: np.ndarray, b: np.ndarray, edge_start: np.ndarray, starts: np.ndarray, direction, length,
            line_group: np.ndarray) -> Chords:
    """:func:`chords` on edge start and end arrays grouped by polygon (``edge_start``: where each
    polygon's edges begin, then the total) and each line's polygon (``line_group``). The projections
    are numpy's (the same products as ever, so the same last bits); the crossings, their order and
    pairing are the compiled kernel's (:func:`._chord_kernel.line_chords`)."""
    length = np.ascontiguousarray(np.broadcast_to(np.asarray(length, dtype=float), len(starts)))
    direction = np.asarray(direction, dtype=float)
    if direction.ndim == 1:  # parallel lines: only the edges in the band they sweep
        perp = np.array([-direction[1], direction[0]])
        offsets = starts @ perp
        wa, wb = a @ perp, b @ perp
        near = (np.maximum(wa, wb) >= offsets.min()) & (np.minimum(wa, wb) <= offsets.max())
        sa, sb, wa, wb = a[near] @ direction, b[near] @ direction, wa[near], wb[near]
        along = starts @ direction
        edge_start = np.concatenate([[0], np.cumsum(near)])[edge_start]  # each polygon's first edge in the band
        wa, wb, sa, sb = wa[None], wb[None], sa[None], sb[None]
    else:
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
