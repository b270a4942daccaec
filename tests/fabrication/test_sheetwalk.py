"""The sheet walker's geometry: relief arcs merged into bulges (vectorised) and the calibration square."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from shapely.geometry import Polygon, box
from shapely.geometry.polygon import orient

from fabrication.export.sheetwalk import ring_with_bulges
from fabrication.layout import transform_xy
from fabrication.machines import get_machine
from fabrication.toolpath import prepare


def _reference_ring_with_bulges(coords, arcs=()):
    """The per-vertex loop ring_with_bulges replaced (commit 245e9ad), kept as the oracle (its on-circle
    tolerance was 1e-6 x max(1, r); the vectorised one is compared at that tolerance)."""
    pts = np.asarray(coords, dtype=float)[:-1]
    n = len(pts)
    if not len(arcs) or n < 3:
        return [(float(x), float(y), 0.0) for x, y in pts]
    circles = np.asarray(arcs, dtype=float)
    dist = np.linalg.norm(pts[:, None, :] - circles[None, :, :2], axis=2)
    hit = np.abs(dist - circles[None, :, 2]) < 1e-6 * max(1.0, float(circles[:, 2].max()))
    on = np.where(hit.any(axis=1), hit.argmax(axis=1), -1)
    nxt = np.roll(np.arange(n), -1)
    chord = np.linalg.norm(pts[nxt] - pts, axis=1)
    arc_seg = (on >= 0) & (on == on[nxt]) & (chord < 0.1 * circles[np.maximum(on, 0), 2])
    if arc_seg.all():
        return [(float(x), float(y), 0.0) for x, y in pts]
    start = int(np.argmin(arc_seg)) + 1
    order = [(start + k) % n for k in range(n)]
    out, k = [], 0
    while k < n:
        i = order[k]
        if not arc_seg[i]:
            out.append((float(pts[i][0]), float(pts[i][1]), 0.0))
            k += 1
            continue
        c = circles[on[i], :2]
        sweep, j = 0.0, k
        while j < n and arc_seg[order[j]] and on[order[j]] == on[i]:
            a, b = pts[order[j]] - c, pts[nxt[order[j]]] - c
            sweep += math.atan2(a[0] * b[1] - a[1] * b[0], a @ b)
            j += 1
        out.append((float(pts[i][0]), float(pts[i][1]), math.tan(sweep / 4)))
        k = j
    return out


def _rings(cut, placed=None):
    """(coords, arcs) of every ring of a prepared part, part-local or as placed on a sheet."""
    arcs = list(cut.arcs)
    outline = orient(cut.outline if placed is None else placed.outline, 1.0)
    if placed is not None:
        arcs = [(*transform_xy(placed, [(cx, cy)])[0], r) for cx, cy, r in cut.arcs]
    return [(list(r.coords), arcs) for r in (outline.exterior, *outline.interiors)]


@pytest.mark.parametrize("relief", ["dogbone", "tbone"])
def test_vectorised_bulges_match_the_loop_on_real_parts(chair, relief):
    machine = get_machine("cnc-router-6mm")
    rings = [r for p in chair.parts for r in _rings(prepare(p, machine, relief=relief))]
    assert sum(len(a) for _, a in rings) > 50
    arcs_seen = 0
    for coords, arcs in rings:
        new, old = ring_with_bulges(coords, arcs, rel_tol=1e-6), _reference_ring_with_bulges(coords, arcs)
        assert len(new) == len(old)
        np.testing.assert_allclose(np.asarray(new), np.asarray(old), rtol=0, atol=1e-9)
        arcs_seen += sum(1 for v in old if v[2])
    assert arcs_seen > 50


def test_vectorised_bulges_match_the_loop_on_placed_parts(prepared):
    _, _, cuts, sheets = prepared
    for sheet in sheets:
        for placed in sheet.placed:
            for coords, arcs in _rings(cuts[placed.part.name], placed):
                np.testing.assert_allclose(np.asarray(ring_with_bulges(coords, arcs, rel_tol=1e-6)),
                                           np.asarray(_reference_ring_with_bulges(coords, arcs)), rtol=0, atol=1e-9)


def test_a_ring_without_arcs_keeps_its_vertices():
    square = [(0, 0), (10, 0), (10, 10), (0, 10), (0, 0)]
    assert ring_with_bulges(square) == [(0.0, 0.0, 0.0), (10.0, 0.0, 0.0), (10.0, 10.0, 0.0), (0.0, 10.0, 0.0)]


def _brute_force_spot(sheet):
    """The first 25 mm grid spot (top right first) at least the gap from every part and inside the offcut."""
    from fabrication.export.sheetwalk import CALIBRATION_GAP as g
    from fabrication.export.sheetwalk import CALIBRATION_MM as s

    inside = sheet.outline.buffer(-g) if sheet.outline is not None else None
    for y in np.arange(sheet.height - g - s, g - 1e-9, -25.0):
        for x in np.arange(sheet.width - g - s, g - 1e-9, -25.0):
            sq = box(x, y, x + s, y + s)
            if all(p.outline.distance(sq) > g + 0.02 for p in sheet.placed) and (inside is None or inside.contains(sq)):
                return sq
    return None


@pytest.mark.parametrize("offcut", [False, True])
def test_calibration_square_takes_the_first_free_spot(chair, offcut):
    """Parts crowd the top right (a relieved rib, a disc, a bar); the square goes where the scan first finds room."""
    from shapely import affinity
    from shapely.geometry import Point

    from fabrication.export.sheetwalk import calibration_square
    from fabrication.layout import PlacedPart, SheetLayout

    cut = prepare(chair.parts[0], get_machine("cnc-router-6mm"))
    w, h = 1200.0, 800.0
    rib = affinity.translate(cut.outline, w - cut.outline.bounds[2] - 5, h - cut.outline.bounds[3] - 5)
    shapes = [rib, Point(w - 300, h - 150).buffer(120, quad_segs=256), box(0, h - 60, w, h - 40)]
    placed = tuple(PlacedPart(chair.parts[0], 0, 0, 0, o) for o in shapes)
    outline = Polygon([(0, 0), (w, 0), (w, h - 200), (w - 200, h), (0, h)]) if offcut else None
    sheet = SheetLayout(1, w, h, placed, "birch-ply", 17.7, outline)
    spot, expected = calibration_square(sheet), _brute_force_spot(sheet)
    assert expected is not None and spot.equals(expected), (spot.bounds, expected.bounds)
    assert all(p.outline.distance(spot) >= 10.0 for p in placed)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 560), st.integers(0, 360), st.integers(5, 240), st.integers(5, 200)),
                min_size=1, max_size=12))
def test_calibration_square_matches_the_brute_force_scan(chair, rects):
    """Parts anywhere (integer corners: no distance falls between the scan's two tolerances): the
    batched, prepared distance tests find the spot a spot-by-spot scan finds, or the fallback below."""
    from fabrication.export.sheetwalk import calibration_square
    from fabrication.layout import PlacedPart, SheetLayout

    placed = tuple(PlacedPart(chair.parts[0], 0, 0, 0, box(x, y, x + w, y + h)) for x, y, w, h in rects)
    sheet = SheetLayout(1, 600, 400, placed, "birch-ply", 17.7)
    expected = _brute_force_spot(sheet)
    spot = calibration_square(sheet)
    assert spot.equals(expected) if expected is not None else spot.bounds == (0.0, -110.0, 100.0, -10.0)


def test_calibration_square_goes_below_a_full_sheet(chair):
    from fabrication.export.sheetwalk import calibration_square
    from fabrication.layout import PlacedPart, SheetLayout

    sheet = SheetLayout(1, 400, 300, (PlacedPart(chair.parts[0], 0, 0, 0, box(5, 5, 395, 295)),))
    assert calibration_square(sheet).bounds == (0.0, -110.0, 100.0, -10.0)


def test_walk_fits_each_outline_once_and_places_it(prepared):
    """The contours the walker writes are the arc fit of every placed outline (fitted once in part mm
    and turned into place: the same vertices and bulges as fitting where the part lies), at any turn."""
    from fabrication.export.arcfit import fit_arcs
    from fabrication.export.sheetwalk import walk
    from fabrication.layout import SheetLayout, place

    _, _, cuts, sheets = prepared
    parts = [placed.part for placed in sheets[0].placed]
    sheet = SheetLayout(1, 1e4, 1e4, tuple(place(part, 3000.0 + 9.5 * k, 2000.0 - 7.25 * k, (0.0, 90.0, 180.0, 33.0)[k % 4])
                                           for k, part in enumerate(parts)))
    ops = {(op.part, op.kind): op for op in walk(sheet, cuts, notes=False) if op.kind in ("inside", "outside")}
    for placed in sheet.placed:
        cut = cuts[placed.part.name]
        arcs = [(*transform_xy(placed, [(cx, cy)])[0], r) for cx, cy, r in cut.arcs]
        outline = orient(placed.outline, 1.0)
        want = [fit_arcs(ring_with_bulges(outline.exterior.coords, arcs))]
        got = [ops[placed.part.name, "outside"].paths[0]]
        if outline.interiors:
            want += [fit_arcs(ring_with_bulges(r.coords, arcs)) for r in outline.interiors]
            got += list(ops[placed.part.name, "inside"].paths)
        for g, w in zip(got, want, strict=True):
            assert np.allclose(g, w, atol=1e-6)


@settings(max_examples=80, deadline=None)
@given(st.lists(st.tuples(st.floats(-500, 500), st.floats(-500, 500), st.sampled_from([0.0, 0.0, 0.3, -0.7, 1.0, -2.5, 0.05])),
                min_size=2, max_size=8, unique_by=lambda v: (round(v[0], 3), round(v[1], 3))),
       st.booleans())
def test_path_bounds_are_the_flattened_paths_bounds(path, closed):
    """The bounds of a bulged path, arcs included, equal those of the path flattened finely."""
    from fabrication.export.sheetwalk import flatten, path_bounds

    xy = np.asarray(flatten(path, closed, max_angle=0.05))
    want = (*xy.min(axis=0), *xy.max(axis=0))
    got = path_bounds(path, closed)
    scale = max(1.0, float(np.abs(xy).max()))
    assert np.allclose(got, want, atol=2e-6 * scale)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.lists(st.tuples(st.floats(-500, 500), st.floats(-500, 500),
                                             st.sampled_from([0.0, 0.3, -0.7, 1.0, -2.5])), min_size=2, max_size=6),
                          st.booleans()), min_size=1, max_size=5))
def test_paths_bounds_are_the_union_of_each_paths_bounds(paths):
    """Many paths bounded in one pass: the union of their bounds one by one (each ring wraps to its own
    first vertex, an open path's last vertex starts no arc)."""
    from fabrication.export.sheetwalk import path_bounds, paths_bounds

    each = np.array([path_bounds(p, closed) for p, closed in paths])
    want = (*each[:, :2].min(axis=0), *each[:, 2:].max(axis=0))
    got = paths_bounds([p for p, _ in paths], [closed for _, closed in paths])
    assert np.allclose(got, want, rtol=0, atol=1e-9)


def _loop_segment_circles(pts, circles, tol, chord):
    """The loop over circles segment_circles replaced (the lowest index wins), kept as its oracle."""
    n = len(pts)
    nxt = np.roll(np.arange(n), -1)
    on = np.full(n, -1)
    for k in range(len(circles) - 1, -1, -1):
        cx, cy, r = circles[k]
        near = np.flatnonzero((np.abs(pts[:, 0] - cx) <= r + tol) & (np.abs(pts[:, 1] - cy) <= r + tol))
        hit = np.zeros(n, dtype=bool)
        hit[near[np.abs(np.hypot(pts[near, 0] - cx, pts[near, 1] - cy) - r) < tol]] = True
        on[hit & hit[nxt] & (chord < 0.1 * r)] = k
    return on


@settings(max_examples=80, deadline=None)
@given(st.lists(st.tuples(st.floats(-30, 30), st.floats(-30, 30), st.floats(1, 10)), min_size=1, max_size=6),
       st.lists(st.tuples(st.integers(0, 5), st.floats(0, 0.12), st.sampled_from([0.0, 0.0, 1e-5, 0.3])),
                min_size=3, max_size=60))
def test_segment_circles_matches_the_loop_over_circles(circles, walk):
    """Ring vertices on, near and off (overlapping) circles, consecutive ones often on the same circle:
    the bisection-bounded pair search names the circle of every segment the loop did."""
    from fabrication.export.sheetwalk import segment_circles

    cs = np.array(circles)
    angles = np.cumsum([step for _, step, _ in walk])  # small steps: neighbours on one circle make arcs
    centre = [cs[k % len(cs)] for k, _, _ in walk]
    pts = np.array([(cx + (r + d) * math.cos(a), cy + (r + d) * math.sin(a))
                    for (cx, cy, r), (_, _, d), a in zip(centre, walk, angles)])
    chord = np.linalg.norm(np.roll(pts, -1, axis=0) - pts, axis=1)
    tol = 1e-4 * max(1.0, float(cs[:, 2].max()))
    assert segment_circles(pts, cs, tol, chord).tolist() == _loop_segment_circles(pts, cs, tol, chord).tolist()
