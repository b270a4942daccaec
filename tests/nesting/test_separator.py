"""The overlap-minimising separator and strip compression (``_separate.py``, ``compress.py``)."""

from __future__ import annotations

import itertools
import math

import numpy as np
from hypothesis import example, given, settings
from hypothesis import strategies as st
from shapely.geometry import MultiPoint, Polygon, box

from fabrication.nesting import NestPart, nest_strip, validate
from fabrication.nesting import _kernels as K
from fabrication.nesting import _separate as S
from fabrication.nesting.compress import Compressor, StripState
from fabrication.nesting.prepare import build_variants

L_SHAPE = Polygon([(0, 0), (120, 0), (120, 40), (40, 40), (40, 100), (0, 100)])


def overlap(v, a, b):
    """Overlap amount and collision verdict of variant 0 at a and variant 1 at b."""
    q = K.pair_depth(v.geo, 0, a[0], a[1], 1, b[0], b[1], K.EPS, False)
    hit = K.pair_collides(v.geo, 0, a[0], a[1], 1, b[0], b[1], K.EPS)
    return q, hit


points = st.lists(st.tuples(st.floats(0, 60), st.floats(0, 60)), min_size=4, max_size=8)


@settings(max_examples=150, deadline=None)
@given(points, points, st.floats(-40, 40), st.floats(-40, 40))
# vertices 1e-179 and 1e-68 mm from a corner: the triangulation left a sliver whose area came out below
# zero, and its root (NaN) made the overlap amount NaN
@example([(0.0, 1.0), (0.0, 1.8360455731873707e-68), (1.0, 1.0), (3.0, 0.0), (1.061033538155774e-179, 0.0)],
         [(0.0, 0.0), (0.0, 0.0), (0.0, 1.0), (2.0, 0.0)], -1.0, 0.0)
def test_overlap_amount_is_zero_exactly_when_there_is_no_collision(a, b, dx, dy):
    """The separator's measure and the construction's collision test never disagree, so a
    layout the separator calls overlap-free is one the collision test accepts, and vice versa."""
    pa, pb = MultiPoint(a).convex_hull, MultiPoint(b).convex_hull
    if pa.geom_type != "Polygon" or pb.geom_type != "Polygon" or min(pa.area, pb.area) < 1.0:
        return
    v = build_variants([NestPart("a", pa, 1, (0.0,)), NestPart("b", pb, 1, (0.0,))], 0.0)
    q, hit = overlap(v, (0.0, 0.0), (dx, dy))
    assert (q > 0.0) == hit
    assert q >= 0.0


FRAME = Polygon(box(0, 0, 90, 70).exterior, [box(20, 15, 70, 55).exterior])  # many pieces: partial sums count


@settings(max_examples=200, deadline=None)
@given(st.floats(-110, 110), st.floats(-90, 90), st.floats(0, 50), st.floats(0.5, 4), st.floats(0, 1.5))
def test_a_capped_pair_overlap_decides_like_the_whole_sum(dx, dy, base, weight, share):
    """The separator's samples stop summing a pair once the weighted score passes the cap: the
    partial sum must be past the cap exactly when the whole one is, and whole when it is not."""
    v = build_variants([NestPart("L", L_SHAPE, 1, (0.0,)), NestPart("f", FRAME, 1, (0.0,))], 0.0)
    whole = K.pair_depth(v.geo, 0, 0.0, 0.0, 1, dx, dy, K.EPS, False)
    cap = base + share * weight * whole
    part = K.pair_depth_capped(v.geo, 0, 0.0, 0.0, 1, dx, dy, K.EPS, False, base, weight, cap)
    assert (base + weight * part > cap) == (base + weight * whole > cap)
    if base + weight * whole <= cap:
        assert part == whole
    else:
        assert 0.0 < part <= whole


