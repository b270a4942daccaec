"""The relief depth (fabrication.relief): the compiled cut of the relief pieces to a window gives
shapely's answer, and shapely answers wherever the kernel is in doubt or the window leaves the part's
margin."""

from __future__ import annotations

import numpy as np
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st
from shapely import affinity
from shapely.geometry import Polygon, box

import fabrication.fit
import fabrication.relief
from fabrication._relief_kernel import relief_reach
from fabrication.fit import measure_fits
from fabrication.machines import get_machine
from fabrication.relief import relief_areas, relief_depth, relief_depths
from fabrication.toolpath import prepare
from parametric import build_design

ROUTER = get_machine("cnc-router-6mm")


def _shapely_depth(drawn, finished, near) -> float:
    """The relief depth as shapely alone measures it: the pieces cut to the window, the largest
    distance of their vertices to the drawn voids in the window's box grown by 2 mm."""
    removed = shapely.intersection(shapely.get_parts(drawn.difference(finished)), near)
    if shapely.area(removed).sum() < 1e-6:
        return 0.0
    x0, y0, x1, y1 = near.bounds
    around = (x0 - 2.0, y0 - 2.0, x1 + 2.0, y1 + 2.0)
    voids = shapely.box(*around).difference(shapely.clip_by_rect(drawn, *around))
    return float(np.max(shapely.distance(shapely.points(shapely.get_coordinates(removed)), voids)))


@pytest.fixture
def kernel_answers(monkeypatch):
    """How often the kernel answered (``True``) or left the window to shapely (``False``)."""
    counts = {True: 0, False: 0}

    def counted(*args):
        ok, depth = relief_reach(*args)
        counts[bool(ok)] += 1
        return ok, depth

    monkeypatch.setattr(fabrication.relief, "relief_reach", counted)
    return counts


@pytest.mark.parametrize("model, relief", [("box", "tbone"), ("box", "dogbone"), ("slice_chair", "auto"),
                                           ("table", "auto")])
def test_the_fits_windows_measure_as_shapely_does(monkeypatch, kernel_answers, model, relief):
    """Every window the fit measures (finger bands, slots ending on the slot's bottom, tab holes; a slot's
    ring handed over by the fit)."""
    design = build_design(model)
    cut = {p.name: prepare(p, ROUTER, relief=relief) for p in design.parts}
    seen = []
    real, real_many = fabrication.fit.relief_depth, fabrication.fit.relief_depths

    def recorded(areas, drawn, near, ring=None):
        depth = real(areas, drawn, near, ring)
        seen.append((drawn, near, depth))
        return depth

    def recorded_many(areas, drawn, rings):  # the slots' windows, measured together
        depths = real_many(areas, drawn, rings)
        seen.extend((drawn, Polygon(ring), depth) for ring, depth in zip(rings, depths))
        return depths

    monkeypatch.setattr(fabrication.fit, "relief_depth", recorded)
    monkeypatch.setattr(fabrication.fit, "relief_depths", recorded_many)
    measure_fits(design, cut)
    finished = {p.outline.wkb: cut[p.name].finished for p in design.parts}
    assert seen and max(depth for *_, depth in seen) > 0.5  # a dogbone: ~0.93 mm on a 6 mm bit
    for drawn, near, depth in seen:
        assert depth == pytest.approx(_shapely_depth(drawn, finished[drawn.wkb], near), abs=1e-9)
    assert kernel_answers[True] > kernel_answers[False]


def test_random_windows_about_the_reliefs_measure_as_shapely_does(kernel_answers):
    """Rotated and rounded windows over the T-bones and dogbones of a box's parts, some with an edge
    through a relief's centre or along a wall."""
    rng = np.random.default_rng(7)
    design = build_design("box")
    for relief in ("tbone", "dogbone"):
        for part in design.parts[:3]:
            cp = prepare(part, ROUTER, relief=relief)
            areas = relief_areas((part.outline, cp.finished))
            for cx, cy, r in cp.arcs[:8]:
                for _ in range(6):
                    w, h = rng.uniform(0.5, 4.0, 2) * r
                    near = affinity.rotate(box(cx - w, cy - h, cx + rng.uniform(-1, 1) * r, cy + h),
                                           rng.choice([0.0, 90.0, rng.uniform(0, 360)]), origin=(cx, cy))
                    if rng.random() < 0.3:
                        near = near.buffer(rng.uniform(0.1, 2.0))
                    expected = _shapely_depth(part.outline, cp.finished, near)
                    assert relief_depth(areas, part.outline, near) == pytest.approx(expected, abs=1e-9, nan_ok=True)
    assert kernel_answers[True] > 0.7 * (kernel_answers[True] + kernel_answers[False])


def test_windows_measured_together_give_each_windows_own_depth():
    """relief_depths (the slots' windows of one part in one go) returns, bit for bit, what relief_depth
    measures window by window: rotated rectangles over a box side's reliefs, near and away from them."""
    rng = np.random.default_rng(3)
    part = build_design("box").part("front-0")
    cp = prepare(part, ROUTER, relief="tbone")
    areas = relief_areas((part.outline, cp.finished))
    rings = []
    for cx, cy, r in cp.arcs[:12]:
        for _ in range(4):
            w, h = rng.uniform(0.5, 6.0, 2) * r
            near = affinity.rotate(box(cx - w, cy - h, cx + w, cy + h), rng.uniform(0, 360), origin=(cx, cy))
            rings.append(np.asarray(near.exterior.coords))
    rings.append(rings[0] + 500.0)  # far from every piece: found nothing, 0
    rings = np.stack(rings)
    depths = relief_depths(areas, part.outline, rings)
    assert depths == [relief_depth(areas, part.outline, Polygon(ring), ring) for ring in rings]
    assert depths[-1] == 0.0 and max(depths) > 0.5


