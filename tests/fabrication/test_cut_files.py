"""Cut files read back with real readers: ezdxf, svgelements, pdftoppm/pdfinfo, LibreCAD, the zip."""

from __future__ import annotations

import json
import shutil
import subprocess
import zipfile
from pathlib import Path

import ezdxf
import numpy as np
import pytest
from click.testing import CliRunner
from ezdxf import path as ezpath
from shapely.geometry import Polygon

from fabrication.export import dxf, svg
from fabrication.export.bundle import export_bundle, layout_parts, stock_size
from fabrication.machines import get_machine
from fabrication.toolpath import inside_corners, prepare, relieve
from parametric.app.cli import main
from parametric.materials import get_material

ROUTER, LASER = get_machine("cnc-router-6mm"), get_machine("co2-laser-60w")


def _poly(entity) -> np.ndarray:
    return np.asarray([(v.x, v.y) for v in ezpath.make_path(entity).flattening(0.0005)])


def _read_parts(path):
    """Polygons (with holes) from a sheet DXF: holes assigned to the outline that contains them."""
    doc = ezdxf.readfile(path)
    auditor = doc.audit()
    assert not auditor.has_errors, [str(e) for e in auditor.errors]
    assert doc.header["$INSUNITS"] == 4
    msp = doc.modelspace()
    cuts = [e for e in msp.query("LWPOLYLINE") if e.dxf.layer.startswith("CUT_")]
    assert all(e.closed for e in cuts)
    assert not list(msp.query("LINE ARC SPLINE ELLIPSE CIRCLE"))
    layers = [e.dxf.layer for e in cuts]
    first_outside = layers.index(next(lay for lay in layers if lay.startswith("CUT_OUTSIDE")))
    outers = [Polygon(_poly(e)) for e in cuts if e.dxf.layer.startswith("CUT_OUTSIDE")]
    holes = [Polygon(_poly(e)) for e in cuts if e.dxf.layer.startswith("CUT_INSIDE")]
    parts = [Polygon(o.exterior, [h.exterior for h in holes if o.contains(h)]) for o in outers]
    return doc, parts, first_outside, layers


@pytest.fixture(scope="module", params=["router", "laser"])
def prepared(request, chair):
    machine = ROUTER if request.param == "router" else LASER
    design = chair
    if machine is LASER:  # a laser cuts thin sheet: the 6 mm ply chair of the kids' size
        from parametric import build_design

        design = build_design("slice_chair", preset="kids", thickness=6.4, rib_depth=60, slat_depth=40)
    cuts = {p.name: prepare(p, machine) for p in design.parts}
    stock = stock_size(get_material("birch-ply"), machine)
    sheets = layout_parts(cuts, stock, machine, "birch-ply", design.params.thickness)
    return machine, design, cuts, sheets


def test_sheet_dxf_reads_back_with_the_prepared_areas(prepared, tmp_path):
    machine, design, cuts, sheets = prepared
    total = 0
    for sheet in sheets:
        path = tmp_path / f"s{sheet.index}.dxf"
        dxf.write_sheet(sheet, path, cut_parts=cuts)
        doc, parts, first_outside, layers = _read_parts(path)
        assert {lay.dxf.name for lay in doc.layers} >= {"CUT_OUTSIDE_%gMM" % sheet.thickness, "ENGRAVE", "NOTES_NOCUT"}
        assert all(lay.startswith("CUT_INSIDE") for lay in layers[:first_outside])  # inside cuts first
        expected = sorted(p.outline.area for p in sheet.placed)
        got = sorted(p.area for p in parts)
        assert len(got) == len(expected)
        assert np.allclose(got, expected, atol=0.01), max(abs(a - b) for a, b in zip(got, expected))
        texts = {t.dxf.text for t in doc.modelspace().query("TEXT") if t.dxf.layer == "ENGRAVE"}
        assert texts == {p.part.label for p in sheet.placed if cuts[p.part.name].label}
        total += len(parts)
    assert total == len(design.parts)
    if machine.is_router:
        bulges = [b for e in doc.modelspace().query("LWPOLYLINE") for *_, b in e.get_points("xyb") if b]
        assert len(bulges) >= sum(c.reliefs for c in cuts.values() if c.part.name in {p.part.name for p in sheets[-1].placed})
    else:
        part = design.parts[0]
        assert cuts[part.name].outline.area > part.area  # the kerf grows outlines


