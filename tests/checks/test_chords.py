"""Chords of lines through polygons (numpy) against shapely, and the slot checks built on them."""

from __future__ import annotations

import math

import numpy as np
import pytest
import shapely
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from shapely.geometry import LineString, Polygon, box

from parametric import build_design
from parametric.checks import chords as chords_mod
from parametric.checks import manufacturability as mfg
from parametric.checks.chords import chords, edge_arrays, grazes, stacked_edges, window_chords
from parametric.model import Clearance, MeasuredThickness, Model
from parametric.part import Frame


@st.composite
def star_polygons(draw):
    """Simple star-shaped polygons round the origin (3 to 24 vertices), sometimes with a star hole."""
    n = draw(st.integers(3, 24))
    angles = np.sort(np.array(draw(st.lists(st.floats(0, 2 * math.pi, exclude_max=True), min_size=n, max_size=n,
                                            unique=True))))
    assume(np.min(np.diff(np.r_[angles, angles[0] + 2 * math.pi])) > 0.05)
    radii = np.array(draw(st.lists(st.floats(20, 100), min_size=n, max_size=n)))
    shell = np.c_[radii * np.cos(angles), radii * np.sin(angles)]
    holes = []
    if draw(st.booleans()):
        k = draw(st.integers(3, 8))
        t = np.linspace(0, 2 * math.pi, k, endpoint=False) + draw(st.floats(0, 1))
        r = np.array(draw(st.lists(st.floats(3, 15), min_size=k, max_size=k)))
        holes = [np.c_[r * np.cos(t), r * np.sin(t)]]
    poly = Polygon(shell, holes)
    assume(poly.is_valid)
    return poly


def _shapely_spans(poly, start, d, length):
    """Reference: the pieces of ``poly`` on the segment, as ``(s0, s1)`` along ``d`` from ``start``."""
    inside = poly.intersection(LineString([start, start + length * d]))
    spans = []
    for g in getattr(inside, "geoms", [inside]):
        if g.geom_type == "LineString" and g.length > 1e-6:
            s = sorted(float((np.asarray(p) - start) @ d) for p in g.coords)
            spans.append((s[0], s[-1]))
    return sorted(spans)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.filter_too_much], database=None)
@given(star_polygons(), st.floats(-120, 120), st.floats(-120, 120), st.floats(0, 2 * math.pi), st.floats(1, 300))
def test_chords_match_shapely_intersection(poly, x, y, angle, length):
    start, d = np.array([x, y]), np.array([math.cos(angle), math.sin(angle)])
    edges = edge_arrays(poly)
    assume(not grazes(edges, start[None], d[None], tol=1e-6)[0])  # through a vertex shapely keeps boundary points
    found = [(a, b) for a, b in chords(edges, start[None], d, length).line(0) if b - a > 1e-6]
    expected = _shapely_spans(poly, start, d, length)
    assert len(found) == len(expected)
    assert np.allclose(np.array(found).reshape(-1, 2), np.array(expected).reshape(-1, 2), atol=1e-7, rtol=0)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.filter_too_much], database=None)
@given(star_polygons(), st.floats(0, 2 * math.pi), st.floats(-60, 60))
def test_parallel_per_line_and_grouped_chords_agree_and_holding_is_the_first_containing_span(poly, angle, centre_at):
    d = np.array([math.cos(angle), math.sin(angle)])
    perp = np.array([-d[1], d[0]])
    starts = -150 * d + np.linspace(-50, 50, 17)[:, None] * perp
    edges = edge_arrays(poly)
    together = chords(edges, starts, d, 300.0)
    apart = chords(edges, starts, np.repeat(d[None], 17, axis=0), np.full(17, 300.0))
    centre = 150.0 + centre_at
    hole = edge_arrays(box(-30, -20, 40, 10))
    window = window_chords(stacked_edges([edges, hole]), (0.0, 0.0), d, perp, -150.0, 150.0, -50.0, 50.0, 17)
    for alone, win in zip((together, chords(hole, starts, d, 300.0)), window):
        assert [win.line(m) for m in range(17)] == [alone.line(m) for m in range(17)]  # the lines made compiled
    for m in range(17):
        assert len(together.line(m)) == len(apart.line(m))
        assert np.allclose(np.reshape(together.line(m), (-1, 2)), np.reshape(apart.line(m), (-1, 2)), atol=1e-9, rtol=0)
    for void in (False, True):
        left, right, hit = together.holding(centre, void)
        for m in range(17):
            spans = together.line(m)
            if void:
                ends = [0.0, *[x for ab in spans for x in ab], 300.0]
                spans = list(zip(ends[0::2], ends[1::2]))
            first = next(((a, b) for a, b in spans if a - 1e-9 <= centre <= b + 1e-9), None)
            assert hit[m] == (first is not None)
            if first is not None:
                assert (left[m], right[m]) == first
        median_left, median_right, n = together.median_walls(centre, void)
        assert n == hit.sum()
        if n:
            assert (median_left, median_right) == (np.median(left[hit]), np.median(right[hit]))


