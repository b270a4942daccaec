"""The exploration phase of strip packing (``fabrication/nesting/explore.py``), on small made instances."""

from __future__ import annotations

import math

import numpy as np
import pytest
from shapely.geometry import Polygon, box

from fabrication.nesting import NestPart, nest_strip, validate
from fabrication.nesting import _kernels as K
from fabrication.nesting import _separate as S
from fabrication.nesting.compress import Compressor, StripState
from fabrication.nesting.explore import (
    STEP,
    Explorer,
    Pool,
    disrupt,
    large_items,
    variant_area,
)
from fabrication.nesting.prepare import build_variants

PARTS = [NestPart("big", box(0, 0, 80, 60), 2, (0.0, 90.0)), NestPart("mid", box(0, 0, 50, 30), 2, (0.0, 90.0)),
         NestPart("tri", Polygon([(0, 0), (30, 0), (0, 25)]), 4, (0.0, 90.0))]
HEIGHT = 100.0


def setup(seed=0):
    """Variants, a compressor and the part index per item of PARTS."""
    items = [pi for pi, p in enumerate(PARTS) for _ in range(p.quantity)]
    v = build_variants(PARTS, 0.0)
    return v, Compressor(v, items, HEIGHT, seed), items


def state_of(v, items, xy):
    """A layout with every item at turn 0 and the given (x, y) spots."""
    var = np.array([v.by_part[p][0] for p in items], dtype=np.int64)
    return StripState(var, np.array([p[0] for p in xy], dtype=float), np.array([p[1] for p in xy], dtype=float))


def overlap(v, comp, s):
    return S.overlap_matrix(v.geo, s.var, s.x, s.y, len(s.x), K.EPS, comp.cell).sum() / 2


def test_the_pool_keeps_the_least_overlap_first_and_drops_the_worst():
    v, _, items = setup()
    pool = Pool(size=3)
    for loss in (5.0, 1.0, 3.0, 0.5):
        pool.add(state_of(v, items, [(loss, 0.0)] * len(items)), loss)
    assert [e[0] for e in pool.entries] == [0.5, 1.0, 3.0]  # 5.0 fell out
    picked = pool.pick(np.random.default_rng(0))
    picked.x[:] = -1.0  # a pick is a copy: the pool's layouts stay as they were
    assert all((e[1].x >= 0).all() for e in pool.entries)


def test_the_pool_pick_favours_the_least_overlap():
    v, _, items = setup()
    pool = Pool(size=8)
    for loss in range(8):
        pool.add(state_of(v, items, [(float(loss), 0.0)] * len(items)), float(loss))
    rng = np.random.default_rng(1)
    picks = [pool.pick(rng).x[0] for _ in range(400)]
    counts = [picks.count(float(k)) for k in range(8)]
    assert counts[0] > counts[3] > counts[7]


def test_picking_from_an_empty_pool_or_making_an_empty_one_is_refused():
    with pytest.raises(ValueError, match="empty"):
        Pool().pick(np.random.default_rng(0))
    with pytest.raises(ValueError, match="at least one"):
        Pool(size=0)


def test_large_items_cover_the_share_of_the_area_largest_first():
    area = np.array([10.0, 100.0, 1.0, 50.0, 5.0])
    assert list(large_items(area, 0.75)) == [1, 3]    # 100 + 50 reach 90 % of 166
    assert list(large_items(area, 0.5)) == [1]
    assert list(large_items(area, 1.0)) == [0, 1, 2, 3, 4]


def test_a_disruption_swaps_two_large_parts_of_different_shapes_and_keeps_the_rest():
    v, comp, items = setup(seed=4)
    # the two big boxes and the two mid boxes spread out; the triangles stacked on the first big
    # box (carried with it) and at the far end (untouched)
    xy = [(0, 0), (90, 0), (180, 20), (250, 30), (10, 10), (30, 20), (320, 0), (320, 40)]
    s = state_of(v, items, xy)
    length = 400.0
    area = variant_area(v)[s.var]
    seen = set()
    for _ in range(20):
        trial = s.copy()
        i, j = disrupt(comp, trial, length, area)
        seen.add((min(i, j), max(i, j)))
        assert items[i] != items[j]                      # different shapes
        assert {items[i], items[j]} <= {0, 1}            # both large (big and mid cover 75 % of the area)
        size = v.size[trial.var]
        assert (trial.x >= 0).all() and (trial.x + size[:, 0] <= length + 1e-9).all()
        assert (trial.y >= 0).all() and (trial.y + size[:, 1] <= HEIGHT + 1e-9).all()
        old_c = np.column_stack([s.x + v.size[s.var, 0] / 2, s.y + v.size[s.var, 1] / 2])
        new_c = np.column_stack([trial.x + size[:, 0] / 2, trial.y + size[:, 1] / 2])
        assert np.allclose(new_c[i], old_c[j]) and np.allclose(new_c[j], old_c[i])
        carried = {4, 5} if 0 in (i, j) else set()       # the triangles sitting on big box 0
        for k in set(range(len(items))) - {i, j} - carried:
            assert (trial.var[k], trial.x[k], trial.y[k]) == (s.var[k], s.x[k], s.y[k])
        for k in carried:
            a = 0
            b = j if i == a else i
            shift = old_c[b] - old_c[a]
            assert np.allclose([trial.x[k], trial.y[k]], np.clip([s.x[k] + shift[0], s.y[k] + shift[1]], 0,
                                                                 [length - size[k, 0], HEIGHT - size[k, 1]]))
    assert len(seen) > 1  # the choice is random


