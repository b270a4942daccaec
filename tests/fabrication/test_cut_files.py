"""Sheet files read back with real readers: ezdxf (audit), defusedxml + svgelements, LibreCAD."""

from __future__ import annotations

import shutil
import subprocess

import ezdxf
import numpy as np
import pytest
import shapely
from shapely.geometry import LineString, Polygon

from fabrication.export import dxf, svg
from fabrication.export.arcfit import ARC_TOL
from fabrication.labels import LABEL_MARGIN
from fabrication.machines import get_machine


def _one_way(a, b, step: float = 0.2) -> float:
    """Largest distance from points every ``step`` mm along the lines ``a`` to the nearest segment of ``b``."""
    pts = shapely.points(shapely.get_coordinates(shapely.segmentize(a, step)))
    segments = [shapely.linestrings(np.stack([xy[:-1], xy[1:]], axis=1))
                for xy in (np.asarray(line.coords) for line in getattr(b, "geoms", [b]))]
    _, dist = shapely.STRtree(np.concatenate(segments)).query_nearest(pts, return_distance=True, all_matches=False)
    return float(dist.max())


def _boundary_gap(a: Polygon, b: Polygon) -> float:
    """Largest distance between the two outlines' boundaries, both ways (points every 0.2 mm)."""
    return max(_one_way(a.boundary, b.boundary), _one_way(b.boundary, a.boundary))


def test_sheet_dxf_reads_back_with_the_prepared_areas(prepared, read_dxf, tmp_path):
    machine, design, cuts, sheets = prepared
    seen = 0
    for sheet in sheets:
        path = tmp_path / f"s{sheet.index}.dxf"
        dxf.write_sheet(sheet, path, cut_parts=cuts)
        doc, parts, entities = read_dxf(path)
        assert doc.dxfversion == "AC1024" and doc.header["$INSUNITS"] == 4  # R2010, mm
        outside, inside = dxf.cut_layers(sheet.thickness)
        assert {lay.dxf.name for lay in doc.layers} >= {outside, inside, "ENGRAVE", "NOTES_NOCUT"}
        assert doc.layers.get(outside).color == 1 and doc.layers.get("ENGRAVE").color == 5
        assert all(e.closed for e in entities)
        assert not list(doc.modelspace().query("LINE ARC SPLINE ELLIPSE CIRCLE"))
        layers = [e.dxf.layer for e in entities]
        assert layers == sorted(layers, key=lambda lay: lay.startswith("CUT_OUTSIDE"))  # every inside cut first
        expected = {p.part.name: p.outline for p in sheet.placed}
        assert set(parts) == set(expected)
        for name, poly in parts.items():  # sampled curves are written as arcs within ARC_TOL of them
            assert _boundary_gap(poly, expected[name]) <= ARC_TOL + 1e-6, name
            assert poly.area == pytest.approx(expected[name].area, abs=ARC_TOL * expected[name].length), name
        seen += len(parts)
    assert seen == len(design.parts)
    if machine.is_router:  # relief arcs are bulges, not flattened segments
        bulges = sum(1 for e in entities for *_, b in e.get_points("xyb") if b)
        on_sheet = {p.part.name for p in sheets[-1].placed}
        assert bulges >= sum(c.reliefs for name, c in cuts.items() if name in on_sheet)
    else:
        part = design.parts[0]
        assert cuts[part.name].outline.area > part.area  # the kerf grows outlines


def test_labels_are_strokes_clear_of_every_cut(prepared, read_dxf, tmp_path):
    _, design, cuts, sheets = prepared
    sheet = sheets[0]
    path = tmp_path / "s.dxf"
    dxf.write_sheet(sheet, path, cut_parts=cuts)
    doc, parts, _ = read_dxf(path)
    marks: dict[str, list[LineString]] = {}
    for e in doc.modelspace().query('LWPOLYLINE[layer=="ENGRAVE"]'):
        assert not e.closed
        name, label = (t.value for t in e.get_xdata("D4D"))
        assert label == design.part(name).label
        marks.setdefault(name, []).append(LineString([p[:2] for p in e.get_points("xy")]))
    assert marks and set(marks) <= set(parts)
    for name, lines in marks.items():
        clear = parts[name].buffer(-LABEL_MARGIN * 0.999)
        assert all(clear.contains(line) for line in lines), name
    labelled = {name for name in parts if cuts[name].label}
    assert set(marks) == labelled


def test_inch_dxf_has_the_same_geometry(prepared, read_dxf, tmp_path):
    _, _, cuts, sheets = prepared
    dxf.write_sheet(sheets[0], tmp_path / "mm.dxf", cut_parts=cuts)
    dxf.write_sheet(sheets[0], tmp_path / "in.dxf", unit="in", cut_parts=cuts)
    doc, in_parts, _ = read_dxf(tmp_path / "in.dxf", unit_mm=25.4)
    assert doc.header["$INSUNITS"] == 1
    _, mm_parts, _ = read_dxf(tmp_path / "mm.dxf")
    for name, poly in mm_parts.items():
        assert in_parts[name].area * 25.4 ** 2 == pytest.approx(poly.area, abs=0.01)


