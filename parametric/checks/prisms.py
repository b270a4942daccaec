"""How much two flat plates can share: an upper bound of their intersection volume without a 3D boolean.

A :class:`~parametric.part.FlatPart` is a prism: its outline extruded ``thickness`` about its frame's
mid-plane (the solid :mod:`parametric.mesh` makes). The overlap check only needs to know that most
touching pairs (cross-lap and notch joints, plates resting on plates) share no volume; proving that
from the outlines costs microseconds, where a manifold3d boolean costs about half a millisecond.

* Crossing plates (:func:`._prism_kernel.crossing_bound`): the integral along the crossing line of the
  product of both plates' chords inside the band the other plate's slab cuts. Exact for perpendicular
  plates; at other angles a bound (the slabs meet in a parallelogram, bounded by a box).
* Parallel plates: the overlap of their thickness intervals (B's corners measured in A's frame, so a
  residual tilt is covered) times the smaller outline area.
"""

from __future__ import annotations

import math

import numpy as np

from ..part import FlatPart
from ..tolerances import TOL
from ._prism_kernel import crossing_bound
from .chords import edge_arrays

#: plates closer to parallel than this are measured as parallel (TOL.angle_deg: they do not cross)
MIN_SIN = math.sin(math.radians(TOL.angle_deg))


def kernel_plate(part: FlatPart) -> tuple:
    """What the kernel needs of a part: its frame's origin, xdir, ydir and normal, its thickness and its
    outline's edges (starts, ends: ``(E, 2)`` each, every ring, part-local mm)."""
    f = part.frame
    starts, ends = edge_arrays(part.outline)
    return (f._origin, f._axes[0], f._axes[1], f._axes[2], float(part.thickness),
            np.ascontiguousarray(starts), np.ascontiguousarray(ends))


class Plates(dict):
    """Part name -> :func:`kernel_plate` of the part, made on first use: one check call measures each part
    against several others (the parts of one design, so the names are unique)."""

    def __init__(self, parts):
        super().__init__()
        self.parts = {p.name: p for p in parts}

    def __missing__(self, name: str):
        plate = self[name] = kernel_plate(self.parts[name])
        return plate


def shared_volume_bound(a: FlatPart, b: FlatPart, plates: Plates | None = None) -> float:
    """An upper bound of the volume plates ``a`` and ``b`` share, mm^3: exact for perpendicular plates,
    0.0 when a plane or the outlines prove they share none (touching faces give float noise, ~1e-10).

    ``plates``: the parts' kernel arrays by name when the caller measures many pairs of one design."""
    pa, pb = (plates[a.name], plates[b.name]) if plates is not None else (kernel_plate(a), kernel_plate(b))
    bound = crossing_bound(*pa, *pb, MIN_SIN)
    return bound if bound >= 0.0 else _parallel_bound(a, b)


def _parallel_bound(a: FlatPart, b: FlatPart) -> float:
    """Thickness overlap (B's outline corners on both faces, in A's frame) x the smaller outline area,
    the latter over the cosine between the planes (B's section by a plane of A's)."""
    ring = np.asarray(b.outline.exterior.coords)
    half = b.thickness / 2
    w = a.frame.to_local(np.vstack([b.frame.to_world(ring, half), b.frame.to_world(ring, -half)]))[:, 2]
    depth = min(a.thickness / 2, float(w.max())) - max(-a.thickness / 2, float(w.min()))
    if depth <= 0.0:
        return 0.0
    cos = abs(float(a.frame.normal @ b.frame.normal))
    return depth * min(a.area, b.area / cos)
