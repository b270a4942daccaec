"""Slice kits of meshes the tests make (trimesh.creation): slots, overlaps, joints, volume, defects."""

from __future__ import annotations

import numpy as np
import pytest
import trimesh

from parametric import get_model
from parametric.checks import run_checks
from parametric.slicing import SliceSpec, assembly_order, make_kit, prepared
from slicing.kit_checks import slot_widths, unjoined, worst_overlap

SLICED = get_model("sliced")


def sphere():
    return trimesh.creation.icosphere(subdivisions=4, radius=1.0)


def torus():
    return trimesh.creation.torus(major_radius=1.0, minor_radius=0.35, major_sections=64, minor_sections=32)


def box_with_hole():
    """A box with a round hole straight through it (a manifold3d boolean)."""
    box = trimesh.creation.box((2.0, 2.0, 1.0))
    return box.difference(trimesh.creation.cylinder(radius=0.45, height=3.0, sections=48))


def two_boxes():
    """Two closed boxes that overlap, as one mesh of two shells (not unioned)."""
    a = trimesh.creation.box((2.0, 1.0, 1.0))
    b = trimesh.creation.box((1.0, 2.0, 1.4))
    b.apply_translation((0.4, 0.4, 0.2))
    return trimesh.util.concatenate([a, b])


def open_box():
    """A box with one face (a triangle of its top) removed: not watertight."""
    box = trimesh.creation.box((2.0, 1.5, 1.0))
    top = np.flatnonzero(box.face_normals[:, 2] > 0.9)[0]
    box.update_faces(np.arange(len(box.faces)) != top)
    assert not box.is_watertight
    return box


MADE = {"sphere": sphere, "torus": torus, "box_with_hole": box_with_hole, "two_boxes": two_boxes,
        "open_box": open_box}
STYLES = {"interlocked": {"count_a": 8, "count_b": 7}, "radial": {"count_a": 6, "count_b": 3, "core": 40},
          "stacked": {"thickness": 12.0}}


def build(mesh, **values):
    values = {"mesh": mesh, "size": 400, "size_of": "longest", "min_feature": 10, **values}
    return SLICED.design(SLICED.params(values))


@pytest.mark.parametrize("name", MADE)
@pytest.mark.parametrize("style", STYLES)
def test_kit_slots_fit_nothing_overlaps_and_every_part_is_joined(name, style):
    design = build(MADE[name](), style=style, **STYLES[style])
    assert len(design.parts) >= 3
    assert not unjoined(design)
    widths = slot_widths(design)
    assert all(measured > expected - 0.02 for _, measured, expected in widths)  # no slot is tight
    fit = [part for part, measured, expected in widths if abs(measured - expected) < 0.02]
    assert len(fit) >= 0.9 * len(widths)  # the rest run along a part's edge, where one wall is missing
    if style != "stacked":
        laps = sum(j.kind == "cross_lap" for j in design.joints)
        assert len(widths) >= 0.8 * 2 * laps  # all but the notches at the very end of a part are measured
        t = design.params["thickness"] + design.params["clearance"]
        assert all(abs(w - t) < 0.02 for _, w, _ in widths)  # square crossings: thickness + clearance
    volume, pair = worst_overlap(design)
    assert volume < 1.0, pair
    report = run_checks(design, families=("manufacturability",))
    assert not [f for f in report.findings if f.code in ("MFG-SLIDE", "SLICE-ASSEMBLY") and f.severity == "error"]


@pytest.mark.parametrize("name", ["sphere", "torus", "box_with_hole", "two_boxes"])
def test_the_kit_envelope_holds_the_closed_mesh_volume(name):
    """Each family's sections times their spacing (the slices' envelope) is the mesh volume within 4 %."""
    spec = SliceSpec("interlocked", 20, 20, thickness=6.0, clearance=0.1, min_feature=3.0)
    mesh = prepared(SLICED.params({"mesh": MADE[name]()}).mesh, "z", 400.0, "longest")
    assert mesh.watertight
    kit = make_kit(mesh, spec)
    for family in ("a", "b"):
        assert kit.envelope_volume(family) == pytest.approx(mesh.volume, rel=0.04), family


def test_overlapping_shells_are_unioned_and_said_so():
    design = build(two_boxes(), count_a=6, count_b=6)
    codes = {n["code"] for n in design.notes}
    assert "MESH-SHELLS" in codes
    # a section through both boxes is one part (the union), not two overlapping ones
    assert not any("." in p.name for p in design.parts)


def test_an_open_mesh_is_capped_and_reported():
    design = build(open_box(), count_a=6, count_b=6)
    notes = {n["code"]: n for n in design.notes}
    assert "MESH-REPAIRED" in notes or "MESH-OPEN" in notes
    # the capped kit has the closed box's outline: a rectangle in every slice
    for part in design.parts:
        assert part.outline.convex_hull.area > 0.9 * part.outline.envelope.area


