"""Broad phase of the nesting kernels: a uniform grid of the placed items' bounding boxes.

Scanning every placed item's bounding box costs O(n) per collision test or overlap score, so a
construction or a separator move on n items costs O(n^2) overall. The grid (compressed rows:
``cstart`` per cell into ``citems``) is built in O(n + cells) and answers "which items' boxes
overlap this box" from the cells the box covers, so the work per test is bounded by the
neighbourhood (jagua-rs uses a quadtree for the same job; a grid suits parts of similar size).

Coordinates outside the gridded region are clamped into its border cells, so a query anywhere
is exact: clamping is monotone, hence two overlapping intervals always share a clamped cell.
The answer is exactly the brute-force set: the same strict bounding-box test (``eps``) as
``_kernels.collides`` decides, the grid only skips items that cannot pass it.

``g`` is the float array ``[ox, oy, cell_w, cell_h, ncx, ncy]``; ``mark`` (length n + 1) stamps
the items already seen in a query, its last slot holding the query counter.
"""

from __future__ import annotations

import math

import numpy as np

from ._kernels import LEAN, njit

#: most cells along one side (memory and build time stay O(n + cells))
MAX_CELLS = 256


@njit(cache=True)
def grid_params(x0, y0, x1, y1, cell):
    """Grid over ``[x0, x1] x [y0, y1]`` with cells about ``cell`` mm (at most MAX_CELLS a side)."""
    w = max(x1 - x0, 1e-9)
    h = max(y1 - y0, 1e-9)
    ncx = min(max(math.ceil(w / cell), 1), MAX_CELLS)
    ncy = min(max(math.ceil(h / cell), 1), MAX_CELLS)
    g = np.empty(6)
    g[0], g[1], g[2], g[3], g[4], g[5] = x0, y0, w / ncx, h / ncy, ncx, ncy
    return g


@njit(cache=True, **LEAN)
def _span(lo, hi, origin, cell, count):
    a = math.floor((lo - origin) / cell)
    b = math.floor((hi - origin) / cell)
    return min(max(a, 0), count - 1), min(max(b, 0), count - 1)


@njit(cache=True)
def grid_build(g, size, var, px, py, n):
    """Cell lists of the first n items (variant ``var``, origin ``px, py``): ``(cstart, citems)``."""
    ncx, ncy = int(g[4]), int(g[5])
    counts = np.zeros(ncx * ncy + 1, dtype=np.int64)
    for k in range(n):
        ax, bx = _span(px[k], px[k] + size[var[k], 0], g[0], g[2], ncx)
        ay, by = _span(py[k], py[k] + size[var[k], 1], g[1], g[3], ncy)
        for cx in range(ax, bx + 1):
            for cy in range(ay, by + 1):
                counts[cx * ncy + cy + 1] += 1
    cstart = np.cumsum(counts)
    fill = cstart[:-1].copy()
    citems = np.empty(cstart[-1], dtype=np.int64)
    for k in range(n):
        ax, bx = _span(px[k], px[k] + size[var[k], 0], g[0], g[2], ncx)
        ay, by = _span(py[k], py[k] + size[var[k], 1], g[1], g[3], ncy)
        for cx in range(ax, bx + 1):
            for cy in range(ay, by + 1):
                c = cx * ncy + cy
                citems[fill[c]] = k
                fill[c] += 1
    return cstart, citems


@njit(cache=True, **LEAN)
def grid_query(g, cstart, citems, size, var, px, py, x, y, x1, y1, eps, skip, out, mark):
    """Items whose bounding box overlaps ``[x, x1] x [y, y1]`` by more than ``eps`` on both axes
    (the brute-force test of ``_kernels.collides``), item ``skip`` left out; written to ``out``,
    returns how many."""
    ncx, ncy = int(g[4]), int(g[5])
    ax, bx = _span(x, x1, g[0], g[2], ncx)
    ay, by = _span(y, y1, g[1], g[3], ncy)
    tag = mark[-1] + 1
    mark[-1] = tag
    found = 0
    for cx in range(ax, bx + 1):
        for cy in range(ay, by + 1):
            c = cx * ncy + cy
            for m in range(cstart[c], cstart[c + 1]):
                k = citems[m]
                if k == skip or mark[k] == tag:
                    continue
                mark[k] = tag
                u = var[k]
                if x1 <= px[k] + eps or px[k] + size[u, 0] <= x + eps or y1 <= py[k] + eps \
                        or py[k] + size[u, 1] <= y + eps:
                    continue
                out[found] = k
                found += 1
    return found


def cell_size(size: np.ndarray) -> float:
    """A cell side for variants of these sizes (mm): their median larger side, so an item covers
    a few cells and a cell holds a few items."""
    return max(float(np.median(size.max(axis=1))), 1e-3) if len(size) else 1.0
