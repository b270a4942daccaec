"""Sampled curves written as true arcs (issue 13): measured against the polylines they replace."""

from __future__ import annotations

import math

import ezdxf
import numpy as np
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st
from shapely.geometry import LinearRing, Point, Polygon, box
from shapely.geometry.polygon import orient

from fabrication.export import dxf
from fabrication.export import arcfit
from fabrication.export._arcfit_kernel import fit_span
from fabrication.export.arcfit import ARC_TOL, MAX_TURN_DEG, MIN_ARC_SEGMENTS, fit_arcs, fit_run
from fabrication.export.sheetwalk import flatten, ring_with_bulges
from fabrication.layout import row_layout
from fabrication.machines import get_machine
from fabrication.toolpath import prepare
from parametric import build_design
from parametric.part import FlatPart


def _one_way(a: LinearRing, b: LinearRing, step: float = 0.1) -> float:
    """Largest distance from points every ``step`` mm along ``a`` to the nearest segment of ``b``."""
    pts = shapely.points(shapely.get_coordinates(shapely.segmentize(a, step)))
    xy = np.asarray(b.coords)
    segments = shapely.linestrings(np.stack([xy[:-1], xy[1:]], axis=1))
    _, dist = shapely.STRtree(segments).query_nearest(pts, return_distance=True, all_matches=False)
    return float(dist.max())


def _flat(path: list) -> LinearRing:
    """A closed bulged path as a ring, its arcs flattened at 0.1 degree."""
    return shapely.linearrings(np.asarray(flatten(path, max_angle=0.1))[:, :2])


def _deviation(original: LinearRing, fitted: LinearRing) -> float:
    """Largest distance between two flattened closed paths (:func:`_flat`), both ways."""
    return max(_one_way(original, fitted), _one_way(fitted, original))


def test_a_round_hole_is_two_half_circles_in_the_dxf(tmp_path):
    plate = box(0, 0, 120, 80).difference(Point(60, 40).buffer(10))  # 64 chords of a 10 mm circle
    part = FlatPart("plate", plate, 6.0)
    sheet = row_layout([part], 300, 200, spacing=5, margin=10, material="birch-ply", thickness=6.0)[0]
    dxf.write_sheet(sheet, tmp_path / "s.dxf", cut_parts={"plate": prepare(part, get_machine("cnc-router-6mm"))})
    doc = ezdxf.readfile(tmp_path / "s.dxf")
    assert not doc.audit().has_errors
    (hole,) = doc.modelspace().query("LWPOLYLINE[layer=='CUT_INSIDE_6MM']")
    verts = list(hole.get_points("xyb"))
    assert len(verts) == 2 and all(abs(b) == pytest.approx(1.0) for *_, b in verts)
    (x0, y0, _), (x1, y1, _) = verts
    assert np.hypot(x1 - x0, y1 - y0) / 2 == pytest.approx(10.0, abs=ARC_TOL)
    (outer,) = doc.modelspace().query("LWPOLYLINE[layer=='CUT_OUTSIDE_6MM']")
    assert len(outer) == 4 and not any(b for *_, b in outer.get_points("xyb"))  # corners stay corners


@pytest.mark.parametrize("model", ["stool", "table", "bookshelf", "slice_chair"])
@pytest.mark.parametrize("machine", ["cnc-router-6mm", "co2-laser-60w"])
def test_fitted_arcs_stay_within_the_tolerance_and_keep_the_cut_length(model, machine):
    mach = get_machine(machine)
    before = after = arcs = 0
    length_before = length_after = 0.0
    for part in build_design(model).parts:
        cut = prepare(part, mach)
        outline = orient(cut.outline, 1.0)
        for ring in (outline.exterior, *outline.interiors):
            original = ring_with_bulges(ring.coords, cut.arcs)
            fitted = fit_arcs(original)
            flat_original, flat_fitted = _flat(original), _flat(fitted)
            assert _deviation(flat_original, flat_fitted) <= ARC_TOL + 1e-6, part.name
            before, after = before + len(original), after + len(fitted)
            arcs += sum(1 for *_, b in fitted if b) - sum(1 for *_, b in original if b)
            # flattened at 0.1 degree, an arc is short of its length by ~1e-7 of it
            length_before, length_after = length_before + flat_original.length, length_after + flat_fitted.length
    assert arcs > 0 and after < 0.8 * before  # curves did become arcs
    assert length_after == pytest.approx(length_before, rel=1e-3)  # cut length unchanged to 0.1%


def test_corners_and_facets_are_kept():
    square = [(0.0, 0.0, 0.0), (100.0, 0.0, 0.0), (100.0, 50.0, 0.0), (0.0, 50.0, 0.0)]
    assert fit_arcs(square) == square
    octagon = orient(Point(0, 0).buffer(100, quad_segs=2), 1.0)  # 45 degree turns: a shape, not a curve
    ring = [(x, y, 0.0) for x, y in octagon.exterior.coords[:-1]]
    assert len(fit_arcs(ring)) == 8
    collinear = [(0.0, 0.0, 0.0), (10.0, 0.0, 0.0), (20.0, 0.0, 0.0), (30.0, 0.0, 0.0), (30.0, 10.0, 0.0),
                 (0.0, 10.0, 0.0)]
    assert len(fit_arcs(collinear)) == 4  # points on a straight edge merge into one line