def test_an_open_mesh_trimesh_cannot_fill_is_capped_in_2d():
    """A box without its top and one side: fill_holes leaves it open; sections cap it with lines."""
    box = trimesh.creation.box((2.0, 2.0, 1.0))
    box.update_faces((box.face_normals[:, 2] < 0.9) & (box.face_normals[:, 0] < 0.9))
    design = build(box, count_a=5, count_b=5)
    open_note = next(n for n in design.notes if n["code"] == "MESH-OPEN")
    assert open_note["severity"] == "warning" and open_note["measured"] > 100  # a 400 mm wide top bridged
    assert run_checks(design).findings[0].code in {n["code"] for n in design.notes}


def test_torus_slices_fall_into_islands_and_each_is_joined():
    design = build(torus(), count_a=7, count_b=7)
    islands = [p.name for p in design.parts if "." in p.name]
    assert islands  # the planes through the hole cut two pieces
    assert not unjoined(design)


def test_fragments_below_min_feature_are_dropped_and_reported():
    fin = trimesh.creation.box((0.05, 1.5, 0.8))  # a thin wall apart from the box: 10 mm wide sections
    fin.apply_translation((1.3, 0.0, 0.0))
    design = build(trimesh.util.concatenate([trimesh.creation.box((2.0, 2.0, 1.0)), fin]), count_a=6, count_b=6)
    tiny = next(n for n in design.notes if n["code"] == "SLICE-TINY")
    assert tiny["severity"] == "warning" and "min_feature" in tiny["fix"]
    report = run_checks(design)
    assert "SLICE-TINY" in {f.code for f in report.findings}


def test_assembly_order_finds_an_order_or_names_the_stuck_parts():
    design = build(sphere())
    order, stuck = assembly_order([p.name for p in design.parts], design.joints)
    assert not stuck and sorted(order) == sorted(p.name for p in design.parts)
    names = [p.name for p in design.parts]

    def flip(j):  # the slot pair opened the other way round
        return j.__class__(**{**j.__dict__, "a_opens": "hi" if j.a_opens == "lo" else "lo"})

    one = [flip(design.joints[0]), *design.joints[1:]]
    assert not assembly_order(names, one)[1]  # still goes together: those two parts go in first
    checker = [flip(j) if (names.index(j.a) + names.index(j.b)) % 2 else j for j in design.joints]
    order, stuck = assembly_order(names, checker)
    assert stuck and set(stuck) | set(order) == set(names)  # slots alternating: the middle parts lock


def test_stacked_layers_are_glued_with_dowel_holes():
    design = build(sphere(), style="stacked", thickness=18.0, dowel=8)
    layers = sorted(design.parts, key=lambda p: p.frame.origin[2])
    assert [j.kind for j in design.joints] == ["glue"] * (len(layers) - 1)
    middle = layers[len(layers) // 2]
    assert middle.outline.interiors  # dowel holes
    hole = middle.outline.interiors[0]
    assert np.ptp(np.asarray(hole.coords)[:, 0]) == pytest.approx(8 + design.params["clearance"], abs=0.05)


def test_radial_fins_start_at_the_core_and_slide_in_radially():
    design = build(sphere(), style="radial", count_a=6, count_b=5, core=50)
    fins = [p for p in design.parts if p.role == "fin"]
    assert len(fins) == 6
    for fin in fins:
        assert fin.outline.bounds[0] >= 50 - 1e-6
    for j in design.joints:
        assert abs(j.direction[2]) < 1e-9  # every slot runs horizontally, out from the axis


def test_families_at_an_angle_get_slots_widened_for_the_crossing():
    """At 60 degrees a slot is (t + c) / sin 60 + t |cot 60| wide, so the mating plate clears it."""
    design = build(sphere(), count_a=5, count_b=5, angle=60)
    widths = slot_widths(design)
    t, c = design.params["thickness"], design.params["clearance"]
    expected = (t + c) / np.sin(np.radians(60)) + t / np.tan(np.radians(60))
    assert widths and all(w[2] == pytest.approx(expected) for w in widths)
    fit = [w for w in widths if abs(w[1] - w[2]) < 0.02]
    assert len(fit) >= 0.9 * len(widths) and all(w[1] > w[2] - 0.02 for w in widths)
    assert worst_overlap(design)[0] < 1.0 and not unjoined(design)


def test_degenerate_triangles_are_dropped_and_said_so():
    mesh = sphere()
    faces = np.vstack([mesh.faces, [[0, 0, 1], [2, 3, 3]]])  # two triangles with a repeated corner
    design = build(trimesh.Trimesh(mesh.vertices, faces, process=False), count_a=4, count_b=4)
    note = next(n for n in design.notes if n["code"] == "MESH-DEGENERATE")
    assert note["measured"] == 2
