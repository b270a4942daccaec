"""Slice kits of the shared third-party meshes, read in place from ``../shared/bench/meshes/`` (never
copied into the project); skipped when that folder is absent."""

from __future__ import annotations

from pathlib import Path

import pytest

from parametric import get_model
from parametric.checks import run_checks
from slicing.kit_checks import slot_widths, unjoined, worst_overlap

MESHES = Path(__file__).resolve().parents[2].parent / "shared" / "bench" / "meshes"
pytestmark = pytest.mark.skipif(not MESHES.is_dir(), reason=f"{MESHES} is absent (shared benchmark meshes)")
SLICED = get_model("sliced")
CASES = {
    # file: (parameters, open after its vertices are merged?)
    "teapot.stl": ({"size": 600, "size_of": "longest", "count_a": 8, "count_b": 7}, True),
    "torus.STL": ({"size": 500, "size_of": "longest", "count_a": 7, "count_b": 7}, False),
    # the rabbit's ears are open shells in the file, closed by their caps once shared vertices merge
    "rabbit.obj": ({"up": "y", "size": 500, "count_a": 6, "count_b": 8}, False),
}


@pytest.fixture(scope="module", params=sorted(CASES))
def kit(request):
    values, is_open = CASES[request.param]
    params = SLICED.params({"mesh": f"@{MESHES / request.param}", "min_feature": 10, **values})
    return request.param, SLICED.design(params), is_open


def test_shared_mesh_kit_fits_joins_and_does_not_overlap(kit):
    name, design, is_open = kit
    assert len(design.parts) >= 6
    assert not unjoined(design)
    widths = slot_widths(design)
    laps = sum(j.kind == "cross_lap" for j in design.joints)
    assert len(widths) >= 0.5 * 2 * laps  # the rest are notches at the end of an island (one wall only)
    t = design.params["thickness"] + design.params["clearance"]
    assert all(expected == pytest.approx(t) for _, _, expected in widths)
    assert all(measured > expected - 0.02 for _, measured, expected in widths)  # no slot is tight
    fit = [part for part, measured, expected in widths if abs(measured - expected) < 0.02]
    assert len(fit) >= 0.9 * len(widths)  # the rest run along a part's edge, where one wall is missing
    volume, pair = worst_overlap(design)
    assert volume < 1.0, pair
    codes = {f.code: f for f in run_checks(design, families=("manufacturability",)).findings}
    assert codes["SLICE-ASSEMBLY"].severity == "pass"
    assert ("MESH-OPEN" in codes) == is_open  # the open borders were capped, and said so
    assert ("MESH-SHELLS" in codes) == (name != "torus.STL")


@pytest.mark.parametrize("name, up", [("torus.STL", "z"), ("rabbit.obj", "y")])
def test_closed_shared_mesh_envelope_matches_its_volume(name, up):
    from parametric.slicing import SliceSpec, make_kit, prepared

    data = SLICED.params({"mesh": f"@{MESHES / name}"}).mesh
    mesh = prepared(data, up, 500.0, "longest")
    assert mesh.watertight
    kit = make_kit(mesh, SliceSpec("interlocked", 20, 20, thickness=6.0, clearance=0.1, min_feature=3.0))
    for family in ("a", "b"):
        assert kit.envelope_volume(family) == pytest.approx(mesh.volume, rel=0.04)


def test_shared_mesh_params_rebuild_the_same_design_without_the_file(kit, tmp_path):
    name, design, _ = kit
    stored = design.params.to_dict()
    assert stored["mesh"]["source"] == name and len(stored["mesh"]["sha256"]) == 64
    again = SLICED.design(SLICED.params(stored))
    assert again.hash == design.hash and [p.outline.wkb for p in again.parts] == [p.outline.wkb for p in design.parts]
