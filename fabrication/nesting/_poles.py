"""Pole fail-fast for the collision test: two parts whose poles of inaccessibility overlap deeply
enough collide, so the construction skips the convex-piece test (jagua-rs ``fail_fast/pole.rs``).

A variant's pole is the largest circle inside it (centre by ``shapely.ops.polylabel``, radius
its distance to the boundary, holes included). If the poles of A and B overlap by ``d`` (radii
sum less the centre distance), their lens holds a disk of radius ``d/2`` inside both parts. A's
``na`` convex pieces and B's ``nb`` cover that disk, so some piece pair shares at least
``1/(na nb)`` of its area, ``pi d^2 / (4 na nb)``, in a convex set no wider than ``d``; a convex set
of area ``S`` and diameter ``D`` is at least ``S / D`` wide in every direction, so that pair's
projections overlap by at least ``pi d / (4 na nb)`` on every axis. When that exceeds ``2 EPS``
the separating-axis test (``_kernels.pair_collides``) is certain to say "collide": the fail-fast
never changes an answer, it only skips work (a property test checks it on random parts).
"""

from __future__ import annotations

import math

import numpy as np
from shapely.geometry import Polygon
from shapely.ops import polylabel, unary_union

from ._kernels import njit, pair_collides


def variant_poles(geo) -> np.ndarray:
    """Per variant its pole ``(cx, cy, r)`` in variant-local mm (``geo``: ``prepare.Variants.geo``),
    the radius shrunk by a relative 1e-9 so float rounding keeps the circle inside the pieces."""
    verts, pstart, pend, start, end = geo[0], geo[2], geo[3], geo[6], geo[7]
    poles = np.zeros((len(start), 3))
    for v in range(len(start)):
        shape = unary_union([Polygon(verts[pstart[p]:pend[p]]) for p in range(start[v], end[v])])
        if shape.geom_type != "Polygon":  # pieces touching at a point only: the largest piece's pole
            shape = max(getattr(shape, "geoms", [shape]), key=lambda g: g.area)
        if shape.is_empty or shape.area <= 0.0:
            continue  # radius 0: never fails fast
        point = polylabel(shape, tolerance=max(1e-3 * math.sqrt(shape.area), 1e-9))
        radius = shape.boundary.distance(point) if shape.contains(point) else 0.0
        poles[v] = (point.x, point.y, radius * (1.0 - 1e-9))
    return poles


@njit(cache=True)
def poles_collide(geo, poles, va, xa, ya, vb, xb, yb, eps):
    """True when the poles of variant va at (xa, ya) and vb at (xb, yb) overlap by more than
    ``8 eps na nb / pi`` (certain collision, see the module docstring); False says nothing."""
    start, end = geo[6], geo[7]
    ra, rb = poles[va, 2], poles[vb, 2]
    dx = xa + poles[va, 0] - xb - poles[vb, 0]
    dy = ya + poles[va, 1] - yb - poles[vb, 1]
    depth = ra + rb - math.sqrt(dx * dx + dy * dy)
    need = 8.0 / math.pi * eps * (end[va] - start[va]) * (end[vb] - start[vb]) + 1e-9 * (ra + rb)
    return depth > need


@njit(cache=True)
def pair_collides_ff(geo, poles, va, xa, ya, vb, xb, yb, eps):
    """``_kernels.pair_collides`` with the pole fail-fast first (the same answer, sooner)."""
    if poles_collide(geo, poles, va, xa, ya, vb, xb, yb, eps):
        return True
    return pair_collides(geo, va, xa, ya, vb, xb, yb, eps)
