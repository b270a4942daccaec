"""Toolpath preparation measured geometrically: reliefs a round bit can sweep, kerf offsets, labels."""

from __future__ import annotations

import math

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from shapely.geometry import MultiPoint, Polygon, box

from fabrication.labels import Label, label_box, place_label
from fabrication.lettering import strokes, text_size
from fabrication.machines import get_machine
from fabrication.toolpath import inside_corners, kerf_compensate, prepare, relieve


def _swept(void, r):
    """Where a round tool of radius r can reach inside ``void`` (morphological opening)."""
    return void.buffer(-r * 0.9999, quad_segs=64).buffer(r * 0.9999, quad_segs=64)


@pytest.mark.parametrize("style", ["dogbone", "tbone", "auto"])
@pytest.mark.parametrize("diameter", [3.175, 6.0, 6.35])
def test_every_inside_corner_lets_the_bit_clear_the_full_slot(chair, diameter, style):
    """The region a round bit sweeps in the relieved slot covers the sharp-cornered slot as drawn."""
    r = diameter / 2
    for part in chair.parts:
        corners = inside_corners(part.outline)
        assert len(corners) >= 2, part.name  # every part has a slot (two inside corners each)
        relieved, circles = relieve(part.outline, diameter, style)
        assert len(circles) == len(corners)
        for corner in corners:
            x, y = corner.vertex
            window = box(x - 4 * r - 5, y - 4 * r - 5, x + 4 * r + 5, y + 4 * r + 5)
            sharp = window.difference(part.outline)
            missed = sharp.difference(_swept(window.difference(relieved), r)).intersection(window.buffer(-2 * r))
            assert missed.area < 1e-3, (part.name, style, diameter, corner.vertex, missed.area)
            unrelieved = sharp.difference(_swept(sharp, r)).intersection(window.buffer(-2 * r))
            assert unrelieved.area > 0.1 * r * r  # without reliefs the bit leaves the corner


def test_tbone_cuts_into_one_wall_only():
    """A T-bone's circle sits on the slot's long wall: it widens the slot sideways, not deeper."""
    part = box(0, 0, 100, 50).difference(box(40, 20, 58, 50))  # a slot 18 wide, 30 deep, from the top
    relieved, circles = relieve(part, 6.0, "tbone")
    assert len(circles) == 2
    removed = part.difference(relieved)
    minx, miny, maxx, _ = removed.bounds
    assert miny >= 20 - 0.051 - 1e-9  # not below the slot bottom (only the clearance)
    assert minx < 40 - 2.9 and maxx > 58 + 2.9  # half circles into both long walls
    dog, _ = relieve(part, 6.0, "dogbone")
    assert part.difference(dog).bounds[1] < 20 - 0.8  # a dogbone cuts 0.29 r into both walls


def test_laser_kerf_moves_outlines_out_and_holes_in():
    part = Polygon(box(0, 0, 100, 60).exterior, [box(20, 20, 40, 40).exterior])
    k = 0.2
    comp = kerf_compensate(part, k)
    assert comp.area == pytest.approx((100 + k) * (60 + k) - (20 - k) ** 2, abs=1e-6)
    assert comp.bounds == pytest.approx((-k / 2, -k / 2, 100 + k / 2, 60 + k / 2))


def test_router_parts_keep_finished_geometry_apart_from_reliefs(chair):
    part = chair.parts[0]
    cut = prepare(part, get_machine("cnc-router-6mm"))
    assert cut.outline.within(part.outline.buffer(1e-6)) and cut.reliefs == len(cut.arcs) > 0
    assert part.outline.area - cut.outline.area < cut.reliefs * math.pi * 3.05 ** 2


def test_labels_fit_shrink_turn_or_are_omitted():
    big = place_label(box(0, 0, 300, 200), "R1")
    assert big.height == 20.0 and big.angle == 0.0
    tall = place_label(box(0, 0, 30, 300), "SH12")  # narrow and tall: the label turns
    assert tall.angle == 90.0 and tall.height > 8
    small = place_label(box(0, 0, 40, 12), "S14")  # shrunk to fit
    assert small is not None and small.height < 10
    assert label_box(small).buffer(1.0).within(box(0, 0, 40, 12))
    assert place_label(box(0, 0, 6, 6), "S14") is None  # no room: omitted (the BOM notes it)
    ring = box(0, 0, 100, 100).difference(box(5, 5, 95, 95))  # a thin frame: the middle is a hole
    label = place_label(Polygon(ring.exterior, [ring.interiors[0]]), "F1")
    assert label is None or label_box(label).within(ring)


