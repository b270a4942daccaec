"""The separating-axis kernel's projection table and its windows round convex pieces
(``_kernels.projection_table``, ``_kernels._lowest``, ``piece_depth``) give the very floats of
projecting every vertex, and ``_convex.convex_flags`` certifies only pieces the windows may be
used on."""

from __future__ import annotations

import math

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from shapely.geometry import MultiPoint

from fabrication.nesting import _kernels as K
from fabrication.nesting._convex import convex_flags
from fabrication.nesting.prepare import _normals, build_variants


def geo_of(pieces: list[np.ndarray], table: bool = False) -> tuple:
    """The kernels' geometry tuple for these pieces, one variant each (as ``prepare`` lays it out);
    with ``table`` the projection table, else an empty one (the vertices projected as they are met)."""
    verts = np.concatenate(pieces).astype(np.float64)
    counts = np.array([len(p) for p in pieces], dtype=np.int64)
    pend = np.cumsum(counts)
    pstart = pend - counts
    vnorm, vlow = _normals(verts, pstart, pend)
    pbb = np.array([[*p.min(axis=0), *p.max(axis=0)] for p in pieces])
    n = len(pieces)
    projections = K.projection_table(verts, vnorm, pstart, pend) if table else np.zeros((0, 0, 2))
    return (verts, vnorm, pstart, pend, pbb, np.ones(n), np.arange(n), np.arange(1, n + 1), pbb[:, 2:].copy(), vlow,
            convex_flags(verts, pstart, pend), projections)


def reference_depth(geo, i, ax, ay, j, bx, by, eps):
    """The O(n m) kernel before the windows: every vertex of one piece on every normal of the other."""
    verts, vnorm, vlow, pstart, pend = geo[0], geo[1], geo[9], geo[2], geo[3]
    depth = 1e300
    for side in range(2):
        p, q = (i, j) if side == 0 else (j, i)
        dx, dy = (bx - ax, by - ay) if side == 0 else (ax - bx, ay - by)
        for k in range(pstart[p], pend[p]):
            nx, ny = float(vnorm[k, 0]), float(vnorm[k, 1])
            if nx == 0.0 and ny == 0.0:
                continue
            phigh = float(verts[k, 0]) * nx + float(verts[k, 1]) * ny
            proj = [float(verts[m, 0]) * nx + float(verts[m, 1]) * ny for m in range(pstart[q], pend[q])]
            shift = dx * nx + dy * ny
            o = min(phigh - min(proj) - shift, max(proj) + shift - float(vlow[k]))
            if o <= eps:
                return 0.0
            depth = min(depth, o)
    return depth


