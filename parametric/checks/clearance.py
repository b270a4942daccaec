"""Exact, cheap proofs that a body capsule misses flat parts, so the collision check
(:func:`parametric.checks.ergonomics.collisions`) runs manifold3d booleans only where a part may be hit.

A capsule here is every point within ``radius`` of the segment ``p0 -> p1`` (the hull of
:func:`parametric.figure.capsule_points` lies inside it: its points are on the end spheres); a flat part
is its outline extruded ``thickness`` about its frame's mid-plane (:class:`parametric.part.FlatPart`,
the solid :mod:`parametric.mesh` meshes). In the part's frame a capsule point ``x`` within ``radius``
of a segment point ``s`` can lie in the part only if ``s`` is within ``radius`` of the slab in ``w``
and, in the plane, within ``sqrt(radius^2 - d_w^2)`` of the outline (``d_w``: how far ``s`` lies
outside the slab in ``w``). :meth:`PartSlabs.clear` checks that bound on pieces of the segment (each
piece held to the smallest ``d_w`` it reaches), so it says "clear" only when the capsule cannot meet
the part; anything it cannot prove is left to the boolean.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import shapely

from ..part import FlatPart

#: clearance a proof must keep beyond the capsule's radius (mm): far above the float32 rounding of the
#: part solids the boolean sees (:func:`parametric.mesh.to_manifold`, ~1e-4 mm at 2 m)
SLACK_MM = 0.01
#: pieces the segment is cut into along its length for the in-plane test: ours (more pieces prove more
#: near misses with a finer ``d_w``; 2 proved every miss of our chairs and presets)
PIECES = 4


class PartSlabs:
    """The flat parts of a design in the arrays the proofs need (frames stacked, outlines and their boxes, and
    each solid's axis-aligned bounding box in the product frame)."""

    def __init__(self, parts: Sequence[FlatPart]):
        if not parts:
            raise ValueError("no parts to test a capsule against: give the design's parts")
        self.names = [p.name for p in parts]
        self.axes = np.array([(p.frame.xdir, p.frame.ydir, p.frame.normal) for p in parts], dtype=float)  # u, v, w
        self.origins = np.array([p.frame.origin for p in parts], dtype=float)
        self.half = np.array([p.thickness / 2 for p in parts], dtype=float)
        self.outlines = np.array([p.outline for p in parts], dtype=object)
        self.boxes = shapely.bounds(self.outlines)
        uv = [np.asarray(p.outline.exterior.coords)[:, :2] @ self.axes[i, :2] for i, p in enumerate(parts)]
        depth = self.half[:, None] * np.abs(self.axes[:, 2])  # the faces at w = +-half move the box this much
        self.lo = self.origins + np.array([c.min(axis=0) for c in uv]) - depth
        self.hi = self.origins + np.array([c.max(axis=0) for c in uv]) + depth

    def near(self, p0: np.ndarray, p1: np.ndarray, radius: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The (segment, part) index pairs whose bounding boxes meet, for capsules of ``radius`` (``(m,)``)
        about ``p0[i] -> p1[i]`` (``(m, 3)``): the broad phase."""
        reach = np.asarray(radius, dtype=float)[:, None]
        lo, hi = np.minimum(p0, p1) - reach, np.maximum(p0, p1) + reach
        meet = np.all((lo[:, None, :] <= self.hi[None]) & (hi[:, None, :] >= self.lo[None]), axis=2)
        return np.nonzero(meet)

    def clear(self, p0: np.ndarray, p1: np.ndarray, radius: np.ndarray, which: np.ndarray) -> np.ndarray:
        """Per pair ``k``: True where the capsule of ``radius[k]`` about ``p0[k] -> p1[k]`` (``(k, 3)``)
        provably misses part ``which[k]`` by more than :data:`SLACK_MM` (False: not proven, test it
        exactly)."""
        which, radius = np.asarray(which, dtype=int), np.asarray(radius, dtype=float)
        if np.any(radius <= 0):
            raise ValueError(f"a capsule needs a positive radius, got {radius.min()} mm")
        ends = np.stack([p0, p1], axis=1) - self.origins[which][:, None, :]  # (k, 2, 3)
        local = np.einsum("kij,kej->kei", self.axes[which], ends)  # (k, 2, [u, v, w])
        reach = radius + SLACK_MM
        half = self.half[which]
        w0, w1 = local[:, 0, 2], local[:, 1, 2]
        out = (np.minimum(w0, w1) > half + reach) | (np.maximum(w0, w1) < -half - reach)  # beyond one face
        todo = np.flatnonzero(~out)
        if len(todo):
            out[todo] = self._in_plane(local[todo], half[todo], radius[todo], which[todo])
        return out

    def _in_plane(self, local: np.ndarray, half: np.ndarray, radius: np.ndarray, which: np.ndarray) -> np.ndarray:
        """The in-plane test of the module docstring on :data:`PIECES` pieces of each segment's stretch
        within ``radius`` of the slab (``local``: ``(k, 2, 3)`` ends in the parts' frames)."""
        a, d = local[:, 0, :], local[:, 1, :] - local[:, 0, :]
        reach = half + radius + SLACK_MM  # segment points farther off the mid-plane than this cannot matter
        flat = np.abs(d[:, 2]) < 1e-12  # parallel to the plate: all of it (the face test left it near)
        dz = np.where(flat, 1.0, d[:, 2])
        t0, t1 = (-reach - a[:, 2]) / dz, (reach - a[:, 2]) / dz
        lo = np.where(flat, 0.0, np.clip(np.minimum(t0, t1), 0.0, 1.0))
        hi = np.where(flat, 1.0, np.clip(np.maximum(t0, t1), 0.0, 1.0))
        t = lo[:, None] + (hi - lo)[:, None] * np.linspace(0.0, 1.0, PIECES + 1)  # the part that may matter
        pts = a[:, None, :] + t[..., None] * d[:, None, :]  # (k, P + 1, 3)
        w, half = pts[..., 2], half[:, None]
        outside = np.maximum(np.abs(w) - half, 0.0)  # d_w at the cut points
        # d_w is convex along the segment: a piece reaches its smallest at an end, or 0 if it crosses the slab
        crosses = (np.minimum(w[:, :-1], w[:, 1:]) <= half) & (np.maximum(w[:, :-1], w[:, 1:]) >= -half)
        d_w = np.where(crosses, 0.0, np.minimum(outside[:, :-1], outside[:, 1:]))  # (k, P)
        r = radius[:, None]
        need = np.sqrt(np.maximum(r * r - d_w * d_w, 0.0)) + SLACK_MM  # in-plane clearance to prove
        far = d_w > r + SLACK_MM  # pieces too far off the slab to matter
        ends = np.stack([pts[:, :-1, :2], pts[:, 1:, :2]], axis=2)  # (k, P, 2, [u, v])
        box = self.boxes[which][:, None, :]  # the outlines' (min u, min v, max u, max v)
        gap = np.maximum(np.maximum(ends.min(axis=2) - box[..., 2:], box[..., :2] - ends.max(axis=2)), 0.0)
        left = ~far & (np.hypot(gap[..., 0], gap[..., 1]) <= need)  # box gaps: a lower bound of the distance
        k, piece = np.nonzero(left)
        # the exact distance, not shapely.dwithin: GEOS 3.14's prepared dwithin says "not within" for
        # pieces of (near) zero length within the distance (a segment square to the plate)
        left[k, piece] = shapely.distance(self.outlines[which[k]], shapely.linestrings(ends[k, piece])) <= need[k, piece]
        return ~np.any(left, axis=1)