def test_relief_bulges_are_kept_and_a_fillet_becomes_one_arc():
    shape = orient(box(0, 0, 200, 100).buffer(-20).buffer(20), 1.0)  # four 20 mm fillets of 16 chords
    ring = [(x, y, 0.0) for x, y in shape.exterior.coords[:-1]]
    fitted = fit_arcs(ring)
    assert len(fitted) == 8 and sum(1 for *_, b in fitted if b) == 4
    for *_, b in fitted:
        assert b == 0 or 4 * np.arctan(b) == pytest.approx(np.pi / 2, abs=1e-3)  # quarter circles
    relieved = [(0.0, 0.0, 0.0), (10.0, 0.0, 0.4), (20.0, 0.0, 0.0), (20.0, 20.0, 0.0), (0.0, 20.0, 0.0)]
    assert fit_arcs(relieved) == relieved  # a relief's bulge is kept, and the ring's start with it
    assert Polygon([v[:2] for v in flatten(fitted)]).area == pytest.approx(shape.area, rel=1e-3)


def _reference_longest(pts, i, end, tol, sharp, turns):
    """The farthest ``j`` whose run ``pts[i..j]`` :func:`fit_run` accepts, and its bulge, as the walk
    did in Python: never through a ``sharp`` vertex, galloping from MIN_ARC_SEGMENTS, then bisection."""
    k = int(np.searchsorted(sharp, i + 1))
    if k < len(sharp):
        end = min(end, int(sharp[k]))
    if end - i == 1:
        return i + 1, 0.0
    best, bulge = i + 1, 0.0
    if fit_run(pts[i:i + 3], tol, turns[i:i + 1]) == 0.0:
        best, bulge = i + 2, 0.0
    if end - i == 2:
        return best, bulge
    step, lo = MIN_ARC_SEGMENTS, best
    while True:
        j = min(i + step, end)
        fit = fit_run(pts[i:j + 1], tol, turns[i:j - 1])
        if fit is None:
            hi = j
            break
        best, bulge, lo = j, fit, j
        if j == end:
            return best, bulge
        step *= 2
    while hi - lo > 1:
        mid = (lo + hi) // 2
        fit = fit_run(pts[i:mid + 1], tol, turns[i:mid - 1])
        if fit is None:
            hi = mid
        else:
            best, bulge, lo = mid, fit, mid
    return best, bulge


def _reference_walk(pts, bulges, turns, sharp, tol, min_segments, max_turn):
    """The kernel's walk (:func:`fabrication.export._arcfit_kernel.fit_walk`) in Python on numpy's
    :func:`fit_run`: bulged segments kept, each run of straight ones the longest fit."""
    assert (min_segments, max_turn) == (MIN_ARC_SEGMENTS, math.radians(MAX_TURN_DEG))
    n, index, out, i = len(bulges), [], [], 0
    while i < n:
        end = i
        while end < n and bulges[end] == 0:
            end += 1
        j, bulge = (i + 1, bulges[i]) if bulges[i] != 0 else _reference_longest(pts, i, end, tol, sharp, turns)
        index.append(i)
        out.append(bulge)
        i = j
    return np.array(index, dtype=np.int64), np.array(out, dtype=float)


#: a closed outline of sampled curves: a star of random radii, rounded by a buffer of sampled quarter
#: circles (some chords within the tolerance of a circle, some corners), a few segments bulged already
CURVY = st.tuples(st.lists(st.floats(20, 200), min_size=3, max_size=12), st.floats(0, 40), st.integers(1, 24),
                  st.floats(0, 0.2), st.lists(st.integers(0, 400), max_size=3), st.floats(0.001, 0.3))


@settings(max_examples=60, deadline=None)
@given(CURVY)
def test_the_kernel_walk_keeps_what_the_python_walk_keeps(shape):
    """fit_arcs' numba walk against the Python walk over :func:`fit_run` (the numpy reference): the same
    vertices kept, the same bulges (each arc's from fit_run), to the bit."""
    radii, r, quad, noise, bulged, tol = shape
    angles = np.linspace(0, 2 * math.pi, len(radii), endpoint=False)
    star = Polygon(np.c_[np.cos(angles), np.sin(angles)] * np.array(radii)[:, None])
    outline = orient(star.buffer(r, quad_segs=quad) if r else star.convex_hull, 1.0)
    if outline.is_empty or outline.geom_type != "Polygon":
        return
    xy = np.asarray(outline.exterior.coords)[:-1]
    xy = xy + np.random.default_rng(len(xy)).normal(scale=noise * tol, size=xy.shape)
    ring = [(x, y, 0.4 if k in bulged else 0.0) for k, (x, y) in enumerate(xy.tolist())]
    got = fit_arcs(ring, tol)
    saved = arcfit.fit_walk
    try:
        arcfit.fit_walk = _reference_walk
        expected = fit_arcs(ring, tol)
    finally:
        arcfit.fit_walk = saved
    assert got == expected


@settings(max_examples=100, deadline=None)
@given(st.floats(1, 500), st.floats(-math.pi, math.pi), st.floats(0.05, 2 * math.pi), st.integers(2, 40),
       st.floats(0, 0.1), st.integers(0, 2**32 - 1))
def test_the_kernel_fits_a_run_as_fit_run_does(radius, start, sweep, segments, noise, seed):
    """One run (a sampled arc, jittered, some vertices off it): accepted or refused as :func:`fit_run`
    does, with its bulge to 1e-12."""
    a = start + np.linspace(0, sweep, segments + 1)
    pts = radius * np.c_[np.cos(a), np.sin(a)] + np.random.default_rng(seed).normal(scale=noise, size=(segments + 1, 2))
    pts = np.ascontiguousarray(pts)
    turns = arcfit._turns(pts)
    expected = fit_run(pts, ARC_TOL, turns)
    ok, bulge = fit_span(pts, 0, len(pts) - 1, ARC_TOL, turns, MIN_ARC_SEGMENTS, math.radians(MAX_TURN_DEG))
    assert ok == (expected is not None)
    if ok:
        assert bulge == pytest.approx(expected, rel=0, abs=1e-12)
