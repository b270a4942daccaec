"""numba kernels of the nesting engine, on plain numpy arrays (the only module importing numba).

Geometry: every *variant* (one part at one rotation, inflated by half the spacing) is a set of
triangles in variant-local coordinates, its bounding box ``[0, w] x [0, h]``. A placement puts
the variant's local origin at ``(x, y)``. Two variants collide when some pair of their triangles
overlaps by more than ``EPS`` on every separating axis, so touching is legal.

With ``D4D_NO_NUMBA=1`` the same functions run as plain Python (the reference twin).
"""

from __future__ import annotations

import os

import numpy as np

if os.environ.get("D4D_NO_NUMBA"):
    def njit(*args, **kwargs):  # noqa: D103 - pure-Python twin
        return args[0] if args and callable(args[0]) else (lambda f: f)
else:
    from numba import njit

EPS = 1e-7


@njit(cache=True)
def seed(value):
    """Seed numba's own random generator (separate from NumPy's)."""
    np.random.seed(value)


@njit(cache=True)
def tri_overlap(a, ax, ay, b, bx, by, eps):
    """True when triangle ``a`` (3x2, offset ax, ay) and ``b`` overlap by more than eps (SAT)."""
    for t in range(2):
        p = a if t == 0 else b
        for i in range(3):
            j = (i + 1) % 3
            nx = -(p[j, 1] - p[i, 1])
            ny = p[j, 0] - p[i, 0]
            norm = np.sqrt(nx * nx + ny * ny)
            if norm == 0.0:
                continue
            nx /= norm
            ny /= norm
            amin = 1e300
            amax = -1e300
            bmin = 1e300
            bmax = -1e300
            for k in range(3):
                pa = (a[k, 0] + ax) * nx + (a[k, 1] + ay) * ny
                pb = (b[k, 0] + bx) * nx + (b[k, 1] + by) * ny
                amin = min(amin, pa)
                amax = max(amax, pa)
                bmin = min(bmin, pb)
                bmax = max(bmax, pb)
            if amax - bmin <= eps or bmax - amin <= eps:
                return False
    return True


@njit(cache=True)
def pair_collides(va, xa, ya, vb, xb, yb, tris, tbb, start, end, size, eps):
    """True when variant va at (xa, ya) and vb at (xb, yb) overlap."""
    if xa + size[va, 0] <= xb + eps or xb + size[vb, 0] <= xa + eps:
        return False
    if ya + size[va, 1] <= yb + eps or yb + size[vb, 1] <= ya + eps:
        return False
    for i in range(start[va], end[va]):
        ix0 = tbb[i, 0] + xa
        iy0 = tbb[i, 1] + ya
        ix1 = tbb[i, 2] + xa
        iy1 = tbb[i, 3] + ya
        for j in range(start[vb], end[vb]):
            if ix1 <= tbb[j, 0] + xb + eps or tbb[j, 2] + xb <= ix0 + eps:
                continue
            if iy1 <= tbb[j, 1] + yb + eps or tbb[j, 3] + yb <= iy0 + eps:
                continue
            if tri_overlap(tris[i], xa, ya, tris[j], xb, yb, eps):
                return True
    return False


@njit(cache=True)
def collides(v, x, y, pv, px, py, n, tris, tbb, start, end, size, eps):
    """True when variant v at (x, y) overlaps any of the first n placed items (pv, px, py)."""
    for k in range(n):
        if pair_collides(v, x, y, pv[k], px[k], py[k], tris, tbb, start, end, size, eps):
            return True
    return False


@njit(cache=True)
def _fits(v, x, y, x0, y0, x1, y1, size):
    return x >= x0 and y >= y0 and x + size[v, 0] <= x1 and y + size[v, 1] <= y1


@njit(cache=True)
def best_position(variants, box, pv, px, py, n, tris, tbb, start, end, size, samples, eps):
    """Bottom-left search for one item: random samples, then coordinate descent towards the origin.

    Args:
        variants: candidate variant ids (the item's allowed rotations).
        box: the usable container ``[x0, y0, x1, y1]``.
    Returns:
        ``(variant, x, y, score)``; variant -1 when nothing fits.
    """
    x0, y0, x1, y1 = box[0], box[1], box[2], box[3]
    used = x0
    for k in range(n):
        used = max(used, px[k] + size[pv[k], 0])
    best_v, best_x, best_y, best_s = -1, 0.0, 0.0, 1e300
    for vi in range(variants.shape[0]):
        v = variants[vi]
        w, h = size[v, 0], size[v, 1]
        if w > x1 - x0 + eps or h > y1 - y0 + eps:
            continue
        for s in range(samples + 2):
            if s == 0:
                x, y = x0, y0
            elif s == 1:  # right of everything placed: free whenever the container is long enough
                x, y = used, y0
                if x + w > x1:
                    continue
            else:  # sample where the layout is, plus one part's width beyond it
                x = x0 + np.random.random() * (min(x1, used + w) - x0 - w)
                y = y0 + np.random.random() * (y1 - y0 - h)
                if x < x0:
                    x = x0
            if collides(v, x, y, pv, px, py, n, tris, tbb, start, end, size, eps):
                continue
            step = 0.5 * max(w, h)
            while step > 1e-3 * max(w, h):
                moved = False
                for d in range(3):
                    nx = x - step if d != 1 else x
                    ny = y - step if d != 0 else y
                    if nx < x0:
                        nx = x0
                    if ny < y0:
                        ny = y0
                    if (nx != x or ny != y) and not collides(v, nx, ny, pv, px, py, n, tris, tbb, start, end,
                                                             size, eps):
                        x, y = nx, ny
                        moved = True
                        break
                if not moved:
                    step *= 0.5
            score = (x + w) * 10.0 + y
            if score < best_s:
                best_v, best_x, best_y, best_s = v, x, y, score
    return best_v, best_x, best_y, best_s
