"""Holding tabs (issue 13.4): positions on straight stretches of each part's closed outside cut."""

from __future__ import annotations

import ezdxf
import numpy as np
import pytest
from shapely.geometry import LineString, Polygon

from fabrication.export import bundle as bundle_mod
from fabrication.export.tabs import TAB_LENGTH_MM, tab_stretches
from fabrication.machines import get_machine
from parametric.errors import FabricationError
from parametric.materials import get_material


def _ring(coords):
    return [(float(x), float(y), 0.0) for x, y in coords]


def test_tabs_sit_centred_on_long_straight_edges():
    long_bar = _ring([(0, 0), (1000, 0), (1000, 300), (0, 300)])
    stretches = tab_stretches(long_bar)
    assert len(stretches) == 4  # 7 wanted for 2.6 m of contour, but only 4 edges are free
    for (x0, y0), (x1, y1) in stretches:
        assert np.hypot(x1 - x0, y1 - y0) == pytest.approx(TAB_LENGTH_MM)
        mid = ((x0 + x1) / 2, (y0 + y1) / 2)
        assert mid in [(500, 0), (1000, 150), (500, 300), (0, 150)]
    small = tab_stretches(_ring([(0, 0), (100, 0), (100, 50), (0, 50)]))
    assert len(small) == 2 and small[0] != small[1]


def test_no_tab_on_arcs_or_short_edges():
    arcs_only = [(0.0, 0.0, 1.0), (100.0, 0.0, 1.0)]  # two half circles
    assert tab_stretches(arcs_only) == []
    angles = np.linspace(0, 2 * np.pi, 64, endpoint=False)
    disc = _ring(zip(50 * np.cos(angles), 50 * np.sin(angles)))  # a curve: edges ~4.9 mm, under twice a tab
    assert tab_stretches(disc) == []


@pytest.fixture(scope="module")
def tabbed(chair, tmp_path_factory):
    fab = bundle_mod.fabricate(chair, get_machine("cnc-router-6mm"), get_material("birch-ply"), checks=False,
                               layout="rows", holding_tabs=True)
    out = tmp_path_factory.mktemp("tabs")
    bundle_mod.write_cut_files(fab, out)
    return fab, ezdxf.readfile(out / "sheet-01.dxf")


def test_every_router_part_keeps_two_tabs_on_its_outside_cut(tabbed):
    fab, doc = tabbed
    msp = doc.modelspace()
    outside = {e.get_xdata("D4D")[0].value: e for e in msp.query("LWPOLYLINE") if e.dxf.layer.startswith("CUT_OUTSIDE")}
    tabs = list(msp.query("LWPOLYLINE[layer=='HOLDING_TABS']"))
    per_part: dict[str, int] = {}
    for tab in tabs:
        name = tab.get_xdata("D4D")[0].value
        per_part[name] = per_part.get(name, 0) + 1
        (x0, y0), (x1, y1) = [(p[0], p[1]) for p in tab.get_points("xy")]
        assert not tab.closed and np.hypot(x1 - x0, y1 - y0) == pytest.approx(TAB_LENGTH_MM)
        contour = outside[name]
        assert contour.closed  # the cut itself stays whole: tabs are CAM's job
        ring = Polygon([(p[0], p[1]) for p in contour.get_points("xy")]).exterior
        stretch = LineString([(x0, y0), (x1, y1)])
        assert all(ring.distance(stretch.interpolate(t, normalized=True)) < 1e-6 for t in np.linspace(0, 1, 5))
    sheet_parts = {p.part.name for p in fab.sheets[0].placed}
    assert set(per_part) == sheet_parts and min(per_part.values()) >= 2


def test_tabs_are_off_by_default_and_refused_for_a_laser(laser_chair, tmp_path):
    fab = bundle_mod.fabricate(laser_chair, get_machine("co2-laser-60w"), get_material("birch-ply"), checks=False,
                               layout="rows")
    bundle_mod.write_cut_files(fab, tmp_path)
    assert len(ezdxf.readfile(tmp_path / "sheet-01.dxf").modelspace().query("*[layer=='HOLDING_TABS']")) == 0
    with pytest.raises(FabricationError, match="holding tabs are for routers"):
        bundle_mod.fabricate(laser_chair, get_machine("co2-laser-60w"), get_material("birch-ply"), checks=False,
                             layout="rows", holding_tabs=True)


def test_holding_tabs_flag_reaches_the_pipeline(tmp_path):
    from click.testing import CliRunner

    from d4d_cad.cli import main

    result = CliRunner().invoke(main, ["export", "slice_chair", "--preset", "kids", "--set", "thickness=6.4",
                                       "--machine", "co2-laser-60w", "--holding-tabs", "--out", str(tmp_path)])
    assert result.exit_code == 2 and "holding tabs are for routers" in result.output
    assert list(tmp_path.iterdir()) == []
