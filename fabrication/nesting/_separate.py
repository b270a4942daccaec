"""numba kernels of the overlap-minimising separator (sparrow-style), on plain numpy arrays.

The separator lets parts overlap and drives the overlap to zero: each iteration moves every
colliding item, in random order, to the spot where its weighted loss against the others is
smallest (random samples across the container and around the item, refined by coordinate
descent), then raises the weights of the pairs that still collide (guided local search).

The overlap of two placed variants is ``_kernels.pair_depth``: the sum, over their convex
piece pairs that collide, of the pieces' penetration depth (the smallest overlap over the
separating axes) times the square root of the smaller piece's area, in mm^2. The separator
minimises a loss made from it as sparrow does, ``_kernels.pair_loss``: its square root plus a
floor for every colliding pair, times a size penalty. Both are zero exactly when
``_kernels.pair_collides`` is False (the same code, the same ``eps``), so a zero-loss layout is
a legal one.

Why the loss and not the overlap itself (measured on swim: 0.1 % shrinks of a layout at 0.89 of
best-known). Minimising the plain overlap, a move would rather take a small overlap with a part
nobody collides with than a deeper one where it is: the colliding parts went from 10 to 30 in
40 iterations and the overlap grew; a shrink took 18 iterations at the median. With the floor a
new collision costs more than a deeper one, and a shrink takes 5 (23 ms instead of 109 ms).

Items stay inside the container by construction: a variant's bounding box ``[0, w] x [0, h]``
is only ever placed inside ``[0, L] x [0, H]``.
"""

from __future__ import annotations

import numpy as np

from ._grid import grid_build, grid_params, grid_query
from ._kernels import LEAN, njit, pair_loss


@njit(cache=True, **LEAN)
def item_score(geo, i, v, x, y, var, px, py, w, eps, cap, grid):
    """Weighted overlap of item i as variant v at (x, y) with every other item; stops past cap.
    Only the items the broad-phase ``grid`` (``make_grid``) returns are tested exactly."""
    size = geo[8]
    g, cstart, citems, out, mark = grid
    found = grid_query(g, cstart, citems, size, var, px, py, x, y, x + size[v, 0], y + size[v, 1], eps, i, out, mark)
    total = 0.0
    for m in range(found):
        j = out[m]
        o = pair_loss(geo, v, x, y, var[j], px[j], py[j], eps, total, w[i, j], cap)
        if o > 0.0:
            total += w[i, j] * o
            if total > cap:
                return total
    return total


@njit(cache=True)
def make_grid(geo, var, px, py, n, length, height, cell):
    """The broad-phase grid of the first n items over the container, with its query buffers:
    ``(g, cstart, citems, out, mark)``."""
    g = grid_params(0.0, 0.0, max(length, 1e-9), max(height, 1e-9), cell)
    cstart, citems = grid_build(g, geo[8], var, px, py, n)
    return g, cstart, citems, np.empty(max(n, 1), dtype=np.int64), np.zeros(n + 1, dtype=np.int64)


@njit(cache=True)
def overlap_matrix(geo, var, px, py, n, eps, cell):
    """Symmetric matrix of unweighted pair overlaps of the first n items (grid broad phase with
    cells of ``cell`` mm over the items' extent)."""
    size = geo[8]
    x1, y1 = 1e-9, 1e-9
    for k in range(n):
        x1 = max(x1, px[k] + size[var[k], 0])
        y1 = max(y1, py[k] + size[var[k], 1])
    g, cstart, citems, out, mark = make_grid(geo, var, px, py, n, x1, y1, cell)
    ov = np.zeros((n, n))
    for i in range(n):
        v = var[i]
        found = grid_query(g, cstart, citems, size, var, px, py, px[i], py[i], px[i] + size[v, 0], py[i] + size[v, 1],
                           eps, i, out, mark)
        for m in range(found):
            j = out[m]
            if j > i:
                o = pair_loss(geo, v, px[i], py[i], var[j], px[j], py[j], eps, 0.0, 1.0, 1e300)
                ov[i, j] = o
                ov[j, i] = o
    return ov


@njit(cache=True, **LEAN)
def _clamp(size, v, x, y, length, height):
    x = min(max(x, 0.0), max(length - size[v, 0], 0.0))
    y = min(max(y, 0.0), max(height - size[v, 1], 0.0))
    return x, y


@njit(cache=True, **LEAN)
def _descend(geo, i, v, x, y, s, var, px, py, w, length, height, eps, first, last, grid):
    """Coordinate descent from (x, y) with score s: random axis (x, y or a diagonal), step x1.1 on
    success, x0.5 and a new axis on failure, from ``first`` down to ``last`` mm."""
    size = geo[8]
    step = first
    axis = np.random.randint(4)
    while step >= last and s > 0.0:
        ux = 0.0 if axis == 1 else 1.0
        uy = 0.0 if axis == 0 else (-1.0 if axis == 3 else 1.0)
        best_s, best_x, best_y = s, x, y
        for sign in (-1.0, 1.0):
            cx, cy = _clamp(size, v, x + sign * step * ux, y + sign * step * uy, length, height)
            if cx == x and cy == y:
                continue
            cs = item_score(geo, i, v, cx, cy, var, px, py, w, eps, best_s, grid)
            if cs < best_s:
                best_s, best_x, best_y = cs, cx, cy
        if best_s < s:
            s, x, y = best_s, best_x, best_y
            step *= 1.1
        else:
            step *= 0.5
            axis = np.random.randint(4)
    return x, y, s


#: samples kept for a coordinate descent each (sparrow's ``n_coord_descents``)
KEEP = 3