def test_a_window_without_lines_is_refused():
    with pytest.raises(ValueError, match="at least one line"):
        window_chords(stacked_edges([edge_arrays(box(0, 0, 10, 10))]), (0, 0), (1, 0), (0, 1), 0, 10, 0, 10, 0)


def test_a_line_along_an_edge_or_through_a_vertex_grazes():
    edges = edge_arrays(box(0, 0, 10, 10))
    starts = np.array([[-5.0, 0.0], [-5.0, 5.0], [-5.0, -5.0]])
    dirs = np.array([[1.0, 0.0], [1.0, 0.0], [1.0, 1.0]])  # along the bottom edge, across the middle, corner to corner
    assert grazes(edges, starts, dirs).tolist() == [True, False, True]


class SlotPair(Model):
    """Two plates crossing square: ``a`` (its bottom a shallow V whose lowest point is under the slot)
    slotted from the top over 90 % of the crossing, ``b`` from the bottom."""

    name = "test_slot_pair"
    thickness = MeasuredThickness()
    clearance = Clearance()

    def build(self, p) -> None:
        a = self.plate("a", Polygon([(-200, 3), (0, 0), (200, 3), (200, 120), (-200, 120)]), Frame.xz(),
                       thickness=p.thickness)
        b = self.plate("b", box(-150, 5, 150, 300), Frame.yz(), thickness=p.thickness)
        self.cross_lap(a, b, share_a=0.9)


def _slot_findings(design, tool):
    return [f for f in mfg.check_manufacturability(design, tool_diameter=tool, sheets={})
            if f.code in ("MFG-SLIDE", "MFG-SLOT-DEPTH")]


def _by_shapely(monkeypatch):
    """Make every slot line take the shapely path (the reference)."""
    monkeypatch.setattr(mfg, "grazes", lambda edges, starts, dirs: np.ones(len(starts), dtype=bool))


def test_material_under_a_slot_through_a_vertex_is_measured_by_shapely_and_too_little_is_an_error(monkeypatch):
    design = SlotPair.design()
    calls = []
    real = chords_mod.grazes
    monkeypatch.setattr(mfg, "grazes", lambda *a: calls.append(real(*a)) or calls[-1])
    a = design.part("a")
    slot = [y for x, y in a.outline.exterior.coords if abs(x) < 20 and y > 1]  # the slot's walls and bottom
    rest = min(slot)  # the V's lowest point is at y = 0 right under the slot
    tool = (rest + 5) / 2  # a neck must be at least 2 x tool wide: more than is left
    findings = _slot_findings(design, tool)
    assert any(flags[0] for flags in calls if len(flags))  # a's axis passes through the V's vertex
    (depth,) = [f for f in findings if f.code == "MFG-SLOT-DEPTH" and f.severity == "error"]
    assert depth.part == "a" and depth.measured == pytest.approx(rest, abs=1e-6)
    assert depth.limit == pytest.approx(max(2 * tool, a.thickness))
    assert [f.severity for f in findings if f.code == "MFG-SLIDE"] == ["pass"]


def _assert_same(found, expected):
    assert [(f.code, f.severity, f.part) for f in found] == [(f.code, f.severity, f.part) for f in expected]
    for f, g in zip(found, expected):
        assert (f.measured is None and g.measured is None) or f.measured == pytest.approx(g.measured, abs=1e-6)


@pytest.mark.parametrize("model", ["slice_chair", "table", "bookshelf", "stool"])
def test_slot_findings_from_chords_equal_shapelys(model, monkeypatch):
    design = build_design(model)
    found = _slot_findings(design, 6.0)
    _by_shapely(monkeypatch)
    _assert_same(found, _slot_findings(design, 6.0))


def test_uncut_slots_block_the_slide_by_either_path(chair_uncut, monkeypatch):
    found = _slot_findings(chair_uncut, 6.0)
    slides = [f for f in found if f.code == "MFG-SLIDE"]
    assert len(slides) == 2 * len(chair_uncut.joints) and all(f.severity == "error" for f in slides)
    _by_shapely(monkeypatch)
    _assert_same(found, _slot_findings(chair_uncut, 6.0))


