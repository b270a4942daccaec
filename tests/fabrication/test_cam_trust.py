"""Cut files a CAM operator trusts (issue 13.4): no noise segments beside relief arcs, every note
inside the sheet, the drawing extents in the DXF header."""

from __future__ import annotations

import ezdxf
import numpy as np
import pytest
from ezdxf import bbox

from fabrication.export.bundle import cut_outlines, layout_parts, stock_size
from fabrication.machines import get_machine
from fabrication.toolpath import prepare
from parametric.materials import get_material

#: shortest segment a CAM should see (mm): shorter ones are noise beside the arcs
MIN_SEGMENT_MM = 0.05


@pytest.fixture(scope="module", params=["dogbone", "tbone"])
def router_sheet(request, chair, tmp_path_factory):
    """The default chair's sheet DXF for the 6 mm router, with each relief style: (path, sheets)."""
    machine = get_machine("cnc-router-6mm")
    cuts = {p.name: prepare(p, machine, relief=request.param) for p in chair.parts}
    sheets = layout_parts(cut_outlines(cuts), stock_size(get_material("birch-ply"), machine), machine.spacing,
                          machine.margin, material="birch-ply", thickness=chair.params["thickness"], method="rows")
    out = tmp_path_factory.mktemp(f"sheet-{request.param}")
    from fabrication.export import dxf

    dxf.write_sheet(sheets[0], out / "sheet.dxf", cut_parts=cuts)
    return out / "sheet.dxf", sheets


def _segment_lengths(entity) -> np.ndarray:
    pts = np.asarray([(x, y) for x, y, *_ in entity.get_points("xy")])
    return np.linalg.norm(np.roll(pts, -1, axis=0) - pts, axis=1)


def test_no_cut_segment_shorter_than_the_tolerance(router_sheet):
    doc = ezdxf.readfile(router_sheet[0])
    cuts = [e for e in doc.modelspace().query("LWPOLYLINE") if e.dxf.layer.startswith("CUT_")]
    bulged = sum(1 for e in cuts for *_, b in e.get_points("xyb") if b)
    assert bulged > 100  # the reliefs are there, as arcs
    short = [float(s) for e in cuts for s in _segment_lengths(e) if s < MIN_SEGMENT_MM]
    assert short == [], f"{len(short)} segments under {MIN_SEGMENT_MM} mm, e.g. {short[:3]}"


def test_every_entity_lies_inside_the_sheet(router_sheet):
    """Text included (measured with ezdxf's font metrics): the calibration caption used to run past the edge."""
    path, sheets = router_sheet
    doc = ezdxf.readfile(path)
    sheet = sheets[0]
    for e in doc.modelspace():
        box = bbox.extents([e])
        assert box.has_data, e
        (x0, y0, _), (x1, y1, _) = box.extmin, box.extmax
        assert x0 >= -1e-6 and y0 >= -1e-6 and x1 <= sheet.width + 1e-6 and y1 <= sheet.height + 1e-6, \
            (e.dxftype(), e.dxf.layer, getattr(e.dxf, "text", ""), box)


def test_dxf_header_has_the_drawing_extents(router_sheet, tmp_path, chair):
    path, sheets = router_sheet
    doc = ezdxf.readfile(path)
    box = bbox.extents(doc.modelspace())
    assert doc.header["$EXTMIN"][:2] == pytest.approx(tuple(box.extmin)[:2], abs=1e-3)
    assert doc.header["$EXTMAX"][:2] == pytest.approx(tuple(box.extmax)[:2], abs=1e-3)
    assert tuple(doc.header["$EXTMAX"])[:2] == pytest.approx((sheets[0].width, sheets[0].height), abs=1e-3)
    from fabrication.export import dxf

    dxf.write_part(chair.parts[0], tmp_path / "part.dxf")
    part = ezdxf.readfile(tmp_path / "part.dxf")
    x0, y0, x1, y1 = chair.parts[0].outline.bounds
    assert tuple(part.header["$EXTMIN"])[:2] == pytest.approx((x0, y0), abs=1e-3)
    assert tuple(part.header["$EXTMAX"])[:2] == pytest.approx((x1, y1), abs=1e-3)


def test_reliefs_that_meet_leave_no_short_segment_between_them():
    """The box's finger joints put T-bones side by side: where two relief circles meet, the vertex is
    on both, and each circle's run stays one arc (112 noise segments before)."""
    from shapely.geometry.polygon import orient

    from fabrication.export.sheetwalk import ring_with_bulges
    from parametric import build_design

    machine = get_machine("cnc-router-6mm")
    seen = 0
    for part in build_design("box").parts:
        cut = prepare(part, machine, relief="tbone")
        outline = orient(cut.outline, 1.0)
        for ring in (outline.exterior, *outline.interiors):
            verts = np.asarray(ring_with_bulges(ring.coords, cut.arcs))
            seg = np.linalg.norm(np.roll(verts[:, :2], -1, axis=0) - verts[:, :2], axis=1)
            assert seg.min() >= MIN_SEGMENT_MM, (part.name, seg.min())
            seen += int((verts[:, 2] != 0).sum())
    assert seen > 50
