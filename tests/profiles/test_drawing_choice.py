"""Importer honesty: a drawing holds one shape (holes inside it kept) or the user says which one.

Separate shapes and open paths are refused with a list (sizes and places in the drawing's units);
``#id`` / ``#LAYER`` / ``?pick=largest`` choose; holes (CIRCLE, ELLIPSE, closed SPLINE, closed
polyline, LINE/ARC loops) go through ``Outline``, ``params.json``, the chair's ribs, the cut
files and ``d4d nest`` of loose parts. Every drawing here is made by the test.
"""

from __future__ import annotations

import json
import logging
import math

import ezdxf
import pytest
from click.testing import CliRunner
from profiles.drawn import chair_side

from parametric import get_model
from d4d_cad.cli import main
from parametric.errors import GeometryError, ParameterError
from parametric.params_shape import outline_polygon
from parametric.profile_import import import_profile, parse_ref, read_drawing

SVG_NS = 'xmlns="http://www.w3.org/2000/svg"'
#: a hole in the chair side's seat band, clear of the slats (centre y, z and radius, mm)
HOLE = (200.0, 345.0, 12.0)


def dxf(path, draw, units=4):
    """Write a DXF whose modelspace ``draw(msp)`` fills (``units=0``: no ``$INSUNITS``)."""
    doc = ezdxf.new("R2010", units=units)
    if not units:
        doc.header["$INSUNITS"] = 0
    draw(doc.modelspace())
    doc.saveas(path)
    return path


def side(msp, scale=1.0, layer="0", hole=None):
    """The test chair side as a closed polyline (and a hole drawn as ``hole(msp, scale)``)."""
    msp.add_lwpolyline([(y * scale, z * scale) for y, z in chair_side()], close=True, dxfattribs={"layer": layer})
    if hole:
        hole(msp, scale)


def two_arcs(msp, scale=1.0):
    """A round hole drawn as two half-circle ARCs meeting end to end."""
    y, z, r = HOLE
    msp.add_arc((y * scale, z * scale), r * scale, 0, 180)
    msp.add_arc((y * scale, z * scale), r * scale, 180, 360)


def circle(msp, scale=1.0):
    """A round hole drawn as a CIRCLE."""
    y, z, r = HOLE
    msp.add_circle((y * scale, z * scale), r * scale)


def build(tmp_path, value, out="out"):
    return CliRunner().invoke(main, ["build", "slice_chair", "--set", f"side_outline={value}", "--out",
                                     str(tmp_path / out), "--no-solids", "--layout", "rows"])


# -- refusals ----------------------------------------------------------------------------------------
def test_two_separate_shapes_are_refused_on_the_cli_with_a_list_and_the_ways_to_choose(tmp_path):
    path = dxf(tmp_path / "two_clusters.dxf", lambda msp: (
        side(msp, 1 / 25.4), msp.add_lwpolyline([(30, 0), (34, 0), (34, 2), (30, 2)], close=True)), units=0)
    result = build(tmp_path, f"@{path}:in")
    assert result.exit_code == 2, result.output
    assert "side_outline" in result.output and "2 separate shapes" in result.output
    assert "shape 2: LWPOLYLINE #2 on layer '0', 4 x 2 in at (30, 0)-(34, 2) in" in result.output
    assert "@two_clusters.dxf#" in result.output and "?pick=largest" in result.output
    assert not (tmp_path / "out").exists()
    result = build(tmp_path, f"@{path}:in?pick=largest")  # the explicit choice builds the chair
    assert result.exit_code == 0, result.output


def test_an_open_path_next_to_the_shape_is_refused(tmp_path):
    path = dxf(tmp_path / "open.dxf", lambda msp: (side(msp), msp.add_line((700, 0), (700, 300))))
    with pytest.raises(GeometryError, match=r"(?s)1 shape and 1 open path.*open path: LINE #2 on layer '0', "
                                            r"0 x 300 mm at \(700, 0\)-\(700, 300\) mm, its ends 300 mm apart.*"
                                            r"close it"):
        import_profile(path)
    assert import_profile(path, pick="largest").area == pytest.approx(outline_polygon(chair_side()).area, rel=1e-3)


