"""Profiles drawn elsewhere: SVG (transforms, arcs, groups, units, ids) and DXF (polylines, bulges,
splines, lines and arcs, blocks, units); broken and hostile files get errors that say what to do."""

from __future__ import annotations

import math
import sys

import ezdxf
import pytest

from parametric.errors import GeometryError
from parametric.profile_import import import_profile

SVG_NS = 'xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"'


def svg(tmp_path, body, width="200mm", height="200mm", viewbox="0 0 200 200", name="p.svg"):
    """Write an SVG document around ``body``."""
    path = tmp_path / name
    box = f' viewBox="{viewbox}"' if viewbox else ""
    path.write_text(f'<svg {SVG_NS} width="{width}" height="{height}"{box}>{body}</svg>')
    return path


def size(poly):
    minx, miny, maxx, maxy = poly.bounds
    return maxx - minx, maxy - miny


# -- SVG geometry and units ------------------------------------------------------------------------
@pytest.mark.parametrize("width, viewbox, side", [
    ("10in", "0 0 10 10", 100 / 25.4),    # drawn in inches (viewBox user unit = 1 in)
    ("8in", None, 9600 / 25.4),           # no viewBox: user units are px, 96 per inch
    ("20cm", "0 0 20 20", 10.0),          # centimetres
    ("200mm", "0 0 200 200", 100.0),      # millimetres (Inkscape's default)
])
def test_a_100_mm_square_comes_back_as_100_mm(tmp_path, width, viewbox, side):
    poly = import_profile(svg(tmp_path, f'<rect x="0.5" y="0.5" width="{side}" height="{side}"/>', width, width,
                              viewbox))
    assert size(poly) == pytest.approx((100, 100), abs=0.01)


def test_group_transforms_and_arcs(tmp_path):
    body = ('<g transform="translate(50,50) scale(2)"><g transform="rotate(90)">'
            '<path d="M -10,-10 L 10,-10 A 10 10 0 0 1 10,10 L -10,10 Z"/></g></g>')
    poly = import_profile(svg(tmp_path, body))
    # a 20 x 20 square plus a half disc of radius 10, all scaled by 2
    assert poly.area == pytest.approx(4 * (400 + math.pi * 100 / 2), rel=1e-3)
    assert poly.exterior.is_ccw


def test_curves_are_flattened_to_the_chord_tolerance(tmp_path):
    # a circle of radius 50 mm as four cubic Beziers (Inkscape writes circles like this once edited)
    k = 50 * 0.5522847498
    d = (f"M 100,50 C {100 + k},50 150,{100 - k} 150,100 C 150,{100 + k} {100 + k},150 100,150 "
         f"C {100 - k},150 50,{100 + k} 50,100 C 50,{100 - k} {100 - k},50 100,50 Z")
    poly = import_profile(svg(tmp_path, f'<path d="{d}"/>'))
    r = [math.dist(poly.centroid.coords[0], c) for c in poly.exterior.coords]
    assert min(r) == pytest.approx(50, abs=0.06) and max(r) == pytest.approx(50, abs=0.03)
    assert len(poly.exterior.coords) < 400  # not over-sampled


def test_matrix_transform_use_and_hidden_elements(tmp_path):
    body = ('<defs><rect id="r" width="40" height="20"/></defs>'
            '<rect x="0" y="0" width="190" height="190" style="display:none"/>'
            '<use xlink:href="#r" transform="matrix(0,1,-1,0,100,10)"/>'
            '<text x="5" y="5">labels are not shapes</text>')
    poly = import_profile(svg(tmp_path, body))
    assert size(poly) == pytest.approx((20, 40), abs=1e-3)  # the hidden big rectangle is ignored