def test_no_duplicate_or_overlapping_cut_segments(prepared, read_dxf, tmp_path):
    """No two cut contours share a segment (a double burn), no contour crosses itself or another."""
    machine, _, cuts, sheets = prepared
    path = tmp_path / "s.dxf"
    dxf.write_sheet(sheets[0], path, cut_parts=cuts)
    _, _, entities = read_dxf(path)
    seen = set()
    rings = []
    for e in entities:
        pts = [tuple(round(c, 4) for c in p[:2]) for p in e.get_points("xy")]
        for a, b in zip(pts, pts[1:] + pts[:1]):
            key = (min(a, b), max(a, b))
            assert key not in seen, f"segment {key} is cut twice"
            seen.add(key)
        rings.append(Polygon(np.asarray([(v.x, v.y) for v in ezdxf.path.make_path(e).flattening(0.001)])))
    assert all(r.is_valid for r in rings)
    for i, a in enumerate(rings):
        for b in rings[i + 1:]:
            if not (a.contains(b) or b.contains(a)):
                assert a.exterior.distance(b.exterior) > 0.5 * machine.spacing


def _svg_rings(path, colour):
    """Closed rings (mm) of the paths stroked in ``colour``, read with svgelements."""
    import svgelements

    doc = svgelements.SVG.parse(str(path))
    px = 25.4 / 96
    rings = []
    for p in doc.elements():
        if not isinstance(p, svgelements.Path) or p.stroke != svgelements.Color(colour):
            continue
        for sub in p.as_subpaths():
            pts = []
            for seg in svgelements.Path(sub):
                if isinstance(seg, svgelements.Arc):
                    pts.extend(np.asarray(seg.npoint(np.linspace(0, 1, 400)))[1:] * px)
                elif seg.end is not None and not isinstance(seg, svgelements.Move):
                    pts.append((seg.end.x * px, seg.end.y * px))
            rings.append(Polygon(pts))
    return doc, rings


@pytest.mark.parametrize("service", ["co2-laser-60w", "ponoko-laser"])
def test_sheet_svg_is_mm_hairline_and_reads_back_with_the_same_areas(laser_prepared, tmp_path, service):
    pytest.importorskip("svgelements")
    defused = pytest.importorskip("defusedxml.ElementTree")
    _, _, cuts, sheets = laser_prepared
    machine = get_machine(service)
    sheet = sheets[0]
    path = tmp_path / "s.svg"
    svg.write_sheet(sheet, path, machine, cuts)
    root = defused.parse(path).getroot()  # no entity expansion, no external entities
    assert (root.get("width"), root.get("height")) == (f"{sheet.width:g}mm", f"{sheet.height:g}mm")
    assert root.get("viewBox") == f"0 0 {sheet.width:g} {sheet.height:g}"
    ns = "{http://www.w3.org/2000/svg}"
    groups = {g.get("id"): g for g in root.iter(f"{ns}g") if g.get("id")}
    assert list(groups) == ["cut-inside", "cut-outside", "engrave"]
    assert groups["cut-outside"].get("stroke") == machine.colours["cut"]
    assert groups["engrave"].get("stroke") == machine.colours["engrave"]
    assert (service == "ponoko-laser") == (machine.colours["cut"] == "#0000FF")  # Ponoko: blue = cut
    assert all(float(g.get("stroke-width")) <= 0.01 and g.get("fill") == "none" for g in groups.values())
    _, rings = _svg_rings(path, machine.colours["cut"])
    outer = [r for r in rings if not any(o is not r and o.contains(r) for o in rings)]
    areas = sorted(o.area - sum(h.area for h in rings if o is not h and o.contains(h)) for o in outer)
    longest = max(p.outline.length for p in sheet.placed)  # curves are arcs within ARC_TOL of the chords
    assert np.allclose(areas, sorted(p.outline.area for p in sheet.placed), atol=ARC_TOL * longest)


def test_librecad_reads_the_sheet_dxf(tmp_path, prepared):
    exe, raster = shutil.which("librecad"), shutil.which("pdftoppm")
    if not exe or not raster:
        pytest.skip("librecad or pdftoppm not installed; .ci/apt-packages.txt installs librecad and poppler-utils")
    _, _, cuts, sheets = prepared
    path = tmp_path / "sheet.dxf"
    dxf.write_sheet(sheets[0], path, cut_parts=cuts)
    proc = subprocess.run(["timeout", "30", exe, "dxf2pdf", "-a", "-t", str(tmp_path / "lc"), str(path)],
                          capture_output=True, text=True, timeout=60,
                          env={"QT_QPA_PLATFORM": "offscreen", "HOME": str(tmp_path), "PATH": "/usr/bin:/bin"}, check=False)
    assert proc.returncode == 0, proc.stderr  # 124: LibreCAD hung, i.e. could not read the file
    pdf = tmp_path / "lc" / "sheet.pdf"
    subprocess.run([raster, "-r", "20", "-png", "-singlefile", str(pdf), str(tmp_path / "lc" / "page")], check=True,
                   timeout=60)
    import matplotlib.image as mpimg

    img = mpimg.imread(tmp_path / "lc" / "page.png")
    assert (img[..., :3].min(axis=2) < 0.5).mean() > 0.002  # the contours were drawn