def test_svg_shapes_are_listed_in_the_svg_units_with_y_down(tmp_path):
    path = tmp_path / "two.svg"
    path.write_text(f'<svg {SVG_NS} width="10in" height="10in" viewBox="0 0 10 10"><rect id="a" x="1" y="1" '
                    'width="5" height="3"/><rect x="7" y="6" width="2" height="2"/></svg>')
    with pytest.raises(GeometryError, match=r"(?s)shape 1: rect 'a', 5 x 3 in at \(1, 1\)-\(6, 4\) in.*"
                                            r"shape 2: rect #2, 2 x 2 in at \(7, 6\)-\(9, 8\) in.*@two.svg#seat"):
        import_profile(path)


# -- choosing ----------------------------------------------------------------------------------------
def test_a_layer_or_an_id_chooses_the_shape(tmp_path):
    path = dxf(tmp_path / "layers.dxf", lambda msp: (
        side(msp, 1 / 25.4, layer="SIDE"), msp.add_circle((40, 5), 2, dxfattribs={"layer": "notes"})), units=0)
    for ref in (f"@{path}:in#SIDE", f"@{path}#side:in"):  # both orders; layer names ignore case
        assert get_model("slice_chair").params({"side_outline": ref}).side_outline is not None
    with pytest.raises(ParameterError, match="nothing to read on layer 'BACK'; layers with shapes: notes, SIDE"):
        get_model("slice_chair").params({"side_outline": f"@{path}:in#BACK"})
    svg = tmp_path / "ids.svg"
    svg.write_text(f'<svg {SVG_NS} width="100mm" height="100mm" viewBox="0 0 100 100"><g id="part">'
                   '<rect x="0" y="0" width="60" height="60"/><circle cx="30" cy="30" r="10"/></g>'
                   '<rect id="other" x="70" y="0" width="20" height="20"/></svg>')
    poly = import_profile(f"{svg}#part")
    assert len(poly.interiors) == 1 and poly.area == pytest.approx(3600 - math.pi * 100, rel=1e-3)
    assert parse_ref("side.dxf:in#SIDE?pick=largest") == ("side.dxf", "in", "SIDE", "largest")


def test_a_file_without_units_says_which_unit_was_assumed(tmp_path, caplog):
    path = tmp_path / "px.svg"
    path.write_text(f'<svg {SVG_NS}><rect width="400" height="200"/></svg>')
    with caplog.at_level(logging.WARNING, logger="d4d.profile"):
        drawing = read_drawing(path)
    assert drawing.unit == "px" and drawing.unit_note.startswith("assumed px at 96 per inch")
    assert "px.svg declares no units; assumed px at 96 per inch (it has no width)" in caplog.text
    cls = get_model("slice_chair")  # 106 mm across: too small, and the message says which unit was used
    with pytest.raises(ParameterError, match=r"106 mm across \(400 px, the unit assumed px at 96 per inch"):
        cls.params({"side_outline": f"@{path}"})


# -- holes ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("hole", [two_arcs, circle], ids=["two-arcs", "circle"])
def test_a_round_hole_in_a_drawn_side_goes_through_params_ribs_and_cut_files(tmp_path, hole):
    path = dxf(tmp_path / "holed.dxf", lambda msp: side(msp, hole=hole))
    poly = import_profile(path)
    assert len(poly.interiors) == 1
    assert outline_polygon(chair_side()).area - poly.area == pytest.approx(math.pi * HOLE[2] ** 2, rel=1e-2)
    result = build(tmp_path, f"@{path}")
    assert result.exit_code == 0, result.output
    stored = json.loads((tmp_path / "out" / "params.json").read_text())["params"]["side_outline"]
    assert set(stored) == {"outline", "holes"} and len(stored["holes"]) == 1
    design = get_model("slice_chair").design(get_model("slice_chair").params({"side_outline": stored}))
    assert all(len(design.part(f"rib-{k}").outline.interiors) == 1 for k in (1, 2, 3))
    again = CliRunner().invoke(main, ["build", "slice_chair", "--params", str(tmp_path / "out" / "params.json"),
                                      "--out", str(tmp_path / "again"), "--no-solids", "--layout", "rows"])
    assert again.exit_code == 0, again.output
    first, second = (json.loads((tmp_path / d / "design.json").read_text())["hash"] for d in ("out", "again"))
    assert first == second
    rib = ezdxf.readfile(tmp_path / "out" / "parts" / "rib-1.dxf").modelspace()
    inside = [e for e in rib.query("LWPOLYLINE") if e.dxf.layer.startswith("CUT_INSIDE")]
    assert any(abs(max(p[0] for p in e.get_points()) - min(p[0] for p in e.get_points()) - 2 * HOLE[2]) < 0.5
               for e in inside)  # the drawn hole is cut (besides the slots)