def test_sheet_svg_reads_back_with_the_same_areas(prepared, tmp_path):
    svgelements = pytest.importorskip("svgelements")
    machine, design, cuts, sheets = prepared
    sheet = sheets[0]
    path = tmp_path / "s.svg"
    svg.write_sheet(sheet, path, machine, cuts)
    doc = svgelements.SVG.parse(str(path))
    assert doc.width == pytest.approx(sheet.width * 96 / 25.4)  # mm units, not px
    px = 25.4 / 96
    paths = [e for e in doc.elements() if isinstance(e, svgelements.Path)]
    cut_colour = svgelements.Color(machine.colours["cut"])
    rings = []
    for p in paths:
        if p.stroke != cut_colour:
            continue
        for sub in p.as_subpaths():
            pts = []
            for seg in svgelements.Path(sub):
                if isinstance(seg, svgelements.Arc):
                    pts.extend(np.asarray(seg.npoint(np.linspace(0, 1, 400)))[1:] * px)
                elif seg.end is not None:
                    pts.append((seg.end.x * px, seg.end.y * px))
            rings.append(Polygon(pts))
    outer = [r for r in rings if not any(o is not r and o.contains(r) for o in rings)]
    areas = sorted(o.area - sum(h.area for h in rings if o is not h and o.contains(h)) for o in outer)
    expected = sorted(p.outline.area for p in sheet.placed)
    assert len(areas) == len(expected)
    assert np.allclose(areas, expected, atol=0.01)


def test_router_reliefs_let_the_bit_clear_every_slot(chair):
    """Every inside corner is relieved so a round bit of that diameter sweeps the whole slot."""
    r = ROUTER.tool_diameter / 2
    for part in chair.parts:
        corners = inside_corners(part.outline)
        assert corners, part.name
        relieved, circles = relieve(part.outline, ROUTER.tool_diameter)
        assert len(circles) == len(corners)
        for vertex, _, angle in corners:
            window = Polygon.from_bounds(vertex[0] - 20, vertex[1] - 20, vertex[0] + 20, vertex[1] + 20)
            void_sharp = window.difference(part.outline)      # the slot as drawn
            void_relieved = window.difference(relieved)
            swept = void_relieved.buffer(-r * 0.999).buffer(r * 0.999)  # where the bit can reach
            missed = void_sharp.difference(swept).intersection(window.buffer(-2 * r))
            assert missed.area < 1e-3, (part.name, vertex, missed.area)
        plain_swept = window.difference(part.outline).buffer(-r).buffer(r)
        assert window.difference(part.outline).difference(plain_swept).area > 1.0  # without: uncut corners


def test_pdf_pages_are_true_size_and_render(tmp_path, chair):
    if not shutil.which("pdftoppm"):
        pytest.skip("pdftoppm (poppler-utils) not installed; .ci/apt-packages.txt installs it")
    out = tmp_path / "b.zip"
    bundle = export_bundle(chair, ROUTER, get_material("birch-ply"), out, checks=False)
    with zipfile.ZipFile(bundle.path) as zf:
        zf.extractall(tmp_path)
    pdf = next(tmp_path.rglob("*-guide.pdf"))
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    size = next(line for line in info.splitlines() if line.startswith("Page size"))
    w_pt, h_pt = (float(v) for v in size.split(":")[1].split("pts")[0].split(" x "))
    sheet = bundle.sheets[0]
    assert w_pt * 25.4 / 72 == pytest.approx(sheet.width, abs=0.1)
    assert h_pt * 25.4 / 72 == pytest.approx(sheet.height, abs=0.1)
    subprocess.run(["pdftoppm", "-r", "5", "-png", str(pdf), str(tmp_path / "page")], check=True, timeout=120)
    assert len(list(tmp_path.glob("page*.png"))) == len(bundle.sheets) + 1 + 2  # sheets, parts page, 2 steps


def test_librecad_reads_the_sheet_dxf(tmp_path, prepared):
    exe = shutil.which("librecad")
    if not exe:
        pytest.skip("librecad not installed; .ci/apt-packages.txt installs it")
    machine, design, cuts, sheets = prepared
    path = tmp_path / "sheet.dxf"
    dxf.write_sheet(sheets[0], path, cut_parts=cuts)
    proc = subprocess.run([exe, "dxf2pdf", "-a", "-t", str(tmp_path / "lc"), str(path)], capture_output=True,
                          text=True, timeout=60, env={"QT_QPA_PLATFORM": "offscreen", "HOME": str(tmp_path),
                                                      "PATH": "/usr/bin:/bin"})
    assert proc.returncode == 0, proc.stderr
    pdf = tmp_path / "lc" / "sheet.pdf"
    assert pdf.exists() and pdf.stat().st_size > 2000  # something was drawn