def _numpy_chords(poly, starts, d, length):
    """Reference twin of the compiled kernel: the even-odd rule broadcast over all lines and edges."""
    a, b = edge_arrays(poly)
    perp = np.array([-d[1], d[0]])
    wa, wb = (a @ perp)[None, :] - (starts @ perp)[:, None], (b @ perp)[None, :] - (starts @ perp)[:, None]
    cross = (wa > 0) != (wb > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        s = np.where(cross, (a @ d) + ((b @ d) - (a @ d)) * (wa / (wa - wb)) - (starts @ d)[:, None], np.inf)
    out = []
    for row, n in zip(np.sort(s, axis=1), cross.sum(axis=1)):
        ends = np.clip(np.r_[row[:n], [np.inf] * (n % 2)], 0.0, length)
        out.append([(float(p), float(q)) for p, q in zip(ends[0::2], ends[1::2]) if q - p > chords_mod.MIN_CHORD])
    return out


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.filter_too_much], database=None)
@given(star_polygons(), st.data())
def test_kernel_matches_numpy_and_shapely_through_vertices_and_along_edges(poly, data):
    """Lines through a vertex of the polygon and lines along one of its edges (the grazing cases), and
    one random line: the kernel gives numpy's numbers (to 1e-9 mm, off the edge); through a vertex,
    shapely's pieces; along an edge, every chord lies in shapely's intersection and what shapely has
    beyond lies on the edge."""
    coords = np.asarray(poly.exterior.coords)[:-1]
    i = data.draw(st.integers(0, len(coords) - 1))
    v, w = coords[i], coords[(i + 1) % len(coords)]
    along = (w - v) / np.linalg.norm(w - v)
    angle = data.draw(st.floats(0, 2 * math.pi))
    through = np.array([math.cos(angle), math.sin(angle)])
    rand = np.array([data.draw(st.floats(-120, 120)), data.draw(st.floats(-120, 120))])
    cases = [(v - 150 * through, through), (v - 150 * along, along), (rand - 150 * through, through)]
    edges = edge_arrays(poly)
    for start, d in cases:
        found = chords(edges, start[None], d, 300.0).line(0)
        if d is not along:  # along an edge the crossings of that edge are rounding noise, in numpy's order or not
            reference = _merged(_numpy_chords(poly, start[None], d, 300.0)[0])  # numpy's numbers to 1e-9 mm,
            assert len(_merged(found)) == len(reference)  # a vertex counted as a split or not
            assert np.allclose(np.reshape(_merged(found), (-1, 2)), np.reshape(reference, (-1, 2)), atol=1e-9, rtol=0)
        segment = LineString([start, start + 300.0 * d])
        closed = poly.buffer(1e-6)
        for p, q in found:  # on the polygon, its boundary included (a line along an edge is inside or out by a bit)
            assert closed.covers(LineString([start + p * d, start + q * d]))
        covered = shapely.union_all([LineString([start + p * d, start + q * d]).buffer(1e-6) for p, q in found])
        rest = poly.intersection(segment).difference(covered)
        if d is along:  # GEOS's own answer for a line along an edge may run on past the polygon's corner
            rest = rest.intersection(closed)
        beyond = shapely.points(shapely.get_coordinates(shapely.segmentize(rest, 0.5)))
        # shapely's extra is boundary: within the 1e-6 mm it was clipped to along an edge (``closed``), plus
        # rounding (a CI run found a point 1.0000000008e-6 mm off)
        assert not len(beyond) or shapely.distance(beyond, poly.boundary).max() <= 1.01e-6
        e = edges[1] - edges[0]
        if d is not along and not np.any(np.abs(e[:, 0] * d[1] - e[:, 1] * d[0]) < 1e-9 * np.hypot(*e.T)):
            spans = _merged(found)  # no edge along the line: shapely's pieces
            expected = _merged(_shapely_spans(poly, start, d, 300.0))
            assert np.allclose(np.reshape(spans, (-1, 2)), np.reshape(expected, (-1, 2)), atol=1e-7, rtol=0)


def _merged(spans):
    """Spans longer than 1e-6, those meeting end to end joined: a line through a vertex may be split
    there (by shapely, or by rounding into two crossings)."""
    out = []
    for p, q in spans:
        if q - p <= 1e-6:
            continue
        if out and p - out[-1][1] < 1e-7:
            p = out.pop()[0]
        out.append((p, q))
    return out