def test_holes_and_the_largest_shape_on_request(tmp_path):
    body = ('<path d="M 0,0 H 100 V 100 H 0 Z"/><path d="M 20,20 H 40 V 40 H 20 Z"/>'
            '<circle cx="150" cy="150" r="5"/>')
    path = svg(tmp_path, body)
    with pytest.raises(GeometryError, match=r"2 separate shapes.*\n  shape 1: path #1, 100 x 100 mm .*1 hole\n"
                                            r"  shape 2: circle #3, 10 x 10 mm at \(145, 145\)-\(155, 155\) mm"):
        import_profile(path)
    for poly in (import_profile(path, pick="largest"), import_profile(f"{path}?pick=largest")):
        assert len(poly.interiors) == 1 and poly.area == pytest.approx(100 * 100 - 20 * 20, rel=1e-5)
    with pytest.raises(GeometryError, match=r"\?pick=smallest.*\?pick=largest"):
        import_profile(f"{path}?pick=smallest")


def test_pick_an_element_or_group_by_id(tmp_path):
    body = ('<rect id="big" x="0" y="0" width="150" height="150"/>'
            '<g id="seat" transform="translate(160,0)"><rect x="0" y="0" width="30" height="20"/></g>')
    path = svg(tmp_path, body)
    with pytest.raises(GeometryError, match=r"(?s)2 separate shapes.*rect 'big'.*rect #2.*@p.svg#seat"):
        import_profile(path)
    assert size(import_profile(f"{path}#big")) == pytest.approx((150, 150), abs=1e-3)
    assert size(import_profile(path, select="seat")) == pytest.approx((30, 20), abs=1e-3)
    assert size(import_profile(f"{path}#seat")) == pytest.approx((30, 20), abs=1e-3)
    with pytest.raises(GeometryError, match="no element with id 'back'.*big, seat"):
        import_profile(path, select="back")


def test_open_pieces_that_meet_are_joined(tmp_path):
    body = '<path d="M 0,0 L 100,0"/><path d="M 100,100 L 100,0"/><path d="M 100,100 L 0,100 L 0,0"/>'
    assert import_profile(svg(tmp_path, body)).area == pytest.approx(10000, rel=1e-5)


# -- broken and hostile SVG ------------------------------------------------------------------------
@pytest.mark.parametrize("body, words", [
    ('<path d="M 0,0 L 100,0 L 100,100"/>', r"open path.*141\.4 mm apart.*close it"),
    ("", "no closed shape"),
    ('<path d="M 0,0 L 100,100 L 100,0 L 0,100 Z"/>', r"crosses itself near \(50\.0, -50\.0\) mm; redraw"),
])
def test_broken_svgs(tmp_path, body, words):
    with pytest.raises(GeometryError, match=words) as info:
        import_profile(svg(tmp_path, body))
    assert "p.svg" in str(info.value)


def test_empty_missing_and_malformed_files(tmp_path):
    (tmp_path / "empty.svg").write_text("")
    with pytest.raises(GeometryError, match="empty.svg is empty"):
        import_profile(tmp_path / "empty.svg")
    bad = tmp_path / "bad.svg"
    bad.write_text("<svg>\n<path d='M 0 0 L")
    with pytest.raises(GeometryError, match=r"bad.svg: not a readable SVG \(malformed XML at line 2.*save it again"):
        import_profile(bad)
    with pytest.raises(GeometryError, match="does not exist"):
        import_profile(tmp_path / "missing.svg")
    (tmp_path / "side.png").write_bytes(b"\x89PNG")
    with pytest.raises(GeometryError, match=r"\.svg or \.dxf"):
        import_profile(tmp_path / "side.png")


BOMB = ('<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">'
        '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;">]><svg xmlns="http://www.w3.org/2000/svg"><text>&c;</text></svg>')
XXE = ('<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
       '<svg xmlns="http://www.w3.org/2000/svg"><text>&x;</text></svg>')


@pytest.mark.parametrize("safe_parser", [True, False], ids=["defusedxml", "fallback"])
@pytest.mark.parametrize("text", [BOMB, XXE], ids=["bomb", "external-entity"])
def test_entity_declarations_are_refused(tmp_path, monkeypatch, text, safe_parser):
    if safe_parser:
        pytest.importorskip("defusedxml")
    else:
        monkeypatch.setitem(sys.modules, "defusedxml", None)  # as if it were not installed
    path = tmp_path / "hostile.svg"
    path.write_text(text)
    with pytest.raises(GeometryError, match="hostile.svg: the SVG declares XML entities.*plain SVG"):
        import_profile(path)


