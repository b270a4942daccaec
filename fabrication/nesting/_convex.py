"""Which convex pieces the separating-axis kernels may treat as convex exactly (``_kernels._lowest``).

The pieces ``prepare`` cuts are convex up to the tolerance of their merging and the round-off of
turning them; a window search for a projection's extreme is exact only on vertices in convex
position as the floats stand, so each piece is certified once, when the variants are built.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np


def convex_flags(verts: np.ndarray, starts, ends) -> np.ndarray:
    """Per piece, whether its vertices are in convex position counter-clockwise *exactly* (as the
    floats stand): no repeated vertex, no right turn and no turning back at any vertex, going
    round once. Then the vertices on either side of any line form one run each, which is what
    ``_kernels._lowest`` relies on to find a projection's extreme without projecting every vertex;
    a piece that fails (round-off can bend a nearly straight run of vertices slightly inwards) is
    projected vertex by vertex, with the same result.

    Each turn's sign comes from Shewchuk's filtered orientation test (the float determinant where
    its error bound proves the sign, exact rationals otherwise)."""
    starts, ends = np.asarray(starts, dtype=np.int64), np.asarray(ends, dtype=np.int64)
    counts = ends - starts
    if len(verts) == 0:
        return np.zeros(len(starts), dtype=bool)
    piece = np.repeat(np.arange(len(starts)), counts)
    at = np.arange(len(verts))
    prev = np.where(at == starts[piece], ends[piece] - 1, at - 1)
    nxt = np.where(at == ends[piece] - 1, starts[piece], at + 1)
    a, b, c = verts[prev], verts, verts[nxt]
    left = (a[:, 0] - c[:, 0]) * (b[:, 1] - c[:, 1])
    right = (a[:, 1] - c[:, 1]) * (b[:, 0] - c[:, 0])
    det = left - right
    # Shewchuk's ccwerrboundA, plus room for products rounded below the normal range (tiny coordinates)
    bound = (3.0 + 16.0 * 2.0 ** -53) * 2.0 ** -53 * (np.abs(left) + np.abs(right)) + 1e-300
    sign = np.where(det > bound, 1, np.where(det < -bound, -1, 0))
    sign[~np.isfinite(det + bound)] = -1  # overflowing coordinates: not certified
    for k in np.flatnonzero(sign == 0):  # not proven by the filter: exact rationals
        (ax, ay), (bx, by), (cx, cy) = (map(Fraction, p) for p in (a[k], b[k], c[k]))
        exact = (ax - cx) * (by - cy) - (ay - cy) * (bx - cx)
        forward = (bx - ax) * (cx - bx) + (by - ay) * (cy - by)  # straight on, not back, when collinear
        sign[k] = 1 if exact > 0 else (-1 if exact < 0 or forward <= 0 else 0)
    repeated = (verts == c).all(axis=1)
    e1, e2 = b - a, c - b
    turn = np.arctan2(e1[:, 0] * e2[:, 1] - e1[:, 1] * e2[:, 0], e1[:, 0] * e2[:, 0] + e1[:, 1] * e2[:, 1])
    bad = (sign < 0) | repeated
    ok = counts >= 3
    live = counts > 0
    ok[live] &= ~np.logical_or.reduceat(bad, starts[live])
    # turns all to the left: once round is 2 pi of turning, twice round 4 pi (a pentagram)
    ok[live] &= np.add.reduceat(np.maximum(turn, 0.0), starts[live]) < 3 * np.pi
    return ok
