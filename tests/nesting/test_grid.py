"""The broad-phase grid (``_grid.py``) and what is built on it: windowed, bounded separation."""

from __future__ import annotations

import math

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from shapely.geometry import Polygon, box

from fabrication.nesting import NestPart, nest_strip, validate
from fabrication.nesting import _grid as G
from fabrication.nesting import _kernels as K
from fabrication.nesting import _separate as S
from fabrication.nesting.api import _engine
from fabrication.nesting.compress import MAX_ITERATIONS, Compressor, StripState
from fabrication.nesting.explore import EXPLORE_ITERATIONS, EXPLORE_SHARE
from fabrication.nesting.prepare import build_variants

coord = st.floats(-50, 450, allow_nan=False)
boxes = st.lists(st.tuples(coord, coord, st.floats(0.5, 120), st.floats(0.5, 120)), min_size=1, max_size=60)


def brute(size, var, px, py, q, eps, skip):
    """The items whose box overlaps the query box by more than eps, by scanning them all."""
    x, y, x1, y1 = q
    return {k for k in range(len(var)) if k != skip and not (
        x1 <= px[k] + eps or px[k] + size[var[k], 0] <= x + eps
        or y1 <= py[k] + eps or py[k] + size[var[k], 1] <= y + eps)}


@settings(max_examples=200, deadline=None)
@given(boxes, st.tuples(coord, coord, st.floats(0.0, 200), st.floats(0.0, 200)),
       st.tuples(st.floats(-20, 100), st.floats(-20, 100), st.floats(1, 500), st.floats(1, 500)),
       st.floats(1.0, 150.0), st.sampled_from([0.0, K.EPS, 0.5]), st.integers(-1, 5))
def test_grid_returns_exactly_the_brute_force_candidates(items, query, region, cell, eps, skip):
    """Whatever the region gridded (items and queries may lie partly or wholly outside it, they
    are clamped into the border cells) and the cell size, a query finds the same set as a scan."""
    size = np.array([[w, h] for *_, w, h in items])
    var = np.arange(len(items), dtype=np.int64)
    px = np.array([it[0] for it in items])
    py = np.array([it[1] for it in items])
    ox, oy, w, h = region
    g = G.grid_params(ox, oy, ox + w, oy + h, cell)
    cstart, citems = G.grid_build(g, size, var, px, py, len(items))
    out = np.empty(len(items), dtype=np.int64)
    mark = np.zeros(len(items) + 1, dtype=np.int64)
    q = (query[0], query[1], query[0] + query[2], query[1] + query[3])
    for _ in range(2):  # the mark array is reused between queries
        found = G.grid_query(g, cstart, citems, size, var, px, py, *q, eps, skip, out, mark)
        assert sorted(out[:found]) == sorted(brute(size, var, px, py, q, eps, skip))


def test_grid_sides_are_capped():
    g = G.grid_params(0.0, 0.0, 1e6, 10.0, 0.01)
    assert g[4] == G.MAX_CELLS and g[5] == G.MAX_CELLS
    assert math.isclose(g[2] * g[4], 1e6) and math.isclose(g[3] * g[5], 10.0)


PARTS = [NestPart("L", Polygon([(0, 0), (120, 0), (120, 40), (40, 40), (40, 100), (0, 100)]), 8),
         NestPart("t", Polygon([(0, 0), (60, 0), (0, 50)]), 10), NestPart("r", box(0, 0, 70, 25), 8)]


def test_construction_with_the_grid_is_the_scan_construction():
    """The grid only skips items that cannot collide and uses the same random numbers, so the
    bottom-left layout is identical to the one found by scanning every placed item."""
    items = [(pi, k) for pi, p in enumerate(PARTS) for k in range(p.quantity)]
    variants = build_variants(PARTS, 0.0)
    layouts = []
    for grid in (True, False):
        engine, order = _engine(PARTS, items, variants, [np.array([0.0, 0.0, 5000.0, 200.0])], 1, 40, 5)
        if not grid:
            engine.cell = 0.0
        layouts.append(engine.construct(order))
    assert layouts[0] == layouts[1]
    assert len(layouts[0][0]) == len(items)