def test_a_plain_svg_doctype_is_fine(tmp_path):
    doctype = '<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">'
    path = tmp_path / "dtd.svg"
    path.write_text(f'<?xml version="1.0"?>{doctype}<svg {SVG_NS} width="100mm" height="100mm" '
                    'viewBox="0 0 100 100"><rect width="50" height="40"/></svg>')
    assert import_profile(path).area == pytest.approx(2000, rel=1e-5)


# -- DXF -------------------------------------------------------------------------------------------
def dxf(tmp_path, name, draw, units=4, version="R2010"):
    """Write a DXF whose modelspace ``draw(msp, doc)`` fills."""
    doc = ezdxf.new(version, units=units)
    if not units:
        doc.header["$INSUNITS"] = 0
    draw(doc.modelspace(), doc)
    doc.saveas(tmp_path / name)
    return tmp_path / name


def test_lwpolyline_bulges_in_inches(tmp_path):
    # a 4 x 2 in rectangle whose top edge is a half-circle bulge (bulge 1 = 180 degrees)
    path = dxf(tmp_path, "bulge.dxf", lambda msp, doc: msp.add_lwpolyline(
        [(0, 0, 0), (4, 0, 0), (4, 2, 1), (0, 2, 0)], format="xyb", close=True), units=1)
    assert import_profile(path).area == pytest.approx((8 + math.pi * 4 / 2) * 25.4 ** 2, rel=1e-4)


def test_old_style_polyline_with_bulges(tmp_path):
    path = dxf(tmp_path, "poly.dxf", lambda msp, doc: msp.add_polyline2d(
        [(0, 0, 0), (100, 0, 1), (100, 100, 0), (0, 100, 0)], format="xyb", close=True), version="R2000")
    # bulge 1 on the right edge: a half disc of radius 50 mm outside the square
    assert import_profile(path).area == pytest.approx(10000 + math.pi * 2500 / 2, rel=1e-4)


def test_splines_by_fit_points_and_by_control_points(tmp_path):
    fit = [(0, 0), (100, -20), (200, 0), (200, 100), (100, 140), (0, 100), (0, 0)]

    def draw(msp, doc):
        msp.add_spline(fit_points=[(x, y, 0) for x, y in fit]).closed = True

    assert import_profile(dxf(tmp_path, "fit.dxf", draw)).area > 15000
    # a closed (periodic) spline on a 1 m square control polygon, in cm: its valid knot span only
    path = dxf(tmp_path, "ctrl.dxf", lambda msp, doc: msp.add_spline().set_closed(
        [(0, 0, 0), (100, 0, 0), (100, 100, 0), (0, 100, 0)], degree=3), units=5)
    poly = import_profile(path)
    assert size(poly) == pytest.approx((1000 * 11 / 12, 1000 * 11 / 12), abs=0.1)  # 41.7 to 958.3 mm


def test_lines_and_arcs_meeting_end_to_end_with_a_circle_hole(tmp_path):
    def draw(msp, doc):
        msp.add_line((0, 0), (100, 0))
        msp.add_arc((100, 50), 50, -90, 90)  # a half circle bulging to the right
        msp.add_line((0, 100), (100, 100))   # drawn in the other direction
        msp.add_line((0, 100), (0, 0))
        msp.add_circle((50, 50), 10)
    poly = import_profile(dxf(tmp_path, "pieces.dxf", draw))
    assert len(poly.interiors) == 1
    assert poly.area == pytest.approx(10000 + math.pi * 2500 / 2 - math.pi * 100, rel=1e-4)


def test_thousands_of_shuffled_lines_join(tmp_path):
    n = 3000
    pts = [(300 * math.cos(2 * math.pi * k / n), 300 * math.sin(2 * math.pi * k / n)) for k in range(n)]

    def draw(msp, doc):
        for k in range(0, n, 2):  # every other segment first, half of them reversed
            msp.add_line(pts[k], pts[(k + 1) % n])
        for k in range(1, n, 2):
            msp.add_line(pts[(k + 1) % n], pts[k])
    path = dxf(tmp_path, "many.dxf", draw)  # speed is benchmarks' business; here: one closed ring
    assert import_profile(path).area == pytest.approx(math.pi * 300 ** 2, rel=1e-4)  # within the 0.06 mm chord


