"""The slice bench: the slice chair's machinery, longer; every preset (and a drawn side) builds with
derived cross-lap slots, no two parts overlap, and the seating loads are for two or three sitters."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from models.bench import SliceBench, sitters
from parametric import get_model, loads
from parametric.checks import format_table, run_checks
from parametric.joinery import boxes_touch
from parametric.mesh import design_meshes, to_manifold

SAMPLES = Path(__file__).resolve().parents[2] / "samples" / "profiles"


def assert_slotted_without_overlap(design, rib_count):
    ribs = [p for p in design.parts if p.role == "rib"]
    slats = [p for p in design.parts if p.role == "slat"]
    assert len(ribs) == rib_count and len(slats) >= 4
    laps = {(j.a, j.b) if j.a.startswith("rib") else (j.b, j.a) for j in design.joints if j.kind == "cross_lap"}
    assert laps == {(r.name, s.name) for r in ribs for s in slats}  # every slat crosses every rib
    uncut = get_model(design.model).design(design.params, cut=False)
    for part in design.parts:  # every part lost material to its slots
        assert part.area < uncut.part(part.name).area - 1.0, part.name
    meshes = design_meshes(design)
    for a, b in itertools.combinations(design.parts, 2):
        if boxes_touch(a, b):
            assert (to_manifold(meshes[a.name]) ^ to_manifold(meshes[b.name])).volume() < 1.0, (a.name, b.name)


@pytest.mark.parametrize("preset", list(SliceBench.presets))
def test_every_preset_builds_slotted_without_overlap(preset):
    design = SliceBench.design(preset=preset)
    assert_slotted_without_overlap(design, design.params.rib_count)
    assert max(p.frame.origin[0] for p in design.parts) - min(p.frame.origin[0] for p in design.parts) > 700


@pytest.mark.parametrize("preset, expected", [("hall", 2), ("garden", 2), ("dining", 3)])
def test_seating_loads_are_for_every_sitter(preset, expected):
    design = SliceBench.design(preset=preset)
    assert sitters(design.params.width) == expected
    cases = {c.name: c for c in design.load_cases}
    for name in ("seated", "seat_slats"):
        assert -cases[name].loads[0][1][2] == pytest.approx(expected * loads.USER_N)
    assert cases["front_edge"].loads[0][1][2] == -loads.STAB_N and "lean_back" in cases
    assert [sitters(w) for w in (800, 1490, 1500, 2000)] == [2, 2, 3, 3]


def test_a_drawn_bench_side_builds_and_passes_its_checks():
    cls = get_model("slice_bench")
    design = cls.design(cls.params({"side_outline": f"@{SAMPLES / 'bench_side.dxf'}"}))
    assert_slotted_without_overlap(design, 5)
    report = run_checks(design)
    assert report.ok, format_table(report, show_passes=False)
