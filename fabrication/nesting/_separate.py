"""numba kernels of the overlap-minimising separator (sparrow-style), on plain numpy arrays.

The separator lets parts overlap and drives the overlap to zero: each iteration moves every
colliding item, in random order, to the spot where its weighted overlap with the others is
smallest (random samples across the container and around the item, refined by coordinate
descent), then raises the weights of the pairs that still collide (guided local search).

Overlap of two placed variants is ``_kernels.pair_depth``: the sum, over their convex piece
pairs that collide, of the pieces' penetration depth (the smallest overlap over the separating
axes) times the square root of the smaller piece's area, in mm^2. It is zero exactly when
``_kernels.pair_collides`` is False (the same code, the same ``eps``), so a zero-overlap layout
is a legal one.

Items stay inside the container by construction: a variant's bounding box ``[0, w] x [0, h]``
is only ever placed inside ``[0, L] x [0, H]``.
"""

from __future__ import annotations

import numpy as np

from ._kernels import njit, pair_depth


@njit(cache=True)
def item_score(geo, i, v, x, y, var, px, py, n, w, eps, cap):
    """Weighted overlap of item i as variant v at (x, y) with every other item; stops past cap.
    (Bounding boxes are tested here, inline: a call per item costs more than the test.)"""
    size = geo[8]
    x1 = x + size[v, 0]
    y1 = y + size[v, 1]
    total = 0.0
    for j in range(n):
        if j == i:
            continue
        u = var[j]
        if x1 <= px[j] + eps or px[j] + size[u, 0] <= x + eps or y1 <= py[j] + eps or py[j] + size[u, 1] <= y + eps:
            continue
        o = pair_depth(geo, v, x, y, u, px[j], py[j], eps, False)
        if o > 0.0:
            total += w[i, j] * o
            if total > cap:
                return total
    return total


@njit(cache=True)
def overlap_matrix(geo, var, px, py, n, eps):
    """Symmetric matrix of unweighted pair overlaps of the first n items."""
    ov = np.zeros((n, n))
    for i in range(n):
        for j in range(i + 1, n):
            o = pair_depth(geo, var[i], px[i], py[i], var[j], px[j], py[j], eps, False)
            ov[i, j] = o
            ov[j, i] = o
    return ov


@njit(cache=True)
def _clamp(size, v, x, y, length, height):
    x = min(max(x, 0.0), max(length - size[v, 0], 0.0))
    y = min(max(y, 0.0), max(height - size[v, 1], 0.0))
    return x, y


@njit(cache=True)
def _descend(geo, i, v, x, y, s, var, px, py, n, w, length, height, eps, first, last):
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
            cs = item_score(geo, i, v, cx, cy, var, px, py, n, w, eps, best_s)
            if cs < best_s:
                best_s, best_x, best_y = cs, cx, cy
        if best_s < s:
            s, x, y = best_s, best_x, best_y
            step *= 1.1
        else:
            step *= 0.5
            axis = np.random.randint(4)
    return x, y, s


@njit(cache=True)
def move_item(geo, i, allowed, n_allowed, var, px, py, n, w, length, height, eps, n_container, n_focus):
    """Move item i to the best spot found (its weighted overlap only ever falls); returns the new score."""
    size = geo[8]
    v0 = var[i]
    cur = item_score(geo, i, v0, px[i], py[i], var, px, py, n, w, eps, 1e300)
    keep = 3
    kv = np.full(keep, v0)
    kx = np.full(keep, px[i])
    ky = np.full(keep, py[i])
    ks = np.full(keep, 1e300)
    ks[0] = cur
    for s in range(n_container + n_focus):
        v = allowed[i, np.random.randint(n_allowed[i])]
        if s < n_container:
            x = np.random.random() * max(length - size[v, 0], 0.0)
            y = np.random.random() * max(height - size[v, 1], 0.0)
        else:
            x = px[i] + (np.random.random() - 0.5) * size[v0, 0]
            y = py[i] + (np.random.random() - 0.5) * size[v0, 1]
            x, y = _clamp(size, v, x, y, length, height)
        worst = 0
        for k in range(1, keep):
            if ks[k] > ks[worst]:
                worst = k
        sc = item_score(geo, i, v, x, y, var, px, py, n, w, eps, ks[worst])
        if sc < ks[worst]:
            kv[worst], kx[worst], ky[worst], ks[worst] = v, x, y, sc
            if sc == 0.0:
                break
    best_v, best_x, best_y, best_s = v0, px[i], py[i], cur
    for k in range(keep):
        if ks[k] >= 1e299:
            continue
        v = kv[k]
        side = min(size[v, 0], size[v, 1])
        x, y, sc = _descend(geo, i, v, kx[k], ky[k], ks[k], var, px, py, n, w, length, height, eps, 0.25 * side,
                            0.02 * side)
        if sc < best_s:
            best_v, best_x, best_y, best_s = v, x, y, sc
    if best_s > 0.0:
        side = min(size[best_v, 0], size[best_v, 1])
        best_x, best_y, best_s = _descend(geo, i, best_v, best_x, best_y, best_s, var, px, py, n, w, length, height,
                                          eps, 0.01 * side, 0.001 * side)
    var[i], px[i], py[i] = best_v, best_x, best_y
    return best_s


@njit(cache=True)
def sep_iteration(geo, allowed, n_allowed, pinned, var, px, py, n, w, ov, length, height, eps, n_container,
                  n_focus):
    """One separator iteration: move each colliding item that is not pinned (random order),
    refresh the overlap matrix rows of the moved items, then update the GLS weights. Returns the
    total overlap."""
    order = np.random.permutation(n)
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
        move_item(geo, i, allowed, n_allowed, var, px, py, n, w, length, height, eps, n_container, n_focus)
        for j in range(n):
            if j != i:
                o = pair_depth(geo, var[i], px[i], py[i], var[j], px[j], py[j], eps, False)
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
