"""The shape the packer moves for a part: it always contains the part grown by half the spacing, closes
what no other part can enter, and keeps what one can."""

from __future__ import annotations

import numpy as np
from hypothesis import example, given, settings
from hypothesis import strategies as st
from shapely import affinity
from shapely.geometry import Point, Polygon, box
from shapely.ops import unary_union

from fabrication.nesting import NestPart, Stock, nest, outline, validate
from fabrication.nesting.outline import (
    AREA_TOLERANCE,
    CONCAVE_TOL,
    _drop_concave,
    convex_pieces,
    inflation,
    nest_shape,
)
from fabrication.nesting.prepare import build_variants

SPACING = 10.0


def comb(gap: float, teeth: int = 5, tooth: float = 20.0, depth: float = 60.0) -> Polygon:
    """A bar with ``teeth`` teeth ``gap`` mm apart (the gaps are notches ``depth`` deep)."""
    pitch = tooth + gap
    body = box(0, 0, teeth * pitch - gap, 30)
    return unary_union([body] + [box(k * pitch, 30, k * pitch + tooth, 30 + depth) for k in range(teeth)])


def test_notches_narrower_than_the_spacing_are_closed():
    """A grown part is at least the spacing wide, so it cannot enter a notch narrower than that once
    the comb is grown by half of it: the comb nests as its bounding rectangle, one convex piece."""
    part = comb(gap=18.0)  # 8 mm left between the grown teeth
    shape = nest_shape(part, SPACING)
    assert shape.contains(part.buffer(SPACING / 2 - 1e-6))
    assert len(convex_pieces(shape)) == 1
    assert shape.area > part.buffer(SPACING / 2).convex_hull.area * 0.99


def test_notches_another_part_can_enter_are_kept():
    part = comb(gap=42.0)  # 32 mm between grown teeth: a 20 mm wide part, grown to 30, fits
    shape = nest_shape(part, SPACING)
    assert shape.contains(part.buffer(SPACING / 2 - 1e-6))
    finger = box(0, 0, 20, 40)  # fits a notch with 10 mm spacing to both teeth
    result = nest([NestPart("comb", part, 1, (0.0,)), NestPart("finger", finger, 4, (0.0,))],
                  [Stock(290, 140)], spacing=SPACING, margin=SPACING / 2, time_limit=60, max_rounds=60)
    assert validate.problems(result, spacing=SPACING, margin=SPACING / 2) == []
    # one sheet only with every finger in a notch: above the comb there is 140 - 5 - 90 - 10 - 5 = 30 mm
    # of the 40 a finger needs, and beside it 290 - 2 x 5 - 268 - 10 = 2 mm of 20
    assert len(result.sheets) == 1


def test_the_closing_stops_at_the_spacing():
    """Grown notches a little narrower than the spacing close, a little wider stay open (a part grown
    to just under their width could enter them)."""
    grow = inflation(SPACING)
    for left, closed in ((0.9 * SPACING, True), (1.1 * SPACING, False)):
        part = comb(gap=left + 2 * grow)
        shape = nest_shape(part, SPACING)
        assert (len(convex_pieces(shape)) == 1) is closed


def arc_band(radius: float, width: float = 40.0, sweep: float = 100.0, n: int = 80) -> Polygon:
    """A curved band (like a slice chair's rib): its hollow side is concave at every vertex."""
    a = np.radians(np.linspace(0, sweep, n))
    outer = np.c_[(radius + width) * np.cos(a), (radius + width) * np.sin(a)]
    inner = np.c_[radius * np.cos(a), radius * np.sin(a)][::-1]
    return Polygon(np.vstack([outer, inner]))


def test_a_curved_band_is_a_few_convex_pieces():
    band = arc_band(400.0)
    grown = band.buffer(inflation(SPACING), join_style="mitre", mitre_limit=4.0)  # half the spacing + 0.2
    shape = nest_shape(band, SPACING)
    assert shape.contains(band.buffer(SPACING / 2 - 1e-6))
    assert len(convex_pieces(shape)) * 4 < len(convex_pieces(grown))
    # what was added lies in the hollow: no point of the shape is farther than the tolerance (plus the
    # 0.2 mm simplification) from the band grown as the packer grows it
    assert shape.difference(grown.buffer(CONCAVE_TOL + 0.2 + 1e-6)).area < 1e-6


points = st.lists(st.tuples(st.floats(0, 200), st.floats(0, 200)), min_size=3, max_size=12)


def star(pts) -> Polygon:
    """The polygon through ``pts`` taken in order of angle round their centroid (may be invalid)."""
    c = np.mean(pts, axis=0)
    ang = np.arctan2(*(np.asarray(pts) - c).T[::-1])
    return Polygon(np.asarray(pts)[np.argsort(ang)])


