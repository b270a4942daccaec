"""numba kernel of the bottom-left construction: random samples, then coordinate descent.

Every candidate spot is tested against the placed items through the grid broad phase
(``_grid.py``), so one insertion costs O(n) to build the grid plus O(samples x neighbourhood)
to search, instead of O(samples x n); ``cell <= 0`` scans every placed item instead (the
reference the benchmark measures the grid against).
"""

from __future__ import annotations

import numpy as np

from ._grid import grid_build, grid_params, grid_query
from ._kernels import LEAN, collides, njit, pair_collides


@njit(cache=True, **LEAN)
def _hits(geo, v, x, y, pv, px, py, n, eps, g, cstart, citems, out, mark, brute):
    """True when variant v at (x, y) overlaps a placed item (grid candidates, or all when ``brute``)."""
    if brute:
        return collides(geo, v, x, y, pv, px, py, n, eps)
    size = geo[8]
    found = grid_query(g, cstart, citems, size, pv, px, py, x, y, x + size[v, 0], y + size[v, 1], eps, -1, out, mark)
    for m in range(found):
        k = out[m]
        if pair_collides(geo, v, x, y, pv[k], px[k], py[k], eps):
            return True
    return False


@njit(cache=True)
def best_position(geo, variants, box, pv, px, py, n, samples, eps, cell):
    """Bottom-left search for one item: random samples, then coordinate descent towards the origin.

    Args:
        variants: candidate variant ids (the item's allowed rotations).
        box: the usable container ``[x0, y0, x1, y1]``.
        cell: grid cell side (mm) of the broad phase; 0 scans every placed item.
    Returns:
        ``(variant, x, y, score)``; variant -1 when nothing fits.
    """
    size = geo[8]
    x0, y0, x1, y1 = box[0], box[1], box[2], box[3]
    used = x0
    for k in range(n):
        used = max(used, px[k] + size[pv[k], 0])
    brute = cell <= 0.0
    g = grid_params(x0, y0, max(used, x0 + 1.0), y1, cell if not brute else 1.0)
    if brute:
        cstart, citems = np.zeros(1, dtype=np.int64), np.zeros(0, dtype=np.int64)
    else:
        cstart, citems = grid_build(g, size, pv, px, py, n)
    out = np.empty(max(n, 1), dtype=np.int64)
    mark = np.zeros(n + 1, dtype=np.int64)
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
                x = max(x, x0)
            if _hits(geo, v, x, y, pv, px, py, n, eps, g, cstart, citems, out, mark, brute):
                continue
            step = 0.5 * max(w, h)
            while step > 1e-3 * max(w, h):
                moved = False
                for d in range(3):
                    nx = x - step if d != 1 else x
                    ny = y - step if d != 0 else y
                    nx = max(nx, x0)
                    ny = max(ny, y0)
                    if (nx != x or ny != y) and not _hits(geo, v, nx, ny, pv, px, py, n, eps, g, cstart, citems,
                                                         out, mark, brute):
                        x, y = nx, ny
                        moved = True
                        break
                if not moved:
                    step *= 0.5
            score = (x + w) * 10.0 + y
            if score < best_s:
                best_v, best_x, best_y, best_s = v, x, y, score
    return best_v, best_x, best_y, best_s
