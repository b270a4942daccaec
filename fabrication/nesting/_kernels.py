"""numba kernels of the nesting engine, on plain numpy arrays (the only module importing numba).

Geometry: every *variant* (one part at one rotation, inflated by half the spacing) is a set of
convex pieces in variant-local coordinates, its bounding box ``[0, w] x [0, h]``; the arrays
travel together as the tuple ``geo`` (``prepare.Variants.geo``). A placement puts the variant's
local origin at ``(x, y)``. Two variants collide when some pair of their pieces overlaps by more
than ``EPS`` on every separating axis (both pieces' edge normals), so touching is legal.

Projections: the kernels need, for a piece q and an edge normal k of another piece, the least and
greatest projection of q's vertices onto k. Variants are turned once, so these do not depend on
where the pieces are placed: :func:`projection_table` makes them all once per nest (``geo[11]``,
pieces x normals), and :func:`piece_depth` looks them up (O(n + m) a piece pair instead of O(n m);
the same floats). Beyond :data:`TABLE_MAX` entries the table is empty and the vertices are
projected as they are met.

Reference counting: numba counts the references to every array, an atomic increment and
decrement each time an array is taken out of a tuple such as ``geo`` or handed on, and in these
small kernels that cost more than the geometry: a :func:`pair_depth` of two shapes0 parts took
340 ns with it and 72 ns without. So every kernel that allocates nothing compiles without it
(``**LEAN``); the few that allocate (the grid's build, a separator iteration, the construction's
search) count as before and hand the lean ones any scratch arrays they need. The same layouts,
2.1 (swim) to 3.6 (jakobs1) times the separator iterations a second (``benchmarks/kernels.py``).
A lean kernel that allocated would not compile, so the rule keeps itself.

With ``D4D_NO_NUMBA=1`` the same functions run as plain Python (the reference twin).
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import numpy as np


def drop_stale_cache(package: Path) -> bool:
    """Delete numba's cached machine code in ``package/__pycache__`` when any kernel source of the
    package (its ``_*.py`` files) changed since that code was made; returns whether it did.

    numba checks a cached function against its own file's time stamp only, yet a kernel calling a
    kernel of another file holds a compiled copy of it: after an edit of ``_kernels.py`` alone, the
    separator cached from ``_separate.py`` would go on running the old loss. So the whole cache goes
    when the digest of the sources differs from the one written beside it (``kernels.sha256``). A
    read-only install, whose sources never change, is left as it is."""
    cache = package / "__pycache__"
    digest = hashlib.sha256(b"".join(p.read_bytes() for p in sorted(package.glob("_*.py")))).hexdigest()
    stamp = cache / "kernels.sha256"
    try:
        if stamp.read_text() == digest:
            return False
    except OSError:
        pass
    try:
        for f in [*cache.glob("*.nbi"), *cache.glob("*.nbc")]:
            f.unlink(missing_ok=True)
        cache.mkdir(exist_ok=True)
        stamp.write_text(digest)
    except OSError:
        return False
    return True


if os.environ.get("D4D_NO_NUMBA"):
    def njit(*args, **kwargs):
        return args[0] if args and callable(args[0]) else (lambda f: f)
    LEAN: dict = {}
else:
    from numba import njit
    from numba.core.options import DefaultOptions
    drop_stale_cache(Path(__file__).resolve().parent)  # before any kernel here or in a sibling is compiled
    #: njit options of a kernel that allocates nothing: no reference counting (``_nrt``, an option numba's
    #: own tests use; left out, at the old speed, by a numba that does not know it, and with
    #: ``D4D_KERNELS_COUNTED=1``, the baseline of ``benchmarks/kernels.py``, which then needs a
    #: ``NUMBA_CACHE_DIR`` of its own: numba's cache keys leave compile options out)
    LEAN = {"_nrt": False} if hasattr(DefaultOptions, "_nrt") and not os.environ.get("D4D_KERNELS_COUNTED") else {}

EPS = 1e-7


@njit(cache=True)
def seed(value):
    """Seed numba's own random generator (separate from NumPy's)."""
    np.random.seed(value)


#: most entries (pieces x edge normals) of the projection table: 16 bytes each, 64 MB at most (a chair's
#: nest has up to about 600,000; past it the vertices are projected as they are met)
TABLE_MAX = 4_000_000


@njit(cache=True)
def projection_table(verts, vnorm, pstart, pend):
    """``t[q, k] = (least, greatest)`` projection of piece q's vertices onto edge normal k, each the
    float :func:`_side` computes (``x nx + y ny``, then min / max in vertex order)."""
    t = np.empty((len(pstart), len(verts), 2))
    for q in range(len(pstart)):
        for k in range(len(verts)):
            nx, ny = vnorm[k, 0], vnorm[k, 1]
            low = 1e300
            high = -1e300
            for m in range(pstart[q], pend[q]):
                d = verts[m, 0] * nx + verts[m, 1] * ny
                low = min(low, d)
                high = max(high, d)
            t[q, k, 0] = low
            t[q, k, 1] = high
    return t


@njit(cache=True, forceinline=True, **LEAN)
def _side_table(verts, vnorm, vlow, table, ps, pe, q, dx, dy, eps):
    """:func:`_side` with q's projections read from the table (``projection_table``): the same floats.
    Its own loop (the table read as a third case inside :func:`_side` measured 3-5 % slower)."""
    depth = 1e300
    for k in range(ps, pe):
        nx, ny = vnorm[k, 0], vnorm[k, 1]
        if nx == 0.0 and ny == 0.0:
            continue
        phigh = verts[k, 0] * nx + verts[k, 1] * ny
        shift = dx * nx + dy * ny
        o = min(phigh - table[q, k, 0] - shift, table[q, k, 1] + shift - vlow[k])
        if o <= eps:
            return 0.0
        depth = min(depth, o)
    return depth


#: least vertex count of a piece whose projections may be sought in windows (:func:`_side`)
WINDOW_MIN = 36
#: a window pays when the piece has this many times its width of vertices: the plain loop costs about
#: 1.2 ns a vertex and normal, a window (one for each extreme) about 3 ns a vertex plus 5 ns (measured
#: on random convex 8- to 64-gons against each other: 1.7 times faster at 64 and 64, 1.2 at 32 and 64)
WINDOW_SHARE = 6


@njit(cache=True, forceinline=True, **LEAN)
def _lowest(verts, qs, qn, nx, ny, s, w, sign, tau):
    """The least ``sign * (x nx + y ny)`` over the ``w`` vertices from local index ``s`` (round the
    piece: first vertex ``qs``, ``qn`` of them) and a vertex reaching it; ``w < qn`` only for a
    piece certified convex and counter-clockwise (``_convex.convex_flags``), and then over all its
    vertices whenever the window cannot prove its least is the piece's.

    Exactly the float of projecting every vertex: in exact arithmetic the vertices whose projection
    lies within any bound of the least form one run round a convex polygon, and each float is within
    ``tau / 2`` of its exact value (:func:`piece_depth`). With both window ends above the window's
    least by more than ``tau``, that run (containing every vertex whose float could be the least)
    lies inside the window. ``sign`` -1 gives minus the greatest (negation is exact). The loop has
    no data-dependent branch: a scan costs about a nanosecond per vertex, a mispredicted branch ten."""
    for _pass in range(2):  # the window, then (if it cannot prove its least) every vertex
        first = sign * (verts[qs + s, 0] * nx + verts[qs + s, 1] * ny)
        best, at, last, m = first, s, first, s
        for _ in range(w - 1):
            m = m + 1 if m + 1 < qn else 0
            last = sign * (verts[qs + m, 0] * nx + verts[qs + m, 1] * ny)
            at = m if last < best else at
            best = min(best, last)
        if w == qn or (first > best + tau and last > best + tau):
            break
        s, w = 0, qn
    return best, at


@njit(cache=True, forceinline=True, **LEAN)
def _side(verts, vnorm, vlow, ps, pe, qs, qe, dx, dy, eps, w, tau):
    """The least overlap of piece q (offset dx, dy from p) with p over p's edge normals (vertices
    ``ps:pe``); 0 at the first axis separating them. With ``w`` 0 every vertex of q (``qs:qe``) is
    projected on each normal; else q is certified convex and, as p's normals turn, its extremes
    move round it (rotating calipers), so each is sought in a window of ``w`` vertices from just
    before the last one (:func:`_lowest`): O(n w) instead of O(n m), the same floats. ``tau``
    bounds twice the rounding of a projection of q onto a unit normal."""
    qn = qe - qs
    lo, hi, width = 0, 0, qn  # a window's first normal scans every vertex
    depth = 1e300
    for k in range(ps, pe):
        nx, ny = vnorm[k, 0], vnorm[k, 1]
        if nx == 0.0 and ny == 0.0:
            continue
        phigh = verts[k, 0] * nx + verts[k, 1] * ny
        if w == 0:
            qlow = 1e300
            qhigh = -1e300
            for m in range(qs, qe):
                d = verts[m, 0] * nx + verts[m, 1] * ny
                qlow = min(qlow, d)
                qhigh = max(qhigh, d)
        else:
            qlow, lo = _lowest(verts, qs, qn, nx, ny, lo, width, 1.0, tau)
            qhigh, hi = _lowest(verts, qs, qn, nx, ny, hi, width, -1.0, tau)
            qhigh = -qhigh
            lo = lo - 1 if lo > 0 else qn - 1
            hi = hi - 1 if hi > 0 else qn - 1
            width = w
        shift = dx * nx + dy * ny
        o = min(phigh - qlow - shift, qhigh + shift - vlow[k])
        if o <= eps:
            return 0.0
        depth = min(depth, o)
    return depth


@njit(cache=True, forceinline=True, **LEAN)
def piece_depth(geo, i, ax, ay, j, bx, by, eps):
    """Penetration depth of convex pieces i (offset ax, ay) and j (offset bx, by): the smallest
    overlap of their projections over both pieces' edge normals, or 0 when some axis separates
    them (overlap <= eps), so touching and collinear edges are legal.

    On its own edge's outward normal a piece reaches furthest at that edge and least at
    ``vlow`` (precomputed), so only the other piece's projections are needed: read from the
    projection table ``geo[11]`` when there is one (:func:`_side_table`), else projected
    (:func:`_side`): all vertices of a small piece, only those near its extremes for a
    certified-convex one of ``WINDOW_MIN`` vertices or more when the other has enough normals.
    Inlined into its callers (measured on pairs of chair parts: about 20% faster than called)."""
    verts, vnorm, vlow, pstart, pend, pbb, convex = geo[0], geo[1], geo[9], geo[2], geo[3], geo[4], geo[10]
    table = geo[11]
    depth = 1e300
    for side in range(2):
        p, q = (i, j) if side == 0 else (j, i)
        # offset of q relative to p
        dx, dy = (bx - ax, by - ay) if side == 0 else (ax - bx, ay - by)
        if table.shape[0] > 0:
            o = _side_table(verts, vnorm, vlow, table, pstart[p], pend[p], q, dx, dy, eps)
            if o == 0.0:
                return 0.0
            depth = min(depth, o)
            continue
        qn, w = pend[q] - pstart[q], 0
        if qn >= WINDOW_MIN and convex[q]:
            # the extremes move about qn / pn vertices a normal: a window of twice that and 4 more
            pn = pend[p] - pstart[p]
            w = 4 + 2 * ((qn + pn - 1) // max(pn, 1))
            w = w if WINDOW_SHARE * w <= qn else 0
        tau = 0.0
        if w > 0:
            # a projection x nx + y ny onto a unit normal rounds by at most 2u (|x| + |y|), u = 2^-53:
            # tau is twice that with room to spare, its constant covering underflow (subnormal products)
            tau = (max(abs(pbb[q, 0]), abs(pbb[q, 2])) + max(abs(pbb[q, 1]), abs(pbb[q, 3]))) * 2.0 ** -50 + 1e-300
        o = _side(verts, vnorm, vlow, pstart[p], pend[p], pstart[q], pend[q], dx, dy, eps, w, tau)
        if o == 0.0:
            return 0.0
        depth = min(depth, o)
    return depth


@njit(cache=True, **LEAN)
def pair_depth(geo, va, xa, ya, vb, xb, yb, eps, first):
    """Overlap of variant va at (xa, ya) and vb at (xb, yb): the sum over colliding piece pairs of
    penetration depth x the square root of the smaller piece's area (mm^2); with ``first`` it
    returns at the first colliding pair (a collision test)."""
    return pair_depth_capped(geo, va, xa, ya, vb, xb, yb, eps, first, 0.0, 1.0, 1e300)


@njit(cache=True, **LEAN)
def pair_depth_capped(geo, va, xa, ya, vb, xb, yb, eps, first, base, weight, cap):
    """:func:`pair_depth`, returning early (a partial sum) as soon as ``base + weight x`` the sum so
    far exceeds ``cap``: a weighted score already past a cap goes no further (the separator's
    samples), and any comparison with the cap comes out as with the whole sum (it only grows)."""
    pbb, proot, start, end, size = geo[4], geo[5], geo[6], geo[7], geo[8]
    if xa + size[va, 0] <= xb + eps or xb + size[vb, 0] <= xa + eps:
        return 0.0
    if ya + size[va, 1] <= yb + eps or yb + size[vb, 1] <= ya + eps:
        return 0.0
    total = 0.0
    bx1 = xb + size[vb, 0]
    by1 = yb + size[vb, 1]
    for i in range(start[va], end[va]):
        ix0 = pbb[i, 0] + xa
        iy0 = pbb[i, 1] + ya
        ix1 = pbb[i, 2] + xa
        iy1 = pbb[i, 3] + ya
        # a piece clear of vb's whole box is clear of each of its pieces (they lie inside it): skip
        # the inner loop (parts with slots have dozens of pieces, and most pairs overlap at an edge)
        if ix1 <= xb + eps or bx1 <= ix0 + eps or iy1 <= yb + eps or by1 <= iy0 + eps:
            continue
        for j in range(start[vb], end[vb]):
            if ix1 <= pbb[j, 0] + xb + eps or pbb[j, 2] + xb <= ix0 + eps:
                continue
            if iy1 <= pbb[j, 1] + yb + eps or pbb[j, 3] + yb <= iy0 + eps:
                continue
            d = piece_depth(geo, i, xa, ya, j, xb, yb, eps)
            if d > 0.0:
                total += d * min(proot[i], proot[j])
                if first or base + weight * total > cap:
                    return total
    return total


#: a colliding pair's loss never falls below this share of the larger variant's bounding-box diagonal
#: (times the pair's penalty): sparrow's epsilon (``OVERLAP_PROXY_EPSILON_DIAM_RATIO``)
LOSS_FLOOR = 0.01


@njit(cache=True, **LEAN)
def pair_loss(geo, va, xa, ya, vb, xb, yb, eps, base, weight, cap):
    """The separator's loss of variant va at (xa, ya) against vb at (xb, yb), after sparrow
    (Gardeyn & Wauters, arXiv:2509.13329, algorithm 4): ``sqrt(o + e^2) x p`` for a colliding
    pair, 0 otherwise, where o is :func:`pair_depth` (mm^2), e is LOSS_FLOOR x the larger
    bounding-box diagonal and p the geometric mean of the variants' square-rooted areas (both
    per variant in ``geo[12]``, ``prepare.Variants.loss_terms``).
    The square root grows slowly with the overlap, and e gives every colliding pair a floor:
    so a move that touches a new part costs more than one that deepens an overlap it has (a
    separator moving parts into many small overlaps spreads them instead of resolving them).
    Returns early (a partial loss) as :func:`pair_depth_capped` does, once ``base + weight x``
    the loss exceeds ``cap``."""
    terms = geo[12]
    e = max(terms[va, 1], terms[vb, 1])
    p = terms[va, 0] * terms[vb, 0]
    raw_cap = 1e300
    if cap < 1e299:
        y = (cap - base) / (weight * p)
        raw_cap = y * y - e * e if y > 0.0 else -1.0
    o = pair_depth_capped(geo, va, xa, ya, vb, xb, yb, eps, False, 0.0, 1.0, raw_cap)
    return 0.0 if o == 0.0 else np.sqrt(o + e * e) * p


@njit(cache=True, **LEAN)
def pair_collides(geo, va, xa, ya, vb, xb, yb, eps):
    """True when variant va at (xa, ya) and vb at (xb, yb) overlap."""
    return pair_depth(geo, va, xa, ya, vb, xb, yb, eps, True) > 0.0


@njit(cache=True, **LEAN)
def collides(geo, v, x, y, pv, px, py, n, eps):
    """True when variant v at (x, y) overlaps any of the first n placed items (pv, px, py).
    (Bounding boxes are tested here, inline: a call per item costs more than the test.)"""
    size = geo[8]
    x1 = x + size[v, 0]
    y1 = y + size[v, 1]
    for k in range(n):
        u = pv[k]
        if x1 <= px[k] + eps or px[k] + size[u, 0] <= x + eps or y1 <= py[k] + eps or py[k] + size[u, 1] <= y + eps:
            continue
        if pair_collides(geo, v, x, y, u, px[k], py[k], eps):
            return True
    return False
