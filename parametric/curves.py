"""2D curve helpers for profiles drawn from control points (plain numpy, mm)."""

from __future__ import annotations

import math

import numpy as np

from .errors import GeometryError


def bspline(ctrl: np.ndarray | list, *, degree: int = 2, samples: int = 24) -> np.ndarray:
    """Sample a clamped uniform B-spline through the end points of a control polygon.

    The curve starts at the first control point, ends at the last, stays inside the
    control polygon's convex hull and is tangent to the first and last legs.

    Args:
        ctrl: ``(n, 2)`` control points, ``n > degree``.
        degree: 2 (quadratic) or 3 (cubic).
        samples: points per knot span.
    """
    ctrl = np.asarray(ctrl, dtype=float)
    n = len(ctrl)
    if n <= degree:
        raise GeometryError(f"a degree-{degree} curve needs more than {degree} control points, got {n}")
    spans = n - degree
    knots = np.concatenate([np.zeros(degree), np.linspace(0.0, 1.0, spans + 1), np.ones(degree)])
    t = np.linspace(0.0, 1.0, spans * samples + 1)
    basis = _basis(knots, degree, t, n)
    # term by term, not ``basis @ ctrl``: BLAS rounds as the CPU's kernel does, and the outline must
    # be the same to the last bit on every machine (a last-bit change moves a nested layout)
    return np.einsum("ik,kj->ij", basis, ctrl)


def _basis(knots: np.ndarray, degree: int, t: np.ndarray, n: int) -> np.ndarray:
    """Cox-de Boor basis matrix ``(len(t), n)``."""
    t = np.clip(t, 0.0, 1.0 - 1e-12)
    b = np.zeros((len(t), len(knots) - 1))
    for i in range(len(knots) - 1):
        b[:, i] = (knots[i] <= t) & (t < knots[i + 1])
    for k in range(1, degree + 1):
        nb = np.zeros((len(t), len(knots) - 1 - k))
        for i in range(len(knots) - 1 - k):
            left = knots[i + k] - knots[i]
            right = knots[i + k + 1] - knots[i + 1]
            if left > 0:
                nb[:, i] += (t - knots[i]) / left * b[:, i]
            if right > 0:
                nb[:, i] += (knots[i + k + 1] - t) / right * b[:, i + 1]
        b = nb
    b = b[:, :n]
    b[-1] = 0.0
    b[-1, -1] = 1.0
    return b


def arc_lengths(poly: np.ndarray) -> np.ndarray:
    """Cumulative arc length at each vertex of a polyline ``(n, 2)``."""
    seg = np.linalg.norm(np.diff(poly, axis=0), axis=1)
    return np.concatenate([[0.0], np.cumsum(seg)])


def stations(poly: np.ndarray, s: np.ndarray | list) -> tuple[np.ndarray, np.ndarray]:
    """Points and unit tangents at arc lengths ``s`` along a polyline."""
    poly = np.asarray(poly, dtype=float)
    cum = arc_lengths(poly)
    s = np.clip(np.asarray(s, dtype=float), 0.0, cum[-1])
    pts = np.stack([np.interp(s, cum, poly[:, 0]), np.interp(s, cum, poly[:, 1])], axis=1)
    # tangent from a short central difference along the curve (smooth across vertices)
    h = max(cum[-1] * 1e-3, 0.5)
    a = np.stack([np.interp(s - h, cum, poly[:, 0]), np.interp(s - h, cum, poly[:, 1])], axis=1)
    b = np.stack([np.interp(s + h, cum, poly[:, 0]), np.interp(s + h, cum, poly[:, 1])], axis=1)
    tan = b - a
    tan /= np.linalg.norm(tan, axis=1, keepdims=True)
    return pts, tan


def min_radius(poly: np.ndarray) -> float:
    """Smallest radius of curvature along a polyline (circumradius of consecutive vertex triples)."""
    p = np.asarray(poly, dtype=float)
    a, b, c = p[:-2], p[1:-1], p[2:]
    ab, bc, ca = (np.linalg.norm(b - a, axis=1), np.linalg.norm(c - b, axis=1), np.linalg.norm(a - c, axis=1))
    cross = np.abs((b - a)[:, 0] * (c - a)[:, 1] - (b - a)[:, 1] * (c - a)[:, 0])
    with np.errstate(divide="ignore", invalid="ignore"):
        r = ab * bc * ca / (2 * cross)
    r = r[np.isfinite(r)]
    return float(r.min()) if len(r) else float("inf")


#: cosine and sine of the quarter turns, exact (the cosine of pi/2 in floating point is 6e-17)
QUARTER_TURNS = {0.0: (1.0, 0.0), 90.0: (0.0, 1.0), 180.0: (-1.0, 0.0), 270.0: (0.0, -1.0)}


def rotate(v: np.ndarray, degrees: float) -> np.ndarray:
    """Rotate 2D vectors counter-clockwise by ``degrees`` about the origin, as shapely's
    ``affinity.rotate`` does. The same to the last bit on every CPU: quarter turns are exact (they
    only swap and negate coordinates), other angles take the C library's cosine, and the products
    are taken one by one (a matrix product goes to BLAS, whose rounding depends on the CPU's kernel)."""
    c, s = QUARTER_TURNS.get(degrees % 360.0) or (math.cos(math.radians(degrees)), math.sin(math.radians(degrees)))
    v = np.asarray(v, dtype=float)
    return np.stack([c * v[..., 0] - s * v[..., 1], s * v[..., 0] + c * v[..., 1]], axis=-1)