def test_bundle_contents_and_params_rebuild_the_hash(tmp_path, chair):
    result = CliRunner().invoke(main, ["export", "slice_chair", "--machine", "cnc-router-6mm", "--material",
                                       "birch-ply", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    zpath = tmp_path / f"{chair.slug}.zip"
    with zipfile.ZipFile(zpath) as zf:
        names = {Path(n).name for n in zf.namelist()}
        params = json.loads(zf.read(f"{chair.slug}/params.json"))
        bom = zf.read(f"{chair.slug}/bom.csv").decode()
        readme = zf.read(f"{chair.slug}/README.md").decode()
    assert {"README.md", "params.json", "slice_chair.step", "slice_chair.stl", "sheet-01.dxf", "sheet-01.svg",
            "slice_chair-guide.pdf", "bom.csv", "check.json"} <= names
    from parametric import build_design

    assert build_design("slice_chair", params["params"]).hash == chair.hash == params["hash"]
    assert "R1 R2 R3" in bom and "cut_time_min" in bom and "17.7" in readme
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


@pytest.mark.parametrize("args, words", [
    (["--machine", "cnc-router-9mm"], ["unknown machine", "cnc-router-6mm"]),
    (["--machine", "cnc-router-6mm", "--material", "balsa"], ["unknown material", "birch-ply"]),
    (["--machine", "cnc-router-6mm", "--material", "birch-ply:5"], ["comes in", "18"]),
    (["--machine", "co2-laser-60w"], ["cuts at most 12 mm"]),
])
def test_bad_export_input(tmp_path, args, words):
    result = CliRunner().invoke(main, ["export", "slice_chair", *args, "--out", str(tmp_path / "x.zip")])
    assert result.exit_code == 2, result.output
    for word in words:
        assert word in result.output
    assert list(tmp_path.iterdir()) == []


def test_thinner_material_than_the_model_allows(tmp_path):
    result = CliRunner().invoke(main, ["export", "slice_chair", "--machine", "co2-laser-60w", "--material",
                                       "birch-ply:4", "--set", "thickness=2.5", "--out", str(tmp_path / "x.zip")])
    assert result.exit_code == 2 and "thickness" in result.output and "3 to 30 mm" in result.output


def test_output_folder_must_exist(tmp_path):
    result = CliRunner().invoke(main, ["export", "slice_chair", "--machine", "cnc-router-6mm",
                                       "--out", str(tmp_path / "missing" / "x.zip")])
    assert result.exit_code == 2 and "does not exist" in result.output
    assert not (tmp_path / "missing").exists()


def test_profile_file_with_a_missing_field(tmp_path):
    bad = tmp_path / "shop.yaml"
    bad.write_text("machines:\n  my-laser:\n    kind: laser\n    bed: [600, 400]\n    kerf: 0.2\n")
    result = CliRunner().invoke(main, ["export", "slice_chair", "--machine", "my-laser", "--profiles", str(bad),
                                       "--out", str(tmp_path / "x.zip")])
    assert result.exit_code == 2 and "missing" in result.output and "spacing" in result.output


def test_machines_and_materials_lists():
    assert "cnc-router-6mm" in CliRunner().invoke(main, ["machines"]).output
    mats = json.loads(CliRunner().invoke(main, ["materials", "--json"]).output)
    assert {m["name"] for m in mats} >= {"birch-ply", "mdf", "acrylic"}


def test_no_duplicate_or_overlapping_cut_segments(prepared, tmp_path):
    """No two cut contours share a segment (a double burn), and no contour crosses itself."""
    machine, design, cuts, sheets = prepared
    path = tmp_path / "s.dxf"
    dxf.write_sheet(sheets[0], path, cut_parts=cuts)
    doc = ezdxf.readfile(path)
    seen = set()
    rings = []
    for e in doc.modelspace().query("LWPOLYLINE"):
        if not e.dxf.layer.startswith("CUT_"):
            continue
        pts = [tuple(round(c, 4) for c in p[:2]) for p in e.get_points("xy")]
        for a, b in zip(pts, pts[1:] + pts[:1]):
            key = (min(a, b), max(a, b))
            assert key not in seen, f"segment {key} is cut twice"
            seen.add(key)
        rings.append(Polygon(_poly(e)))
    assert all(r.is_valid for r in rings)
    for i, a in enumerate(rings):  # contours of different parts never touch or cross
        for b in rings[i + 1:]:
            if not (a.contains(b) or b.contains(a)):
                assert a.exterior.distance(b.exterior) > 0.5 * machine.spacing