@settings(max_examples=200, deadline=None)
@given(st.floats(-110, 110), st.floats(-90, 90), st.floats(0, 50), st.floats(0.5, 4), st.floats(0, 1.5))
def test_the_separator_loss_is_zero_exactly_without_collision_and_capped_like_the_whole(dx, dy, base, weight, share):
    """The separator's pair loss (sparrow's square root with a floor): zero exactly when the
    collision test says the parts do not collide, at least the floor when they do, and a capped
    loss is past the cap exactly when the whole one is (and whole when it is not)."""
    v = build_variants([NestPart("L", L_SHAPE, 1, (0.0,)), NestPart("f", FRAME, 1, (0.0,))], 0.0)
    whole = K.pair_loss(v.geo, 0, 0.0, 0.0, 1, dx, dy, K.EPS, 0.0, 1.0, 1e300)
    hit = K.pair_collides(v.geo, 0, 0.0, 0.0, 1, dx, dy, K.EPS)
    assert (whole > 0.0) == hit
    if hit:
        diagonal = max(math.hypot(*v.size[0]), math.hypot(*v.size[1]))
        assert whole >= K.LOSS_FLOOR * diagonal * (L_SHAPE.area * FRAME.area) ** 0.25 * (1 - 1e-12)
    cap = base + share * weight * whole
    part = K.pair_loss(v.geo, 0, 0.0, 0.0, 1, dx, dy, K.EPS, base, weight, cap)
    assert (base + weight * part > cap) == (base + weight * whole > cap)
    if base + weight * whole <= cap:
        assert part == whole
    else:
        assert 0.0 < part <= whole


def test_a_new_small_overlap_costs_more_than_deepening_one_a_little():
    """The floor: touching a third part is dearer than pushing a little further into one, so
    a separator move does not spread a collision over many parts."""
    v = build_variants([NestPart("a", box(0, 0, 100, 100), 1, (0.0,)), NestPart("b", box(0, 0, 100, 100), 1, (0.0,))],
                       0.0)
    loss = [K.pair_loss(v.geo, 0, 0.0, 0.0, 1, 100.0 - d, 0.0, K.EPS, 0.0, 1.0, 1e300) for d in (0.1, 1.0, 1.1)]
    assert loss[0] > 0.0
    assert loss[2] - loss[1] < loss[0]


def test_overlap_grows_as_parts_slide_into_each_other():
    v = build_variants([NestPart("a", L_SHAPE, 1, (0.0,)), NestPart("b", box(0, 0, 50, 50), 1, (0.0,))], 0.0)
    amounts = [overlap(v, (0.0, 0.0), (x, 0.0))[0] for x in (120, 110, 90, 70)]
    assert amounts[0] == 0.0  # touching is legal
    assert all(a < b for a, b in itertools.pairwise(amounts))


def compressor(parts, height, seed=0):
    items = [pi for pi, p in enumerate(parts) for _ in range(p.quantity)]
    v = build_variants(parts, 0.0)
    return v, Compressor(v, items, height, seed), items


def test_separator_pulls_a_pile_apart():
    parts = [NestPart("r", box(0, 0, 60, 30), 6)]
    v, comp, items = compressor(parts, 100)
    n = len(items)
    pile = StripState(np.zeros(n, dtype=np.int64), np.zeros(n), np.zeros(n))  # all six on one spot
    assert comp.separate(pile, 240.0, math.inf)
    assert not S.overlap_matrix(v.geo, pile.var, pile.x, pile.y, n, K.EPS, comp.cell).any()
    assert pile.length(v) <= 240.0 + 1e-9 and (pile.y + v.size[pile.var, 1]).max() <= 100.0 + 1e-9


def test_separator_gives_up_when_the_strip_is_too_short():
    parts = [NestPart("sq", box(0, 0, 100, 100), 2, (0.0,))]
    _, comp, _ = compressor(parts, 100)
    state = StripState(np.zeros(2, dtype=np.int64), np.array([0.0, 50.0]), np.zeros(2))
    assert not comp.separate(state, 150.0, math.inf)  # two squares need 200 mm


def test_compression_shortens_the_strip_and_is_reproducible():
    parts = [NestPart("L", L_SHAPE, 4), NestPart("t", Polygon([(0, 0), (60, 0), (0, 50)]), 5),
             NestPart("r", box(0, 0, 70, 25), 4)]
    base = validate_strip(nest_strip(parts, 150, improve=False))
    runs = [validate_strip(nest_strip(parts, 150, time_limit=60, max_rounds=200, seed=3)) for _ in range(2)]
    assert runs[0].sheets[0].placements == runs[1].sheets[0].placements
    assert runs[0].used_length < 0.95 * base.used_length
    assert len(runs[0].history) >= 2  # every success is reported


def validate_strip(result):
    found = validate.problems(result, spacing=0.0, margin=0.0)
    assert found == [], found
    return result