def test_blocks_layers_and_metres(tmp_path):
    def draw(msp, doc):
        block = doc.blocks.new("SIDE")
        block.add_lwpolyline([(0, 0), (0.3, 0), (0.3, 0.2), (0, 0.2)], close=True)
        msp.add_blockref("SIDE", (1, 1), dxfattribs={"xscale": 2, "layer": "profile"})
        msp.add_lwpolyline([(0, 0), (0.1, 0), (0.1, 0.1)], close=True, dxfattribs={"layer": "other"})
    path = dxf(tmp_path, "block.dxf", draw, units=6)
    with pytest.raises(GeometryError, match=r"(?s)2 separate shapes.*\n  shape 1: LWPOLYLINE #1 on layer 'profile', "
                                            r"0.6 x 0.2 m at \(1, 1\)-\(1.6, 1.2\) m.*layer 'other'.*@block.dxf#"):
        import_profile(path)
    # layer 0 inside a block takes the INSERT's layer; layer names are not case-sensitive
    assert size(import_profile(path, select="PROFILE")) == pytest.approx((600, 200), abs=1e-3)
    assert size(import_profile(f"{path}#profile")) == pytest.approx((600, 200), abs=1e-3)
    assert size(import_profile(path, select="other")) == pytest.approx((100, 100), abs=1e-3)
    with pytest.raises(GeometryError, match="nothing to read on layer 'nope'"):
        import_profile(path, select="nope")


def test_dxf_units_must_be_known(tmp_path):
    path = dxf(tmp_path, "nounits.dxf", lambda msp, doc: msp.add_lwpolyline(
        [(0, 0), (10, 0), (10, 10), (0, 10)], close=True), units=0)
    with pytest.raises(GeometryError, match=r"nounits.dxf does not declare its units.*@side.dxf:mm"):
        import_profile(path)
    assert import_profile(path, unit="cm").area == pytest.approx(10000)
    assert import_profile(path, unit="in").area == pytest.approx(100 * 25.4 ** 2)
    with pytest.raises(GeometryError, match="unknown unit 'furlong'"):
        import_profile(path, unit="furlong")
    miles = dxf(tmp_path, "miles.dxf", lambda msp, doc: msp.add_circle((0, 0), 1), units=3)
    with pytest.raises(GeometryError, match="unit code 3"):
        import_profile(miles)


def test_broken_dxfs(tmp_path):
    (tmp_path / "junk.dxf").write_text("0\nSECTION\n2\nHEADER\nnot a group code")
    with pytest.raises(GeometryError, match="junk.dxf: not a readable DXF.*LibreCAD"):
        import_profile(tmp_path / "junk.dxf")
    (tmp_path / "empty.dxf").write_bytes(b"")
    with pytest.raises(GeometryError, match="empty.dxf is empty"):
        import_profile(tmp_path / "empty.dxf")
    nothing = dxf(tmp_path, "nothing.dxf", lambda msp, doc: msp.add_text("no shapes here"))
    with pytest.raises(GeometryError, match="no closed shape"):
        import_profile(nothing)
    open_ = dxf(tmp_path, "open.dxf", lambda msp, doc: msp.add_lwpolyline([(0, 0), (100, 0), (100, 50)]))
    with pytest.raises(GeometryError, match=r"open.dxf: 1 open path\(s\).*LWPOLYLINE.*111\.8 mm apart"):
        import_profile(open_)
    bowtie = dxf(tmp_path, "bowtie.dxf", lambda msp, doc: msp.add_lwpolyline(
        [(0, 0), (100, 100), (100, 0), (0, 100)], close=True))
    with pytest.raises(GeometryError, match=r"bowtie.dxf: the outline of LWPOLYLINE.*crosses itself near \(50"):
        import_profile(bowtie)
