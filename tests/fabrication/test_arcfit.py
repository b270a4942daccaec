"""Sampled curves written as true arcs (issue 13): measured against the polylines they replace."""

from __future__ import annotations

import ezdxf
import numpy as np
import pytest
import shapely
from shapely.geometry import LinearRing, Point, Polygon, box
from shapely.geometry.polygon import orient

from fabrication.export import dxf
from fabrication.export.arcfit import ARC_TOL, fit_arcs
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


def _deviation(original: list, fitted: list) -> float:
    """Largest distance between two closed bulged paths, both ways (arcs flattened at 0.1 degree)."""
    a = LinearRing([v[:2] for v in flatten(original, max_angle=0.1)])
    b = LinearRing([v[:2] for v in flatten(fitted, max_angle=0.1)])
    return max(_one_way(a, b), _one_way(b, a))


def _length(path: list) -> float:
    return LinearRing([v[:2] for v in flatten(path, max_angle=0.05)]).length


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
            assert _deviation(original, fitted) <= ARC_TOL + 1e-6, part.name
            before, after = before + len(original), after + len(fitted)
            arcs += sum(1 for *_, b in fitted if b) - sum(1 for *_, b in original if b)
            length_before, length_after = length_before + _length(original), length_after + _length(fitted)
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
