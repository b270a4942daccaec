"""The product files: the STL from the fast mesh path (one watertight body, exact volume) and the STEP."""

from __future__ import annotations

import pytest
import trimesh

from parametric import build_design, mesh


@pytest.mark.parametrize("model", ["slice_chair", "stool", "table", "bookshelf"])
def test_stl_is_one_watertight_body_with_the_design_volume(tmp_path, model):
    design = build_design(model)
    path = tmp_path / f"{model}.stl"
    mesh.export_stl(design, path)
    back = trimesh.load(path)  # float32 on disk, vertices merged by position on load
    assert back.is_watertight and back.is_winding_consistent
    assert len(back.split(only_watertight=False)) == 1  # touching plates are fused, not pinched at edges
    assert back.volume == pytest.approx(sum(p.volume for p in design.parts), rel=1e-5)


def test_a_product_of_several_bodies_stays_watertight(tmp_path):
    """The box (a lift-off lid): every body closed, none pinched, the volume exact."""
    design = build_design("box")
    union = mesh.watertight_mesh(design)
    assert union.is_watertight and len(union.split(only_watertight=True)) == len(union.split(only_watertight=False))
    assert union.volume == pytest.approx(sum(p.volume for p in design.parts), rel=1e-5)


def test_step_names_every_part_and_identical_parts_share_a_product(tmp_path, chair):
    import re

    import cadquery as cq
    import shapely

    from parametric import geometry

    path = tmp_path / "chair.step"
    geometry.export_step(chair, path)
    text = path.read_text()
    instances = re.findall(r"NEXT_ASSEMBLY_USAGE_OCCURRENCE\('[^']*','([^']*)'", text)
    assert sorted(instances) == sorted(p.name for p in chair.parts)
    products = re.findall(r"PRODUCT\('([^']*)'", text)
    assert len(products) == 1 + len({shapely.to_wkb(p.outline) for p in chair.parts}) < 1 + len(chair.parts)
    solids = cq.importers.importStep(str(path)).solids().vals()
    assert len(solids) == len(chair.parts)
    assert sum(s.Volume() for s in solids) == pytest.approx(sum(p.volume for p in chair.parts), rel=1e-6)