@pytest.fixture(scope="module")
def box_reliefs():
    """A box side's drawn outline, its T-boned finish and relief areas, and its relief circles."""
    part = build_design("box").part("front-0")
    cp = prepare(part, ROUTER, relief="tbone")
    return part.outline, cp.finished, relief_areas((part.outline, cp.finished)), cp.arcs


@settings(max_examples=80, deadline=None)
@given(st.integers(0, 63), st.floats(-1.5, 1.5), st.floats(-1.5, 1.5), st.floats(0.2, 5.0), st.floats(0.2, 5.0),
       st.sampled_from([0.0, 45.0, 90.0, 180.0]) | st.floats(0, 360), st.sampled_from([0.0, 0.5, 3.0]),
       st.integers(3, 8))
def test_any_convex_window_measures_as_shapely_does(box_reliefs, arc, dx, dy, w, h, angle, rounded, sides):
    """Rectangles, rounded rectangles and regular polygons anywhere about a relief, at any angle."""
    drawn, finished, areas, arcs = box_reliefs
    cx, cy, r = arcs[arc % len(arcs)]
    if sides == 4:
        near = box(cx + (dx - w) * r, cy + (dy - h) * r, cx + (dx + w) * r, cy + (dy + h) * r)
    else:
        t = np.linspace(0, 2 * np.pi, sides, endpoint=False)
        near = Polygon(np.c_[cx + dx * r + w * r * np.cos(t), cy + dy * r + w * r * np.sin(t)])
    near = affinity.rotate(near, angle, origin=(cx, cy))
    if rounded:
        near = near.buffer(rounded)
    expected = _shapely_depth(drawn, finished, near)
    assert relief_depth(areas, drawn, near) == pytest.approx(expected, abs=1e-9, nan_ok=True)


def test_a_window_beyond_the_parts_margin_measures_its_own_box():
    """A window reaching past the margin the voids were made in (wider than the part by its width plus
    its height plus 100 mm each side) cuts the voids from its own box: the same depth as a window just
    inside the margin over the same reliefs."""
    part = build_design("box").part("front-0")
    cp = prepare(part, ROUTER, relief="tbone")
    areas = relief_areas((part.outline, cp.finished))
    x0, y0, x1, y1 = part.outline.bounds
    pad = x1 - x0 + y1 - y0 + 100.0
    inside = box(x0 - 10, y0 - 10, x1 + 10, y1 + 10)
    beyond = box(x0 - 2 * pad, y0 - 10, x1 + 10, y1 + 10)
    assert not shapely.box(*areas[3]).contains(beyond)  # the margin's box: the fallback branch is taken
    depth = relief_depth(areas, part.outline, beyond)
    assert depth == pytest.approx(relief_depth(areas, part.outline, inside), abs=1e-9)
    assert depth == pytest.approx(ROUTER.tool_diameter / 2, abs=0.1)  # a T-bone deepens a notch by ~r
    assert depth == pytest.approx(_shapely_depth(part.outline, cp.finished, beyond), abs=1e-9)


def _ring(*xy) -> np.ndarray:
    return np.array([*xy, xy[0]], dtype=float)


def test_the_kernel_answers_a_clear_cut_and_declines_a_doubtful_one():
    """A unit square piece on a void edge along y = 0: cut at x = 0.5, its farthest vertex is 1 mm off;
    a window edge along the piece's side, a corner on its edge or a non-convex window: shapely's turn."""
    piece = _ring((0, 0), (1, 0), (1, 1), (0, 1))
    starts, ends = np.array([0]), np.array([len(piece)])
    void = np.array([[-10.0, 0.0, 10.0, 0.0]])
    ok, depth = relief_reach(piece, starts, ends, _ring((-5, -5), (0.5, -5), (0.5, 5), (-5, 5)), void)
    assert ok and depth == pytest.approx(1.0, abs=1e-12)
    ok, depth = relief_reach(piece, starts, ends, _ring((-5, -5), (5, -5), (5, 0.25), (-5, 0.25)), void)
    assert ok and depth == pytest.approx(0.25, abs=1e-12)  # the cut's crossings are its farthest points
    for window in (_ring((0, -5), (0.5, -5), (0.5, 5), (0, 5)),  # along the piece's side x = 0
                   _ring((1, 0.5), (3, -1.5), (5, 0.5), (3, 2.5)),  # a corner on the piece's edge x = 1
                   _ring((-5, -5), (5, -5), (5, 5), (0.5, 0.5), (-5, 5))):  # not convex
        assert not relief_reach(piece, starts, ends, window, void)[0]
    drawn = box(-10, 0, 10, 10)
    finished = drawn.difference(Polygon(piece))
    areas = relief_areas((drawn, finished))
    near = Polygon(_ring((0, -5), (0.5, -5), (0.5, 5), (0, 5)))
    assert relief_depth(areas, drawn, near) == _shapely_depth(drawn, finished, near) == pytest.approx(1.0, abs=1e-12)
