"""The label search with solved heights (fabrication.labels, fabrication._label_kernel) against shapely's
containment tests: the largest height at a spot, and the label the search by containment tests finds."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from shapely.geometry import Point, box

from fabrication import labels
from fabrication.labels import LABEL_STEPS, _fitting, _label_spots, _top_heights, place_label
from fabrication.lettering import text_size


def _search_by_containment(outline, text, max_height=20.0, min_height=3.0):
    """The label search as it was: every height of two grids of :data:`LABEL_STEPS` tested with
    shapely's ``contains`` (all spots and angles at once), the best spot kept; ``(x, y, height, angle)``."""
    width = text_size("x" * len(text), 1.0)[0]
    tries = [(pt, angle) for angle in (0.0, 90.0) for pt in _label_spots(outline.wkb)]
    x, y = (np.array([[getattr(pt, c)] for pt, _ in tries]) for c in "xy")
    turned = np.array([[angle != 0.0] for _, angle in tries])
    fits = _fitting(outline, width, x, y, np.full((len(tries), 1), min_height), turned)[:, 0]
    tries = [t for t, f in zip(tries, fits) if f]
    x, y, turned = x[fits], y[fits], turned[fits]
    lo, hi = np.full(len(tries), min_height), np.full(len(tries), max_height)
    rows = np.arange(len(tries))
    for _ in range(2):
        steps = np.array([np.linspace(a, b, LABEL_STEPS) for a, b in zip(lo, hi)]).reshape(len(tries), LABEL_STEPS)
        k = np.argmin(_fitting(outline, width, x, y, steps, turned), axis=1) - 1
        last = k < 0
        lo = np.where(last, steps[:, -1], steps[rows, np.maximum(k, 0)])
        hi = np.where(last, steps[:, -1], steps[rows, np.maximum(k, 0) + 1])
    best = None
    for (pt, angle), low in zip(tries, lo.tolist()):
        if best is None or low > best[2] + 1e-6:
            best = (float(pt.x), float(pt.y), math.floor(low * 100) / 100, angle)
    return best


#: an outline: a plate with a notch cut from a corner and a round hole (either may be absent)
OUTLINES = st.tuples(st.floats(10, 400), st.floats(6, 150), st.floats(0, 0.8), st.floats(0, 0.8),
                     st.floats(0, 0.45), st.floats(0.05, 0.95), st.floats(0.05, 0.95))


def _outline(shape):
    width, height, notch_w, notch_h, hole, hx, hy = shape
    outline = box(0, 0, width, height)
    if notch_w > 0.01 and notch_h > 0.01:
        outline = outline.difference(box(0, 0, notch_w * width, notch_h * height))
    if hole > 0.01:
        outline = outline.difference(Point(hx * width, hy * height).buffer(hole * min(width, height)))
    return outline


@settings(max_examples=80, deadline=None)
@given(OUTLINES, st.floats(0, 1), st.floats(0, 1), st.integers(1, 8), st.booleans())
def test_the_solved_height_is_where_the_box_stops_fitting(shape, fx, fy, length, turned):
    """At any spot inside the part (both margin laws: heights below and above 5 mm), the label box fits
    up to the solved height and not beyond it (shapely's contains, 1e-6 mm either side); a spot outside
    the part gets -inf."""
    outline = _outline(shape)
    if outline.is_empty or outline.geom_type != "Polygon":
        return
    x0, y0, x1, y1 = outline.bounds
    x, y = np.array([x0 + fx * (x1 - x0)]), np.array([y0 + fy * (y1 - y0)])
    width = text_size("x" * length, 1.0)[0]
    (top,) = _top_heights(outline, width, x, y, np.array([turned]), 1e9)
    if not outline.contains(Point(x[0], y[0])):
        assert outline.boundary.distance(Point(x[0], y[0])) < 1e-9 or top == -math.inf
        return
    assert top < 1e9

    def fits(h):
        return bool(_fitting(outline, width, x[0], y[0], np.array(h), turned))

    if top > 1e-6:
        assert fits(top - 1e-6)
    assert not fits(top + 1e-6)


@settings(max_examples=60, deadline=None)
@given(OUTLINES, st.integers(1, 6))
def test_the_label_is_the_one_the_containment_search_finds(shape, length):
    """place_label (heights read off the solved one) gives the label of the search that tested every
    height with shapely, to the bit: same spot, height and angle, or none."""
    outline = _outline(shape)
    if outline.is_empty:
        return
    text = "R" * length
    label = place_label(outline, text)
    expected = _search_by_containment(outline, text)
    assert (None if label is None else tuple(label)[1:5]) == expected


@pytest.mark.parametrize("machine", ["cnc-router-6mm", "co2-laser-60w"])
def test_a_chairs_labels_are_those_of_the_containment_search(machine):
    """Every part of a slice chair prepared for a machine (relief arcs, curved profiles): the same labels
    as the search by containment tests."""
    from fabrication.machines import get_machine
    from fabrication.toolpath import prepare
    from parametric import build_design

    for part in build_design("slice_chair").parts:
        cut = prepare(part, get_machine(machine))
        got = None if cut.label is None else tuple(cut.label)[1:5]
        assert got == _search_by_containment(cut.outline, part.label), part.name


def test_a_height_at_the_solved_one_is_left_to_shapely(monkeypatch):
    """A plate exactly as large as the smallest label and its margin: the solved height equals the
    smallest, so shapely decides (the box touches the cut: it fits)."""
    width = text_size("R1", 3.0)[0]
    plate = box(0, 0, width + 2.0, 3.0 + 2.0)  # 1 mm margin each side below 5 mm
    asked = []
    fitting = labels._fitting
    monkeypatch.setattr(labels, "_fitting", lambda *a: asked.append(a) or fitting(*a))
    label = place_label(plate, "R1")
    assert asked and label is not None and label.height == 3.0
    assert tuple(label)[1:5] == _search_by_containment(plate, "R1")


def test_the_spot_is_searched_on_a_simplified_outline_that_keeps_its_holes():
    """Douglas-Peucker drops a hole smaller than its tolerance: the topology-preserving simplify is used
    instead (the pole must not land in the hole); otherwise Douglas-Peucker's valid polygon is."""
    import shapely
    from shapely.geometry import Polygon

    from fabrication.labels import _simplified

    plate = box(0, 0, 100, 60)
    pinhole = plate.difference(Polygon([(50, 30), (50.3, 30), (50.15, 30.2)]))
    assert shapely.get_num_interior_rings(shapely.simplify(pinhole, 0.5, preserve_topology=False)) == 0
    assert _simplified(pinhole, 0.5).equals_exact(shapely.simplify(pinhole, 0.5), 0)
    rounded = plate.buffer(-10).buffer(10)
    assert _simplified(rounded, 0.5).equals_exact(shapely.simplify(rounded, 0.5, preserve_topology=False), 0)
