"""`d4d build` end to end: every file it writes is read back with a real reader."""

from __future__ import annotations

import itertools
import json

import ezdxf
import numpy as np
import pytest
import trimesh
from click.testing import CliRunner
from ezdxf import path as ezpath
from shapely.geometry import Polygon

from d4d_cad.cli import main
from fabrication.export.arcfit import ARC_TOL
from parametric.joinery import boxes_touch


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("build") / "chair"
    result = CliRunner().invoke(main, ["build", "slice_chair", "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out


def _ring(entity) -> np.ndarray:
    """A LWPOLYLINE's points with its bulge arcs flattened (sampled curves are written as arcs)."""
    return np.asarray([(v.x, v.y) for v in ezpath.make_path(entity).flattening(0.0005)])


def _read_part_dxf(path):
    doc = ezdxf.readfile(path)
    auditor = doc.audit()
    assert not auditor.has_errors, [str(e) for e in auditor.errors]
    assert doc.header["$INSUNITS"] == 4
    polylines = list(doc.modelspace().query("LWPOLYLINE"))
    assert polylines and all(p.closed for p in polylines)
    assert not list(doc.modelspace().query("LINE ARC SPLINE ELLIPSE"))  # only closed polylines cut
    outer = [p for p in polylines if p.dxf.layer.startswith("CUT_OUTSIDE_")]
    inner = [p for p in polylines if p.dxf.layer.startswith("CUT_INSIDE_")]
    assert len(outer) == 1
    return Polygon(_ring(outer[0]), [_ring(h) for h in inner]), doc


def test_outputs_exist(built):
    names = {p.relative_to(built).as_posix() for p in built.rglob("*") if p.is_file()}
    assert {"design.json", "params.json", "check.json", "slice_chair.step", "slice_chair.stl",
            "sheets/sheet-01.dxf"} <= names
    assert json.loads((built / "check.json").read_text())["ok"] is True
    assert sum(n.startswith("parts/") for n in names) == 17
    assert not list(built.parent.glob(".chair.d4d-*"))  # no staging folder left behind


def test_part_dxfs_read_back_closed_with_the_same_area(built, chair):
    for part in chair.parts:
        poly, doc = _read_part_dxf(built / "parts" / f"{part.name}.dxf")
        # curves come back as arcs within ARC_TOL of the drawn polyline
        assert abs(poly.area - part.area) <= ARC_TOL * part.outline.length, part.name
        layers = {layer.dxf.name for layer in doc.layers}
        assert {"CUT_OUTSIDE_17.7MM", "CUT_INSIDE_17.7MM", "ENGRAVE"} <= layers
        texts = [t.dxf.text for t in doc.modelspace().query("TEXT")]
        assert texts == [part.label]


def test_sheet_dxf_has_every_part(built, chair):
    doc = ezdxf.readfile(built / "sheets" / "sheet-01.dxf")
    assert not doc.audit().has_errors
    outer = doc.modelspace().query('LWPOLYLINE[layer=="CUT_OUTSIDE_17.7MM"]')
    assert len(outer) == len(chair.parts)
    total = sum(Polygon(_ring(p)).area for p in outer)
    inner = doc.modelspace().query('LWPOLYLINE[layer=="CUT_INSIDE_17.7MM"]')
    total -= sum(Polygon(_ring(h)).area for h in inner)
    assert total == pytest.approx(chair.total_area, abs=ARC_TOL * sum(p.outline.length for p in chair.parts))


def test_stl_is_watertight_with_the_design_volume(built, chair):
    mesh = trimesh.load(built / "slice_chair.stl")
    assert mesh.is_watertight
    assert mesh.volume == pytest.approx(sum(p.volume for p in chair.parts), rel=1e-3)


def test_step_solids_do_not_overlap_but_unslotted_plates_do(built, chair, chair_uncut):
    """The exact B-rep: every touching pair of slotted solids intersects in < 1 mm^3."""
    import cadquery as cq

    from parametric import geometry

    step = cq.importers.importStep(str(built / "slice_chair.step"))
    assert len(step.solids().vals()) == len(chair.parts)
    slotted, plain = geometry.solids(chair), geometry.solids(chair_uncut)
    pairs = [(a, b) for a, b in itertools.combinations(chair.parts, 2) if boxes_touch(a, b)]
    assert len(pairs) >= len(chair.joints)
    for a, b in pairs:
        assert slotted[a.name].intersect(slotted[b.name]).Volume() < 1.0, (a.name, b.name)
    joint = chair.joints[0]
    overlap = plain[joint.a].intersect(plain[joint.b]).Volume()
    t = chair.params.thickness
    assert overlap == pytest.approx(t * t * (joint.hi - joint.lo), rel=0.02)


def test_design_json_rebuilds_the_identical_design(built, chair, tmp_path):
    summary = json.loads((built / "design.json").read_text())
    assert summary["hash"] == chair.hash and summary["model"] == "slice_chair"
    assert summary["part_count"] == 17 and summary["slot_count"] == 2 * len(chair.joints)
    again = tmp_path / "again"
    result = CliRunner().invoke(main, ["build", "slice_chair", "--params", str(built / "design.json"),
                                       "--out", str(again), "--no-solids"])
    assert result.exit_code == 0, result.output
    second = json.loads((again / "design.json").read_text())
    assert second["hash"] == summary["hash"] and second["params"] == summary["params"]
    assert [p["area"] for p in second["parts"]] == [p["area"] for p in summary["parts"]]


def test_inch_export(tmp_path, chair):
    out = tmp_path / "inch"
    assert CliRunner().invoke(main, ["build", "slice_chair", "--out", str(out), "--unit", "in",
                                     "--no-solids"]).exit_code == 0
    doc = ezdxf.readfile(out / "parts" / "rib-1.dxf")
    assert doc.header["$INSUNITS"] == 1
    outer = doc.modelspace().query('LWPOLYLINE[layer=="CUT_OUTSIDE_17.7MM"]')[0]
    area_in2 = Polygon(_ring(outer)).area
    rib = chair.part("rib-1")
    assert area_in2 * 25.4 ** 2 == pytest.approx(Polygon(rib.outline.exterior).area, abs=ARC_TOL * rib.outline.length)


def test_build_is_fast_enough_to_be_live(chair):
    """Not a timing test (see benchmarks/rebuild.py): just that meshes come from the cheap path."""
    from parametric.mesh import design_meshes

    meshes = design_meshes(chair)
    assert all(m.is_watertight for m in meshes.values())
    assert np.isclose(sum(m.volume for m in meshes.values()), sum(p.volume for p in chair.parts))