def test_a_disruption_needs_two_items():
    v = build_variants([NestPart("a", box(0, 0, 10, 10), 1)], 0.0)
    comp = Compressor(v, [0], 50.0)
    with pytest.raises(ValueError, match="two free items"):
        disrupt(comp, StripState(np.array([0]), np.array([0.0]), np.array([0.0])), 50.0)


def test_a_failed_separation_leaves_its_least_overlap_and_reports_it():
    v, comp, items = setup()
    s = state_of(v, items, [(0, 0)] * len(items))
    assert not comp.separate(s, 100.0, math.inf)  # the parts need about 190 mm of a 100 mm strip
    assert comp.loss > 0.0 and comp.loss == pytest.approx(overlap(v, comp, s))


def test_exploration_returns_only_legal_layouts_and_is_reproducible():
    v, _, items = setup()
    runs = []
    for _ in range(2):
        _, comp, _ = setup(seed=7)
        # legal, 290 mm long: the boxes in a row, the triangles above them
        start = state_of(v, items, [(80.0 * (k % 4) if k < 4 else 60.0 * (k % 4), 0.0 if k < 4 else 60.0)
                                    for k in range(len(items))])
        assert overlap(v, comp, start) == 0.0
        explorer = Explorer(comp, step=0.05)  # 5 % shrinks: failures soon, and they go to the pool
        lengths = []
        best = explorer.run(start, math.inf, max_attempts=40, progress=lengths.append)
        assert overlap(v, comp, best) == 0.0
        assert best.length(v) < start.length(v) and lengths and lengths[-1] == best.length(v)
        assert explorer.disruptions > 0  # the pool was used
        runs.append(best)
    assert (runs[0].x == runs[1].x).all() and (runs[0].y == runs[1].y).all() and (runs[0].var == runs[1].var).all()


def test_after_a_failure_the_pool_is_disrupted_at_that_length_and_a_success_shrinks_by_the_step():
    v, comp, items = setup(seed=2)
    start = state_of(v, items, [(80.0 * (k % 4) if k < 4 else 60.0 * (k % 4), 0.0 if k < 4 else 60.0)
                                for k in range(len(items))])
    targets, verdicts = [], []

    def scripted(state, length, deadline, near=None):  # fails (overlap 1) until told otherwise
        targets.append(length)
        comp.loss = 0.0 if verdicts and verdicts.pop() else 1.0
        return comp.loss == 0.0

    comp.separate = scripted
    explorer = Explorer(comp)
    explorer.run(start, math.inf, max_attempts=3)
    assert targets[0] == pytest.approx(start.length(v) * (1 - STEP))  # sparrow's 0.1 % from the start
    assert len(set(targets)) == 1 and explorer.disruptions == 2 and len(explorer.pool) == 3
    verdicts.append(True)
    best = explorer.run(start, math.inf, max_attempts=2)  # a disruption separates, then a new shrink
    assert explorer.disruptions == 3 and len(explorer.pool) == 1
    assert targets[-1] == pytest.approx(best.length(v) * (1 - STEP)) and targets[-1] < targets[0]


def test_nest_strip_with_exploration_is_valid_and_reproducible_for_a_round_budget():
    results = [nest_strip(PARTS, HEIGHT, time_limit=120.0, max_rounds=30, seed=5) for _ in range(2)]
    for r in results:
        assert validate.problems(r, spacing=0.0, margin=0.0) == []
        assert r.used_length <= r.history[0][2] + 1e-9
        assert "disruptions" in r.stats  # the exploration phase ran (compression alone does not report it)
    assert results[0].sheets[0].placements == results[1].sheets[0].placements


def test_a_zero_share_compresses_only_and_a_share_outside_0_to_1_is_refused():
    plain = nest_strip(PARTS, HEIGHT, time_limit=120.0, max_rounds=8, seed=5, explore=0.0)
    assert "disruptions" not in plain.stats and validate.problems(plain, spacing=0.0, margin=0.0) == []
    with pytest.raises(ValueError, match="0 to 1"):
        nest_strip(PARTS, HEIGHT, time_limit=1.0, max_rounds=8, explore=1.5)


def test_an_iteration_budget_bounds_the_separator_work_and_is_reproducible():
    runs = [nest_strip(PARTS, HEIGHT, time_limit=120.0, max_iterations=150, seed=3) for _ in range(2)]
    for r in runs:
        assert 0 < r.stats["iterations"] <= 150
        assert validate.problems(r, spacing=0.0, margin=0.0) == []
        assert r.used_length <= r.history[0][2] + 1e-9
    assert runs[0].sheets[0].placements == runs[1].sheets[0].placements
    plain = nest_strip(PARTS, HEIGHT, time_limit=120.0, max_iterations=40, seed=3, explore=0.0)
    assert 0 < plain.stats["iterations"] <= 40  # compression alone keeps the budget too
    with pytest.raises(ValueError, match="max_iterations"):
        nest_strip(PARTS, HEIGHT, time_limit=1.0, max_iterations=-1)
