"""Profiles drawn elsewhere: SVG (transforms, arcs, groups, units) and DXF (polylines, bulges, splines)."""

from __future__ import annotations

import json
import math
from pathlib import Path

import ezdxf
import pytest
from click.testing import CliRunner

from parametric.app.cli import main
from parametric.errors import GeometryError
from parametric.profile_import import import_profile

ROOT = Path(__file__).resolve().parents[2]


def svg(tmp_path, body, width="200mm", height="200mm", viewbox="0 0 200 200", name="p.svg"):
    path = tmp_path / name
    path.write_text(f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
                    f'viewBox="{viewbox}">{body}</svg>')
    return path


def test_square_in_inches_comes_back_as_100_mm(tmp_path):
    side = 100 / 25.4
    path = svg(tmp_path, f'<rect x="1" y="1" width="{side}" height="{side}"/>', "10in", "10in", "0 0 10 10")
    poly = import_profile(path)
    minx, miny, maxx, maxy = poly.bounds
    assert maxx - minx == pytest.approx(100, abs=0.01) and maxy - miny == pytest.approx(100, abs=0.01)


def test_group_transforms_and_arcs(tmp_path):
    body = ('<g transform="translate(50,50) scale(2)"><g transform="rotate(90)">'
            '<path d="M -10,-10 L 10,-10 A 10 10 0 0 1 10,10 L -10,10 Z"/></g></g>')
    poly = import_profile(svg(tmp_path, body))
    # a 20 x 20 square plus a half disc of radius 10, all scaled by 2
    assert poly.area == pytest.approx(4 * (400 + math.pi * 100 / 2), rel=2e-3)
    assert poly.exterior.is_ccw


def test_hole_and_largest_shape(tmp_path):
    body = ('<path d="M 0,0 H 100 V 100 H 0 Z"/><path d="M 20,20 H 40 V 40 H 20 Z"/>'
            '<circle cx="150" cy="150" r="5"/>')
    poly = import_profile(svg(tmp_path, body))
    assert len(poly.interiors) == 1 and poly.area == pytest.approx(100 * 100 - 20 * 20, rel=1e-5)


@pytest.mark.parametrize("body, words", [
    ('<path d="M 0,0 L 100,0 L 100,100"/>', "open path"),
    ("", "no closed shape"),
    ('<path d="M 0,0 L 100,100 L 100,0 L 0,100 Z"/>', "crosses itself"),
])
def test_broken_svgs(tmp_path, body, words):
    with pytest.raises(GeometryError, match=words):
        import_profile(svg(tmp_path, body))


def test_malformed_and_hostile_xml(tmp_path):
    bad = tmp_path / "bad.svg"
    bad.write_text("<svg><path d='M 0 0 L")
    with pytest.raises(GeometryError, match="not a readable SVG"):
        import_profile(bad)
    bomb = tmp_path / "bomb.svg"
    bomb.write_text('<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
                    '<svg xmlns="http://www.w3.org/2000/svg"><text>&b;</text></svg>')
    with pytest.raises(GeometryError, match="entities"):
        import_profile(bomb)
    with pytest.raises(GeometryError, match="does not exist"):
        import_profile(tmp_path / "missing.svg")


def test_dxf_polyline_with_bulges_and_spline(tmp_path):
    doc = ezdxf.new("R2010", units=1)  # inches
    # a 4 x 2 in rectangle whose top edge is a half-circle bulge (bulge 1 = 180 degrees)
    doc.modelspace().add_lwpolyline([(0, 0, 0), (4, 0, 0), (4, 2, 1), (0, 2, 0)], format="xyb", close=True)
    doc.saveas(tmp_path / "bulge.dxf")
    poly = import_profile(tmp_path / "bulge.dxf")
    assert poly.area == pytest.approx((8 + math.pi * 4 / 2) * 25.4 ** 2, rel=1e-3)
    doc = ezdxf.new("R2010", units=4)
    fit = [(0, 0), (100, -20), (200, 0), (200, 100), (100, 140), (0, 100), (0, 0)]
    doc.modelspace().add_spline(fit_points=[(x, y, 0) for x, y in fit]).closed = True
    doc.saveas(tmp_path / "spline.dxf")
    assert import_profile(tmp_path / "spline.dxf").area > 15000


def test_dxf_without_units_needs_one(tmp_path):
    doc = ezdxf.new("R2010")
    doc.header["$INSUNITS"] = 0
    doc.modelspace().add_lwpolyline([(0, 0), (10, 0), (10, 10), (0, 10)], close=True)
    doc.saveas(tmp_path / "nounits.dxf")
    with pytest.raises(GeometryError, match="units"):
        import_profile(tmp_path / "nounits.dxf")
    assert import_profile(tmp_path / "nounits.dxf", unit="cm").area == pytest.approx(10000)
    (tmp_path / "junk.dxf").write_text("not a dxf")
    with pytest.raises(GeometryError, match="not a readable DXF"):
        import_profile(tmp_path / "junk.dxf")


@pytest.mark.parametrize("drawing", ["lounge_side.svg", "lounge_side.dxf"])
def test_drawn_chair_builds_and_its_params_rebuild_it(tmp_path, drawing):
    out = tmp_path / "drawn"
    src = ROOT / "samples" / "profiles" / drawing
    result = CliRunner().invoke(main, ["build", "slice_chair", "--set", f"side_outline=@{src}", "--out", str(out),
                                       "--no-solids"])
    assert result.exit_code == 0, result.output
    first = json.loads((out / "design.json").read_text())
    assert first["params"]["side_outline"] and first["slot_count"] > 0
    again = tmp_path / "again"
    result = CliRunner().invoke(main, ["build", "slice_chair", "--params", str(out / "params.json"), "--out",
                                       str(again), "--no-solids"])
    assert result.exit_code == 0, result.output
    assert json.loads((again / "design.json").read_text())["hash"] == first["hash"]


def test_bad_drawing_on_the_cli(tmp_path):
    path = svg(tmp_path, '<path d="M 0,0 L 100,0 L 100,100"/>')
    result = CliRunner().invoke(main, ["build", "slice_chair", "--set", f"side_outline=@{path}", "--out",
                                       str(tmp_path / "o")])
    assert result.exit_code == 2 and "side_outline" in result.output and "open path" in result.output
    tiny = svg(tmp_path, '<rect x="0" y="0" width="10" height="10"/>', name="tiny.svg")
    result = CliRunner().invoke(main, ["build", "slice_chair", "--set", f"side_outline=@{tiny}", "--out",
                                       str(tmp_path / "o")])
    assert result.exit_code == 2 and "250 to 1600 mm" in result.output
    assert not (tmp_path / "o").exists()