@st.composite
def convex_pieces(draw):
    """A counter-clockwise convex polygon as floats: many vertices or few, round or long and thin
    (near-parallel edges), with exactly or nearly collinear vertices, tiny to huge, turned."""
    rng = np.random.default_rng(draw(st.integers(0, 2 ** 32 - 1)))
    kind = draw(st.sampled_from(["ellipse", "ellipse", "box", "hull"]))
    n = draw(st.one_of(st.integers(3, 20), st.integers(36, 120)))  # plain loops, and windows
    if kind == "ellipse":
        t = np.sort(rng.uniform(0, 2 * np.pi, n))
        ring = np.stack([np.cos(t), draw(st.sampled_from([1.0, 0.1, 1e-3])) * np.sin(t)], axis=1)
    elif kind == "box":  # straight sides of many collinear vertices, exactly (y or x constant)
        s = np.sort(rng.uniform(0, 1, max(n // 4, 1)))
        w, h = 1.0, draw(st.sampled_from([1.0, 0.01]))
        ring = np.concatenate([np.stack([s * w, 0 * s], 1), np.stack([w + 0 * s, s * h], 1),
                               np.stack([w - s * w, h + 0 * s], 1), np.stack([0 * s, h - s * h], 1)])
    else:
        hull = MultiPoint(rng.normal(size=(n, 2))).convex_hull
        ring = np.asarray(hull.exterior.coords)[-2::-1] if hull.geom_type == "Polygon" else np.eye(3)[:, :2]
    if draw(st.integers(0, 2)) == 0:  # midpoints: on the edge, or a rounding off it
        ring = np.insert(ring, np.arange(1, len(ring) + 1), 0.5 * (ring + np.roll(ring, -1, axis=0)), axis=0)
    a = draw(st.sampled_from([0.0, math.pi / 2, rng.uniform(0, 2 * math.pi)]))
    ring = ring @ np.array([[math.cos(a), math.sin(a)], [-math.sin(a), math.cos(a)]])
    scale = 10.0 ** draw(st.sampled_from([-6, 0, 2, 6]))
    ring = ring * scale
    return ring - ring.min(axis=0) + draw(st.sampled_from([0.0, 1e-3, 1.0, 1e4])) * scale


def offsets(rng, p, q, mode):
    """Where q goes relative to p (p at the origin): anywhere near, touching p's right side, on a
    shared vertex, or on top."""
    if mode == "near":
        span = np.maximum(p.max(axis=0), q.max(axis=0))
        return tuple(rng.uniform(-span, span))
    if mode == "touch":
        return p[:, 0].max() - q[:, 0].min(), rng.uniform(-1, 1) * q[:, 1].max()
    if mode == "vertex":
        a, b = p[rng.integers(len(p))], q[rng.integers(len(q))]
        return a[0] - b[0], a[1] - b[1]
    return 0.0, 0.0


@settings(max_examples=400, deadline=None)
@given(convex_pieces(), convex_pieces(), st.integers(0, 2 ** 32 - 1),
       st.sampled_from(["near", "touch", "vertex", "same"]))
def test_piece_depth_gives_the_floats_of_projecting_every_vertex(p, q, seed, mode):
    """Bit for bit the O(n m) loop's depth, read from the projection table or projected (whichever
    piece is windowed), wherever q stands."""
    rng = np.random.default_rng(seed)
    pieces = [p, q if mode != "same" else p.copy()]
    projected, tabled = geo_of(pieces), geo_of(pieces, table=True)
    for _ in range(4):
        bx, by = offsets(rng, p, q, mode)
        for args in ((0, 0.0, 0.0, 1, bx, by), (1, bx, by, 0, 0.0, 0.0)):
            got = K.piece_depth(projected, *args, K.EPS)
            assert got == reference_depth(projected, *args, K.EPS)
            assert got == K.piece_depth(projected, *args[3:], *args[:3], K.EPS)  # either order
            assert K.piece_depth(tabled, *args, K.EPS) == got


def test_long_straight_sides_against_parallel_ones():
    """A turned box of 30 collinear vertices a side (exactly: integer coordinates) against itself and
    against itself turned half round: normals parallel to a side meet a run of projections equal up
    to rounding, and at each corner the extremes jump a whole side past the window."""
    rng = np.random.default_rng(7)
    for a, b in ((1, 0), (3, 4), (4, 3), (5, 12), (8, 15), (20, 21), (7, 1)):
        u, v = np.array([a, b]), np.array([-b, a])  # integer sides: collinear exactly, the normals round
        k = np.arange(30)[:, None]
        p = np.concatenate([k * u, 30 * u + k * v, 30 * (u + v) - k * u, 30 * v - k * v]).astype(float)
        p -= p.min(axis=0)
        for q in (p.copy(), p.max(axis=0) - p):
            geo = geo_of([p, q])
            assert geo[10].all()
            for bx, by in rng.uniform(-900, 900, (40, 2)):
                assert K.piece_depth(geo, 0, 0.0, 0.0, 1, bx, by, K.EPS) == reference_depth(geo, 0, 0.0, 0.0, 1, bx, by,
                                                                                              K.EPS)


@settings(max_examples=300, deadline=None)
@given(convex_pieces(), st.integers(0, 2 ** 32 - 1))
def test_a_window_finds_the_least_projection_or_looks_at_every_vertex(q, seed):
    """For directions along and a hair off the piece's own edge normals (plateaus of equal and
    nearly equal projections) and random ones, from any start, any width: the least float."""
    rng = np.random.default_rng(seed)
    geo = geo_of([q])
    verts, n = geo[0], len(q)
    if not geo[10][0]:
        return
    tau = (np.abs(geo[4][0, [0, 2]]).max() + np.abs(geo[4][0, [1, 3]]).max()) * 2.0 ** -50 + 1e-300
    dirs = np.concatenate([geo[1], np.nextafter(geo[1], 2.0), rng.normal(size=(8, 2))])
    for nx, ny in dirs:
        for sign in (1.0, -1.0):
            proj = [sign * (float(x) * nx + float(y) * ny) for x, y in verts]
            for start, width in zip(rng.integers(0, n, 6), rng.integers(2, n + 1, 6)):
                best, at = K._lowest(verts, 0, n, nx, ny, start, width, sign, tau)
                assert best == min(proj) and proj[at] == best


def test_convex_flags_certify_convex_position_only():
    """Collinear runs pass; a right turn however slight, a repeated vertex, a turn back and a ring
    going round twice (a pentagram: only left turns) fail."""
    square = np.array([[0, 0], [1, 0], [2, 0], [2, 2], [0, 2]], dtype=float)
    dent = square.copy()
    dent[1, 1] = 1e-300  # the bottom edge bent inwards by a hair
    star = np.array([[math.cos(a), math.sin(a)] for a in np.arange(5) * 4 * math.pi / 5])
    back = np.array([[0, 0], [2, 0], [1, 0], [1, 1]], dtype=float)
    twice = np.array([[0, 0], [1, 0], [1, 0], [1, 1]], dtype=float)
    pieces = [square, dent, star, back, twice, square[::-1].copy()]
    geo = geo_of(pieces)
    assert geo[10].tolist() == [True, False, False, False, False, False]


def test_every_nesting_piece_is_certified_convex():
    """The pieces ``prepare`` cuts, mirrored and turned, come out counter-clockwise and convex (so
    the windows are what runs on round parts)."""
    disc = MultiPoint([(math.cos(a) * 150, math.sin(a) * 150) for a in np.linspace(0, 6.28, 64)]).convex_hull
    from fabrication.nesting import NestPart

    v = build_variants([NestPart("disc", disc, 1, (0.0, 37.0, 90.0), mirror=True)], 10.0)
    assert v.convex.all() and (v.pend - v.pstart).min() >= K.WINDOW_MIN


def test_the_projection_table_follows_appended_obstacles_and_changes_no_layout(monkeypatch):
    """A remnant's obstacles append pieces: the table is made again for them. Without any table
    (past ``TABLE_MAX``) the kernels project the vertices themselves and the layout is the same."""
    from shapely.geometry import Polygon, box

    from fabrication.nesting import NestPart, Stock, nest
    from fabrication.nesting.prepare import add_obstacles

    parts = [NestPart("r", box(0, 0, 180, 120), 5), NestPart("t", Polygon([(0, 0), (150, 0), (0, 100), (40, 40)]), 4)]
    v = build_variants(parts, 6.0)
    first = v.projections()
    assert first.shape == (len(v.pstart), len(v.verts), 2)
    assert v.projections() is first  # made once
    offcut = Polygon([(0, 0), (1000, 0), (1000, 300), (500, 300), (500, 600), (0, 600)])
    add_obstacles(v, Stock.remnant(offcut), 10.0)
    again = v.projections()
    assert again.shape == (len(v.pstart), len(v.verts), 2) and again.shape[0] > first.shape[0]
    assert np.array_equal(again[:first.shape[0], :first.shape[1]], first)

    def layout():
        r = nest(parts, [Stock.remnant(offcut, count=1), Stock(600, 400)], spacing=6, margin=10, time_limit=60,
                 max_rounds=15)
        return [[(p.part_id, p.instance, p.x, p.y, p.rotation) for p in s.placements] for s in r.sheets]

    tabled = layout()
    monkeypatch.setattr(K, "TABLE_MAX", 0)
    assert build_variants(parts, 6.0).projections().shape == (0, 0, 2)
    assert layout() == tabled