def test_without_spacing_only_cheap_concave_vertices_go(monkeypatch):
    """Without spacing the part itself is nested, less the concave vertices that cost least area, up to
    ``AREA_TOLERANCE`` of it: the hollow side of a band loses the vertices of its flattest stretch."""
    band = arc_band(200.0)
    shape = nest_shape(band, 0.0)
    assert shape.contains(band) and shape.is_valid
    assert 0 < shape.area - band.area <= AREA_TOLERANCE * band.area
    assert len(convex_pieces(shape)) < len(convex_pieces(band))
    assert set(shape.exterior.coords) < set(band.exterior.coords)  # vertices dropped, none moved
    monkeypatch.setattr(outline, "AREA_TOLERANCE", 0.0)
    assert nest_shape(band, 0.0).equals(band)


def test_a_drop_that_would_cross_the_outline_waits():
    """A dent whose chord would cut through a tooth hanging into it stays, though it is cheap enough;
    a cheaper dent elsewhere goes. Dropping both would cross the outline (and the invalid result
    would leave the part as it was, with both dents)."""
    ring = [(0, 0), (65, 0), (70, 0.5), (75, 0), (100, 0), (100, 50), (60, 50), (50, 49), (40, 50), (5, 50),
            (5, 60), (48, 60), (48, 49.5), (52, 49.5), (52, 60), (55, 60), (55, 65), (0, 65)]
    part = Polygon(ring)
    assert part.is_valid
    # the budget covers the bottom dent (2.5 mm^2) and then the top one (10 mm^2), not the next (15.75)
    got = _drop_concave(part, 13.0 / part.area)
    assert got.equals(Polygon([p for p in ring if p != (70, 0.5)]))


@settings(max_examples=60, deadline=None)
@given(points, st.floats(0.0, 0.05))
def test_dropping_concave_vertices_only_grows_the_shape_within_its_budget(pts, share):
    """Whatever the polygon, the simplified shape is a valid polygon on a subset of its vertices that
    contains it and is at most ``share`` of its area larger."""
    poly = star(pts)
    if not poly.is_valid or poly.area < 10:
        return
    got = _drop_concave(poly, share)
    assert got.geom_type == "Polygon" and got.is_valid
    assert poly.difference(got).area <= 1e-9 * poly.area
    assert got.area - poly.area <= share * poly.area * (1 + 1e-9) + 1e-9
    assert set(got.exterior.coords) <= set(poly.exterior.coords)


@settings(max_examples=60, deadline=None)
@given(points, st.floats(0.5, 20))
# an edge 1e-134 mm long at a corner: GEOS's mitred buffer cut the corner short there
@example([(0.0, 20.0), (0.0, 3.0287753670560084e-151), (1.0, 0.0), (2.756460252009283e-134, 0.0)], 1.0)
# a 1.9 mm sliver: GEOS's simplify dropped the ring's first vertex too and moved the outline 0.228 mm
@example([(0.0, 121.33601256262165), (1.8984375, 0.0), (1e-06, 108.375)], 0.5000000000000001)
def test_the_shape_always_contains_the_grown_part(pts, spacing):
    """Whatever the polygon (a random star or hull of points), its nesting shape contains it grown by
    half the spacing, so any layout of nesting shapes is a legal layout of the parts."""
    poly = star(pts)
    if not poly.is_valid or poly.area < 10:
        return
    shape = nest_shape(poly, spacing)
    assert shape.geom_type == "Polygon" and shape.is_valid
    assert shape.difference(poly.buffer(spacing / 2, quad_segs=64)).area >= 0  # well-defined
    assert shape.contains(poly.buffer(spacing / 2 - 1e-6, quad_segs=64))


def test_turned_pieces_match_a_turned_shape():
    """Pieces are cut once and turned: each variant covers the part turned and grown, exactly."""
    band = arc_band(300.0, sweep=70)
    v = build_variants([NestPart("band", band, 1, (0.0, 90.0, 180.0, 270.0), mirror=True)], SPACING)
    shape = nest_shape(band, SPACING)
    mirrored = nest_shape(affinity.scale(band, -1.0, 1.0, origin=(0, 0)), SPACING)
    for k, (rot, mir, (ox, oy)) in enumerate(zip(v.rotation, v.mirrored, v.offset)):
        want = affinity.translate(affinity.rotate(mirrored if mir else shape, rot, origin=(0, 0)), -ox, -oy)
        pieces = [Polygon(v.verts[a:b]) for a, b in zip(v.pstart[v.start[k]:v.end[k]], v.pend[v.start[k]:v.end[k]])]
        got = unary_union(pieces)
        assert got.symmetric_difference(want).area < 1e-6 * want.area
        assert np.allclose(v.size[k], [want.bounds[2], want.bounds[3]], atol=1e-6)
        assert Point(0, 0).distance(Point(want.bounds[:2])) < 1e-6