def test_overlap_matrix_matches_the_pairwise_kernel():
    v = build_variants(PARTS, 0.0)
    rng = np.random.default_rng(1)
    n = 30
    var = rng.integers(0, len(v.size), n)
    px, py = rng.uniform(0, 300, n), rng.uniform(0, 150, n)
    ov = S.overlap_matrix(v.geo, var, px, py, n, K.EPS, 40.0)
    expect = np.array([[0.0 if i == j else K.pair_loss(v.geo, var[i], px[i], py[i], var[j], px[j], py[j], K.EPS, 0.0,
                                                       1.0, 1e300) for j in range(n)] for i in range(n)])
    assert np.array_equal(ov, expect)
    assert (ov > 0).sum() > 0  # the random layout does overlap somewhere


def strip_comp(parts, height, seed=0):
    items = [pi for pi, p in enumerate(parts) for _ in range(p.quantity)]
    v = build_variants(parts, 0.0)
    return v, Compressor(v, items, height, seed)


def test_one_attempt_stops_after_max_iterations(monkeypatch):
    """A hopeless attempt (two 100 mm squares in 150 mm) ends at the iteration bound even with
    no deadline; the strikes are made unreachable so only the bound can stop it."""
    _, comp = strip_comp([NestPart("sq", box(0, 0, 100, 100), 2, (0.0,))], 100)
    comp.max_iterations = 7
    monkeypatch.setattr("fabrication.nesting.compress.NO_IMPROVE", 10**9)
    state = StripState(np.zeros(2, dtype=np.int64), np.array([0.0, 50.0]), np.zeros(2))
    assert not comp.separate(state, 150.0, math.inf)
    assert comp.iterations == 7


def test_a_windowed_attempt_moves_only_the_items_near_the_cut():
    """With more free items than the window holds, items far from the cut stay where they were."""
    # two rows of 50 mm squares in columns 0..19, column 11 left empty; columns 10+ slid 10 mm
    # left (a cut at x = 495), so column 10 overlaps column 9 and only the gap can absorb it
    cols = [c for c in range(20) if c != 11]
    x = np.array([50.0 * c - (10.0 if c >= 10 else 0.0) for c in cols for _ in range(2)])
    y = np.array([50.0 * r for _ in cols for r in range(2)])
    n = len(x)
    v, comp = strip_comp([NestPart("r", box(0, 0, 50, 50), n, (0.0,))], 100)
    comp.window_items = 6
    state = StripState(np.zeros(n, dtype=np.int64), x.copy(), y.copy())
    assert comp.separate(state, 2000.0, math.inf, near=495.0)
    moved = np.flatnonzero((state.x != x) | (state.y != y))
    assert len(moved) > 0
    assert np.abs(x[moved] + 25 - 495.0).max() <= 70.0  # only the six nearest the cut moved
    assert not S.overlap_matrix(v.geo, state.var, state.x, state.y, n, K.EPS, comp.cell).any()


def test_a_scaled_strip_still_validates():
    """A 98-item strip (windowed compression) is legal by the independent shapely checker."""
    parts = [NestPart(p.id, p.polygon, p.quantity * 5, p.rotations) for p in PARTS[:2]] + [PARTS[2]]
    result = nest_strip(parts, 200, time_limit=60, max_rounds=6, seed=2)
    assert validate.problems(result, spacing=0.0, margin=0.0) == []
    assert sum(len(s.placements) for s in result.sheets) == sum(p.quantity for p in parts)
    st = result.stats  # where the time went, as the benchmark's scaling table reports it
    assert 0 < st["construct_s"] <= st["first_feasible_s"] <= result.elapsed
    explored = round(EXPLORE_SHARE * 6)  # attempts of the exploration phase, then compression's
    assert st["attempts"] == 6
    assert 1 <= st["iterations"] <= explored * EXPLORE_ITERATIONS + (6 - explored) * MAX_ITERATIONS
