"""The pole fail-fast of the construction's collision test (``fabrication/nesting/_poles.py``):
it never changes an answer of the full convex-piece test, and it does fire."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from shapely.geometry import Point, Polygon, box
from shapely.ops import unary_union

from fabrication.nesting import NestPart
from fabrication.nesting import _kernels as K
from fabrication.nesting._poles import pair_collides_ff, poles_collide, variant_poles
from fabrication.nesting.prepare import build_variants
from strategies import star, star_polygon

FRAME = Polygon(box(-30, -30, 30, 30).exterior, [box(-20, -20, 20, 20).exterior])


def variants_of(*shapes):
    v = build_variants([NestPart(f"p{k}", s, 1, (0.0,)) for k, s in enumerate(shapes)], 0.0)
    return v, variant_poles(v.geo)


@settings(max_examples=200, deadline=None)
@given(star, st.one_of(star, st.just(None)), st.floats(-70, 70), st.floats(-70, 70))
def test_the_fail_fast_gives_the_full_tests_answer(a, b, dx, dy):
    """On random (non-convex, or holed) parts at random offsets: when the poles say "collide" the
    full test agrees, and the combined test answers exactly as the full test."""
    v, poles = variants_of(star_polygon(a), FRAME if b is None else star_polygon(b))
    (ax, ay), (bx, by) = v.offset
    full = K.pair_collides(v.geo, 0, ax, ay, 1, bx + dx, by + dy, K.EPS)
    if poles_collide(v.geo, poles, 0, ax, ay, 1, bx + dx, by + dy, K.EPS):
        assert full
    assert pair_collides_ff(v.geo, poles, 0, ax, ay, 1, bx + dx, by + dy, K.EPS) == full


@settings(max_examples=50, deadline=None)
@given(star)
def test_a_pole_lies_inside_its_convex_pieces(radii):
    v, poles = variants_of(star_polygon(radii), FRAME)
    for k in range(2):
        cx, cy, r = poles[k]
        pieces = unary_union([Polygon(v.verts[v.pstart[p]:v.pend[p]]) for p in range(v.start[k], v.end[k])])
        assert r > 0 and Point(cx, cy).buffer(r, 64).difference(pieces).area < 1e-9 * pieces.area


def test_the_fail_fast_fires_on_deep_overlaps_only():
    v, poles = variants_of(box(0, 0, 100, 50), box(0, 0, 100, 50))
    assert 25 <= poles[0, 0] <= 75 and np.allclose(poles[0, 1:], (25, 25), atol=0.1)  # any centre on the midline
    assert poles_collide(v.geo, poles, 0, 0, 0, 1, 10, 5, K.EPS)       # nearly on top of each other
    assert not poles_collide(v.geo, poles, 0, 0, 0, 1, 60, 0, K.EPS)   # overlapping, but not the poles
    assert K.pair_collides(v.geo, 0, 0, 0, 1, 60, 0, K.EPS)            # (the full test decides that one)
    assert not poles_collide(v.geo, poles, 0, 0, 0, 1, 100, 0, K.EPS)  # touching