def test_stroke_lettering_stays_in_its_box():
    label = Label("SH12-B", 10.0, 20.0, 6.0, 90.0)
    lines = strokes(*label)
    assert len(lines) > 6 and all(len(line) >= 2 for line in lines)
    assert label_box(label).buffer(1e-9).covers(MultiPoint([p for line in lines for p in line]))
    assert text_size(label.text, label.height) == pytest.approx((6 * 5.6 - 1.6, 6.0))  # 4 wide + 1.6 gap per 6


@pytest.mark.parametrize("style", ["dogbone", "tbone"])
def test_walls_meet_the_relief_arcs_on_the_true_circles(style):
    """The relief polygons are coarse (RELIEF_QUAD_SEGS); where a wall or a second relief meets one, the
    vertex is snapped onto the true circle, so the exporters' arcs begin exactly where the walls end."""
    import numpy as np

    # a slot 6.4 wide (two reliefs of a 6 mm bit overlap at its bottom) and one 18 wide
    part = box(0, 0, 100, 50).difference(box(20, 20, 26.4, 50)).difference(box(60, 20, 78, 50))
    relieved, circles = relieve(part, 6.0, style)
    cs = np.asarray(circles)
    pts = np.asarray(relieved.exterior.coords)[:-1]
    dev = np.abs(np.hypot(pts[:, None, 0] - cs[None, :, 0], pts[:, None, 1] - cs[None, :, 1]) - cs[None, :, 2])
    near = dev.min(axis=1) < 0.01  # on or beside a relief
    assert near.sum() > 4 * 8
    assert dev.min(axis=1)[near].max() < 1e-9


def _largest_fitting(outline, text, x, y, angle, lo=3.0, hi=20.0):
    """Reference: the largest cap height whose label box, grown by its margin, lies inside ``outline``
    at ``(x, y)`` and ``angle``, by bisection with shapely (to 1e-4 mm); None when ``lo`` does not fit."""
    from fabrication.labels import label_margin

    def fits(h):
        return outline.contains(label_box(Label(text, x, y, h, angle), grow=float(label_margin(h))))

    if not fits(lo):
        return None
    if fits(hi):
        return hi
    while hi - lo > 1e-4:
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if fits(mid) else (lo, mid)
    return lo


#: a notch's share of the part: none, or a real one (hypothesis would also draw subnormal shares such as
#: 5e-324, and GEOS's topology-preserving simplify never returns on a vertex 1e-322 mm off an edge;
#: a drawn profile's coordinates are rounded to 0.001 mm before they become a part)
NOTCH = st.one_of(st.just(0.0), st.floats(1e-3, 0.9))


@settings(max_examples=40, deadline=None)
@given(st.floats(20, 400), st.floats(8, 120), NOTCH, NOTCH, st.integers(1, 6))
@example(20.0, 20.421875, 0.0, 0.0, 4)  # 0.0415 mm below the best: a whole search step plus the rounding
def test_the_label_is_the_largest_that_fits_at_its_spots(width, height, notch_w, notch_h, length):
    """The label searched on height grids (every spot and angle in one containment test per step) is the
    largest a bisection with shapely finds over the same spots and angles, to the search's step (17 mm over
    23 x 23 steps: 0.032 mm) plus the rounding down to 0.01 mm, and its grown box lies inside the outline;
    None only when nothing fits."""
    from fabrication.labels import LABEL_STEPS, MIN_LABEL_HEIGHT, _label_spots, label_margin

    outline = box(0, 0, width, height).difference(box(0, 0, notch_w * width, notch_h * height))  # an L
    text = "R" * length
    label = place_label(outline, text)
    spots = _label_spots(outline.wkb)
    best = [h for angle in (0.0, 90.0) for pt in spots
            if (h := _largest_fitting(outline, text, pt.x, pt.y, angle)) is not None]
    if label is None:
        assert not best
        return
    assert outline.contains(label_box(label, grow=float(label_margin(label.height))))
    step = (20.0 - MIN_LABEL_HEIGHT) / (LABEL_STEPS - 1) ** 2  # place_label's default heights, 3 to 20 mm
    assert max(best) - step - 0.01 - 1e-4 <= label.height <= max(best) + 1e-4  # 1e-4: the bisection's own


def _dense_chord_vertices(pts, cs, sag, tol):
    """The all-pairs form _chord_vertices replaced: every vertex against every circle."""
    import numpy as np

    dev = np.hypot(pts[:, None, 0] - cs[None, :, 0], pts[:, None, 1] - cs[None, :, 1]) - cs[None, :, 2]
    off = (dev >= -sag - tol) & (dev < -tol[None, :])
    return [(int(i), np.flatnonzero(off[i] | (np.abs(dev[i]) <= tol)).tolist())
            for i in np.flatnonzero(off.any(axis=1))]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.floats(-20, 20), st.floats(-20, 20), st.floats(0.5, 8)), min_size=1, max_size=6),
       st.lists(st.tuples(st.integers(0, 5), st.floats(0, 2 * math.pi), st.floats(-0.02, 0.005)), min_size=1,
                max_size=40),
       st.lists(st.tuples(st.floats(-30, 30), st.floats(-30, 30)), max_size=20))