@njit(cache=True, **LEAN)
def move_item(geo, i, allowed, n_allowed, var, px, py, w, window, height, eps, n_container, n_focus, grid, kv, kxy):
    """Move item i to the best spot found (its weighted overlap only ever falls); returns the new
    score. Container samples fall inside ``window = (x0, x1, length)``: x from x0 to x1 (the part
    of the strip the separator works on), never past the strip ``length``.

    The ``n_focus`` samples around the item come first, as in sparrow's ``search_placement``: they
    score lower than most samples across the container, so the kept samples' cap (the worst kept
    score, past which a sample's score stops) is low early and the container samples stop sooner.
    Every sample is scored, also after one without overlap (stopping there, as before, kept the
    first clear spot found instead of the best three). Measured at a fixed work (6000 separator
    iterations, one worker, seeds 0-15): 1.3 times the iterations a second on swim and 1.1 on
    shapes0, the same density (0.925 and 0.905 of best-known against 0.922 and 0.908).

    ``kv`` (KEEP ints) and ``kxy`` (3 x KEEP floats: x, y, score) are scratch space for the kept
    samples: allocated by the caller, so this kernel runs without numba's reference counting (see
    ``_kernels.py``)."""
    size = geo[8]
    x0, x1, length = window[0], window[1], window[2]
    v0 = var[i]
    cur = item_score(geo, i, v0, px[i], py[i], var, px, py, w, eps, 1e300, grid)
    keep = KEEP
    kx, ky, ks = kxy[0], kxy[1], kxy[2]
    for k in range(keep):
        kv[k], kx[k], ky[k], ks[k] = v0, px[i], py[i], 1e300
    ks[0] = cur
    for s in range(n_container + n_focus):
        v = allowed[i, np.random.randint(n_allowed[i])]
        if s >= n_focus:
            hi = max(min(x1, length) - size[v, 0], x0)
            x = x0 + np.random.random() * (hi - x0)
            y = np.random.random() * max(height - size[v, 1], 0.0)
            x, y = _clamp(size, v, x, y, length, height)
        else:
            x = px[i] + (np.random.random() - 0.5) * size[v0, 0]
            y = py[i] + (np.random.random() - 0.5) * size[v0, 1]
            x, y = _clamp(size, v, x, y, length, height)
        worst = 0
        for k in range(1, keep):
            if ks[k] > ks[worst]:
                worst = k
        sc = item_score(geo, i, v, x, y, var, px, py, w, eps, ks[worst], grid)
        if sc < ks[worst]:
            kv[worst], kx[worst], ky[worst], ks[worst] = v, x, y, sc
    best_v, best_x, best_y, best_s = v0, px[i], py[i], cur
    for k in range(keep):
        if ks[k] >= 1e299:
            continue
        v = kv[k]
        side = min(size[v, 0], size[v, 1])
        x, y, sc = _descend(geo, i, v, kx[k], ky[k], ks[k], var, px, py, w, length, height, eps, 0.25 * side,
                            0.02 * side, grid)
        if sc < best_s:
            best_v, best_x, best_y, best_s = v, x, y, sc
    if best_s > 0.0:
        side = min(size[best_v, 0], size[best_v, 1])
        best_x, best_y, best_s = _descend(geo, i, best_v, best_x, best_y, best_s, var, px, py, w, length, height,
                                          eps, 0.01 * side, 0.001 * side, grid)
    var[i], px[i], py[i] = best_v, best_x, best_y
    return best_s


@njit(cache=True)
def sep_iteration(geo, allowed, n_allowed, pinned, var, px, py, n, w, ov, window, height, eps, n_container,
                  n_focus, cell):
    """One separator iteration: move each colliding item that is not pinned (random order), with
    the broad-phase grid (cells of ``cell`` mm) rebuilt before each move and used to refresh the
    moved item's overlap row, then update the GLS weights. Returns the total overlap."""
    size = geo[8]
    length = window[2]
    order = np.random.permutation(n)
    kv = np.empty(KEEP, dtype=np.int64)
    kxy = np.empty((3, KEEP))
    for k in range(n):
        i = order[k]
        if pinned[i]:
            continue
        colliding = False
        for j in range(n):
            if ov[i, j] > 0.0:
                colliding = True
                break
        if not colliding:
            continue
        grid = make_grid(geo, var, px, py, n, length, height, cell)
        move_item(geo, i, allowed, n_allowed, var, px, py, w, window, height, eps, n_container, n_focus, grid, kv, kxy)
        for j in range(n):
            if ov[i, j] > 0.0:
                ov[i, j] = 0.0
                ov[j, i] = 0.0
        g, cstart, citems, out, mark = grid
        v = var[i]
        found = grid_query(g, cstart, citems, size, var, px, py, px[i], py[i], px[i] + size[v, 0], py[i] + size[v, 1],
                           eps, i, out, mark)
        for m in range(found):
            j = out[m]
            o = pair_loss(geo, v, px[i], py[i], var[j], px[j], py[j], eps, 0.0, 1.0, 1e300)
            ov[i, j] = o
            ov[j, i] = o
    top = 0.0
    total = 0.0
    for i in range(n):
        for j in range(i + 1, n):
            top = max(top, ov[i, j])
            total += ov[i, j]
    for i in range(n):
        for j in range(n):
            if i == j:
                continue
            if ov[i, j] > 0.0:
                w[i, j] *= 1.2 + 0.8 * ov[i, j] / top
            else:
                w[i, j] = max(1.0, 0.95 * w[i, j])
    return total