def test_an_old_params_file_without_holes_still_loads_and_keeps_its_hash():
    cls = get_model("slice_chair")
    points = [[round(y, 3), round(z, 3)] for y, z in chair_side()]
    p = cls.params({"side_outline": points})
    assert p.to_dict()["side_outline"] == points  # no holes: the same list of points as before
    holed = cls.params({"side_outline": {"outline": points, "holes": [[[190, 335], [210, 335], [210, 350]]]}})
    assert holed.hash != p.hash and len(outline_polygon(holed.side_outline).interiors) == 1


def test_nesting_loose_parts_keeps_every_kind_of_hole(tmp_path):
    def draw(msp):
        msp.add_lwpolyline([(0, 0), (200, 0), (200, 200), (0, 200)], close=True)
        msp.add_circle((50, 50), 20)                                                 # CIRCLE
        msp.add_ellipse((150, 50), major_axis=(30, 0), ratio=0.5)                   # ELLIPSE
        msp.add_spline().set_closed([(30, 120, 0), (70, 120, 0), (70, 170, 0), (30, 170, 0)])  # closed SPLINE
        msp.add_lwpolyline([(120, 120), (170, 120), (170, 170), (120, 170)], close=True)  # closed polyline
        msp.add_lwpolyline([(300, 0), (400, 0), (400, 100), (300, 100)], close=True)
        msp.add_line((330, 30), (370, 30))                                           # a loop of LINE/ARC
        msp.add_arc((370, 50), 20, -90, 90)
        msp.add_line((370, 70), (330, 70))
        msp.add_arc((330, 50), 20, 90, 270)
    path = dxf(tmp_path / "parts.dxf", draw)
    result = CliRunner().invoke(main, ["nest", str(path), "--sheet", "600x400", "--out", str(tmp_path / "n"),
                                       "--time", "300", "--rounds", "2", "--thickness", "6"])
    assert result.exit_code == 0, result.output
    assert "read 2 part(s) with 5 hole(s)" in result.output and "2 parts" in result.output
    sheet = ezdxf.readfile(tmp_path / "n" / "sheet-01.dxf").modelspace()
    inside = [e for e in sheet.query("LWPOLYLINE") if e.dxf.layer.startswith("CUT_INSIDE")]
    assert len(inside) == 5


def test_nesting_a_dxf_without_units_needs_the_unit_named_and_a_layer_can_be_chosen(tmp_path):
    path = dxf(tmp_path / "inches.dxf", lambda msp: (
        msp.add_lwpolyline([(0, 0), (4, 0), (4, 3), (0, 3)], close=True, dxfattribs={"layer": "A"}),
        msp.add_circle((2, 1.5), 0.5, dxfattribs={"layer": "A"}),
        msp.add_lwpolyline([(6, 0), (8, 0), (8, 2), (6, 2)], close=True, dxfattribs={"layer": "B"})), units=0)
    args = ["--sheet", "600x400", "--time", "300", "--rounds", "2", "--thickness", "6"]
    refused = CliRunner().invoke(main, ["nest", str(path), "--out", str(tmp_path / "n0"), *args])
    assert refused.exit_code == 2 and "does not declare its units" in refused.output
    result = CliRunner().invoke(main, ["nest", f"{path}:in#A", "--out", str(tmp_path / "n1"), *args])
    assert result.exit_code == 0, result.output
    assert "read 1 part(s) with 1 hole(s)" in result.output and "(in, named by you)" in result.output
    layout = json.loads((tmp_path / "n1" / "layout.json").read_text())
    assert [p for s in layout["sheets"] for p in s["parts"]] == ["part-1"]