def test_chord_vertices_finds_what_every_pair_finds(circles, on, loose):
    """Vertices on, just inside (a chord's sag) and off relief circles, some near two: the bounded pair
    search reports the vertices and circles the all-pairs comparison does, in the same order."""
    import numpy as np

    from fabrication.toolpath import _chord_vertices

    cs = np.array(circles)
    pts = [(cs[k % len(cs), 0] + (cs[k % len(cs), 2] + d) * math.cos(a),
            cs[k % len(cs), 1] + (cs[k % len(cs), 2] + d) * math.sin(a)) for k, a, d in on]
    pts = np.array(pts + loose)
    sag = cs[:, 2] * 0.005
    tol = 1e-9 * np.maximum(1.0, cs[:, 2])
    got = _chord_vertices(pts, cs, sag, tol)
    assert got == _dense_chord_vertices(pts, cs, sag, tol)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.floats(0.5, 50), st.floats(0, 30), st.booleans()), min_size=1, max_size=8))
def test_label_heights_are_linspace_to_the_bit(rows):
    """The label search's heights between two bounds are np.linspace's, bit for bit, also when the bounds
    are equal (the search keeps a label that fits at every height)."""
    import numpy as np

    from fabrication.labels import LABEL_STEPS, _heights

    for lo, d, same in rows:
        hi = lo + (0.0 if same else d)
        expected = np.linspace(lo, hi, LABEL_STEPS)
        assert np.array(_heights(lo, hi)).view(np.int64).tolist() == expected.view(np.int64).tolist()


@pytest.mark.parametrize("slot_w", [4.0, 30.0])
def test_reliefs_cut_as_their_union_whether_or_not_they_meet(slot_w, monkeypatch):
    """A slot 4 mm wide on a 6 mm bit: the dogbones of its two bottom corners overlap (GEOS unites them);
    30 mm wide: they lie apart (cut as one MultiPolygon, without the union). Either way the finished
    outline is the one GEOS's union of the discs gives, to the bit."""
    import shapely

    import fabrication.toolpath as tp

    outline = box(0, 0, 200, 100).difference(box(50, 40, 50 + slot_w, 100))
    tp._relieve.cache_clear()
    cut, circles = relieve(outline, 6.0, "dogbone")
    assert len(circles) == 2 and cut.is_valid and cut.geom_type == "Polygon"
    (x0, y0, r0), (x1, y1, r1) = circles
    assert (math.hypot(x1 - x0, y1 - y0) < r0 + r1) == (slot_w == 4.0)
    assert outline.difference(cut).area > 2.0  # both reliefs cut material
    tp._relieve.cache_clear()
    monkeypatch.setattr(tp, "_disjoint_union", lambda discs, xyr: shapely.union_all(discs))
    united, _ = relieve(outline, 6.0, "dogbone")
    tp._relieve.cache_clear()
    assert cut.equals_exact(united, 0.0)


@pytest.mark.parametrize("machine", ["cnc-router-6mm", "co2-laser-60w"])
def test_the_nesting_envelope_contains_the_cut_and_a_nest_of_envelopes_places_the_cut_parts(machine):
    """A relieved router part is nested as drawn (reliefs only take material away), anything else as cut;
    the sheets of such a nest carry the prepared outlines, a spacing apart."""
    from fabrication.export.bundle import cut_outlines, layout_parts, nest_envelopes
    from parametric import available_models, build_design

    mach = get_machine(machine)
    for model in available_models():
        design = build_design(model)
        if design.params["thickness"] > mach.max_thickness:
            continue
        cuts = {p.name: prepare(p, mach) for p in design.parts}
        for name, cut in cuts.items():
            assert cut.envelope.buffer(1e-6).contains(cut.outline), (model, name)
            assert (cut.envelope is cut.part.outline) == (mach.is_router and cut.reliefs > 0), (model, name)
    design = build_design("slice_chair")
    cuts = {p.name: prepare(p, mach) for p in design.parts}
    sheets = layout_parts(cut_outlines(cuts), (2440, 1220), mach.spacing, mach.margin, max_rounds=2,
                          envelopes=nest_envelopes(cuts))
    placed = [pp for s in sheets for pp in s.placed]
    assert sorted(pp.part.name for pp in placed) == sorted(n for n, c in cuts.items() for _ in range(c.part.quantity))
    for pp in placed:
        assert pp.part.outline.equals_exact(cuts[pp.part.name].outline, 0)  # the cut, not its envelope
    for s in sheets:
        for i, a in enumerate(s.placed):
            for b in s.placed[i + 1:]:
                assert a.outline.distance(b.outline) >= mach.spacing - 1e-6
