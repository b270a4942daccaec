"""The collision check's proofs that a capsule misses a part (:mod:`parametric.checks.clearance`) against
manifold3d's exact volumes: a proof must never skip a pair that the boolean finds intersecting, and the
check's findings must be the same as testing every box-near pair with a boolean."""

from __future__ import annotations

import manifold3d
import numpy as np
import pytest
import shapely
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from shapely.geometry import box
from strategies import params_strategy

from parametric import available_models
from parametric.checks import ergonomics, run_checks
from parametric.checks.clearance import SLACK_MM, PartSlabs
from parametric.errors import ParameterError
from parametric.figure import (
    FIGURES,
    SOFT_MM,
    Segment,
    capsule_points,
    capsule_radius,
    poses,
)
from parametric.mesh import PartMeshes, design_meshes, part_mesh, to_manifold
from parametric.part import FlatPart, Frame

#: an 18 mm plate, 400 x 300 mm with a 100 mm square hole, tilted about two axes and moved off the origin
PLATE = FlatPart("plate", box(0, 0, 400, 300).difference(box(150, 100, 250, 200)), 18.0,
                 Frame((120.0, -40.0, 300.0), (0.8, 0.0, 0.6), (0.36, 0.8, -0.48)))
HALF = PLATE.thickness / 2


def capsule(u0, v0, w0, u1, v1, w1, radius) -> Segment:
    """A capsule given by its ends in the plate's frame (mm)."""
    p0, p1 = PLATE.frame.to_world([(u0, v0)], w0)[0], PLATE.frame.to_world([(u1, v1)], w1)[0]
    return Segment("test", p0, p1, float(radius), 1.0, (p0 + p1) / 2)


def proven(seg: Segment, part: FlatPart = PLATE) -> bool:
    """Whether the proofs say the segment's capsule misses ``part``."""
    slabs = PartSlabs([part])
    return bool(slabs.clear(seg.p0[None], seg.p1[None], np.array([capsule_radius(seg)]), np.array([0]))[0])


def volume(seg: Segment, part: FlatPart = PLATE) -> float:
    """The exact volume the capsule's hull (as the check builds it) takes out of ``part``, mm^3."""
    hull = manifold3d.Manifold.hull_points(capsule_points(seg))
    return (hull ^ to_manifold(part_mesh(part))).volume()


def true_distance(seg: Segment, samples: int = 4001) -> float:
    """The smallest distance from points along the segment to the plate (each exact; the sampled minimum
    is at least the true one)."""
    local = PLATE.frame.to_local(seg.p0 + np.linspace(0.0, 1.0, samples)[:, None] * (seg.p1 - seg.p0))
    in_plane = shapely.distance(PLATE.outline, shapely.points(local[:, :2]))
    return float(np.min(np.hypot(in_plane, np.maximum(np.abs(local[:, 2]) - HALF, 0.0))))


def test_a_capsule_along_an_edge_is_proven_clear_just_outside_it_and_not_when_it_cuts_in():
    r = 40.0
    outside = capsule(400 + r + 2 * SLACK_MM, 20, 0, 400 + r + 2 * SLACK_MM, 280, 0, r)
    assert proven(outside) and volume(outside) == 0.0
    inside = capsule(400 + r - 3, 20, 0, 400 + r - 3, 280, 0, r)
    assert not proven(inside) and volume(inside) > 0
    corner = np.array([400.0, 300.0]) + (r + 2 * SLACK_MM) * np.array([1.0, 1.0]) / np.sqrt(2)  # off the corner
    grazing = capsule(*corner, 0, *(corner + [200, 200]), 0, r)
    assert proven(grazing) and volume(grazing) == 0.0
    square = capsule(-r + 3, 150, -100, -r + 3, 150, 100, r)  # square to the plate, 3 mm into its edge
    assert not proven(square) and volume(square) > 0
    ball = capsule(0, 0, 1, 0, 0, 1, 1.0)  # a 1 mm ball on the corner (found by hypothesis)
    assert not proven(ball) and volume(ball) > 0


def test_a_capsule_over_the_face_is_proven_clear_above_it_and_not_half_a_mm_into_the_slab():
    r = 40.0
    above = capsule(50, 50, HALF + r + 2 * SLACK_MM, 350, 60, HALF + r + 2 * SLACK_MM, r)
    assert proven(above) and volume(above) == 0.0
    sunk = capsule(50, 50, HALF + r - 0.5, 350, 60, HALF + r - 0.5, r)  # 0.5 mm into the plate
    assert not proven(sunk) and volume(sunk) > 0
    below_tilted = capsule(50, 50, -HALF - r - 2 * SLACK_MM, 350, 60, -HALF - r - 80, r)  # leaving the face
    assert proven(below_tilted) and volume(below_tilted) == 0.0


def test_a_capsule_beside_the_edge_and_off_the_face_is_not_proven_clear_when_it_reaches_the_edge():
    r, a, b = 40.0, 26.0, 26.0  # 36.8 mm from the plate's edge line: 3.2 mm into it, over 260 mm
    diagonal = capsule(400 + a, 20, HALF + b, 400 + a, 280, HALF + b, r)
    assert not proven(diagonal) and volume(diagonal) > 0
    clear = capsule(400 + 29, 20, HALF + 29, 400 + 29, 280, HALF + 29, r)  # 41 mm off the edge line
    assert proven(clear) and volume(clear) == 0.0


def test_a_capsule_through_the_hole_is_proven_clear_only_when_it_fits_the_hole():
    through = capsule(200, 150, -100, 200, 150, 100, 45.0)  # 5 mm clear of the hole's sides
    assert proven(through) and volume(through) == 0.0
    slanted = capsule(190, 150, -100, 210, 150, 100, 45.0)  # leans 20 mm across: clear inside the slab
    assert proven(slanted) == (volume(slanted) == 0.0)
    fat = capsule(200, 150, -100, 200, 150, 100, 55.0)
    assert not proven(fat) and volume(fat) > 0
    lying = capsule(175, 150, 0, 225, 150, 0, 20.0)  # in the plate's plane, inside the hole, 5 mm clear
    assert proven(lying) and volume(lying) == 0.0
    filled = FlatPart("solid", box(0, 0, 400, 300), 18.0, PLATE.frame)  # the same plate without the hole
    assert not proven(lying, filled) and volume(lying, filled) > 0


def test_the_broad_phase_keeps_every_pair_whose_capsule_hull_and_part_mesh_boxes_meet():
    design = available_models()["slice_chair"].design(preset="lounge")
    slabs, meshes = PartSlabs(design.parts), design_meshes(design)
    assert np.allclose(slabs.lo, [meshes[n].bounds[0] for n in slabs.names], atol=1e-9)
    assert np.allclose(slabs.hi, [meshes[n].bounds[1] for n in slabs.names], atol=1e-9)
    lo, hi = np.array([meshes[n].bounds[0] for n in slabs.names]), np.array([meshes[n].bounds[1] for n in slabs.names])
    segs = [s for name in FIGURES for posture in ("upright", "lean_back")
            for p in poses(design.seat, name, posture) for s in p.segments]
    kept = set(zip(*slabs.near(np.array([s.p0 for s in segs]), np.array([s.p1 for s in segs]),
                                np.array([capsule_radius(s, SOFT_MM) for s in segs]))))
    for i, seg in enumerate(segs):
        points = capsule_points(seg, shrink=SOFT_MM)
        meet = np.all(points.min(axis=0) <= hi, axis=1) & np.all(points.max(axis=0) >= lo, axis=1)
        assert {(i, j) for j in np.flatnonzero(meet)} <= kept


def test_a_capsule_needs_a_positive_radius():
    with pytest.raises(ValueError, match="positive radius"):
        PartSlabs([PLATE]).clear(np.zeros((1, 3)), np.ones((1, 3)), np.array([0.0]), np.array([0]))


near = st.floats(-80, 480)  # plate's frame, mm: the plate, its hole and up to 80 mm around


@settings(max_examples=300, deadline=None)
@given(u0=near, v0=near, w0=st.floats(-90, 90), u1=near, v1=near, w1=st.floats(-90, 90), radius=st.floats(1, 60))
def test_a_proof_never_skips_a_capsule_the_boolean_finds_in_the_plate(u0, v0, w0, u1, v1, w1, radius):
    seg = capsule(u0, v0, w0, u1, v1, w1, radius)
    if proven(seg):
        assert volume(seg) == 0.0 and true_distance(seg) > radius


def test_a_piece_of_the_segment_that_jumps_the_slab_is_held_to_the_full_radius():
    # square to the plate, 59.95 mm beside its edge: the stretch that matters (w from -69 to 40) cut in 4
    # puts the slab between the cuts at w = -14.5 and 12.7; the capsule (60 mm) reaches over the edge there
    seg = capsule(400 + 59.95, 150, -80, 400 + 59.95, 150, 40, 60.0)
    assert true_distance(seg) < 60.0 and not proven(seg)


@settings(max_examples=300, deadline=None)
@given(g=st.floats(-20, 70), v=st.floats(-40, 340), w0=st.floats(-90, -10), w1=st.floats(10, 90),
       du=st.floats(-40, 40), dv=st.floats(-40, 40), radius=st.floats(1, 60))
def test_a_proof_never_skips_a_capsule_crossing_the_plane_by_an_edge_within_its_radius(g, v, w0, w1, du, dv, radius):
    seg = capsule(400 + g, v, w0, 400 + g + du, v + dv, w1, radius)  # through the plate's plane, by its edge
    if proven(seg):
        assert true_distance(seg) > radius


def findings(design, names, prove: bool) -> list[tuple]:
    """The ERGO-COLLIDE findings, with the proofs or with every box-near pair tested by a boolean."""
    if prove:
        found = ergonomics.collisions(design, names)
    else:
        original = PartSlabs.clear
        PartSlabs.clear = lambda self, p0, p1, radius, which: np.zeros(len(which), dtype=bool)
        try:
            found = ergonomics.collisions(design, names)
        finally:
            PartSlabs.clear = original
    return [(f.code, f.severity, f.part, f.measured, f.margin, f.message, f.case) for f in found]


SEATS = [(name, preset) for name, cls in sorted(available_models().items()) for preset in cls.schema.presets
         if cls.design(preset=preset).seat is not None]


@pytest.mark.parametrize("name, preset", SEATS)
def test_the_proofs_leave_every_figures_findings_as_the_booleans_alone_give(name, preset):
    design = available_models()[name].design(preset=preset)
    names = tuple(FIGURES)  # every figure, not only the ones the preset is for: more near misses and hits
    with_proofs = findings(design, names, True)
    assert with_proofs == findings(design, names, False)
    assert {f[6] for f in with_proofs} == set(names)
    if (name, preset) == ("slice_chair", "lounge"):  # where the larger figures press into slats and ribs
        assert sum(f[1] == "error" for f in with_proofs) >= 3


@pytest.mark.parametrize("name", [n for n in sorted(available_models()) if n in ("slice_chair", "slice_bench", "stool")])
def test_any_seating_design_has_the_same_collisions_with_the_proofs_as_with_booleans_alone(name):
    cls = available_models()[name]

    @settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow], database=None)
    @given(params_strategy(cls.schema), st.sampled_from(sorted(FIGURES)))
    def check(values, figure):
        try:
            design = cls.design(cls.params(values))
        except ParameterError:
            return
        if design.seat is not None:
            assert findings(design, (figure,), True) == findings(design, (figure,), False)

    check()


def test_part_meshes_are_the_design_meshes_made_one_at_a_time():
    design = available_models()["slice_chair"].design(preset="dining")
    lazy, full = PartMeshes(design), design_meshes(design)
    assert list(lazy) == list(full) and len(lazy) == len(full) and "rib-1" in lazy and "nothing" not in lazy
    assert not lazy._made  # asking what is there made nothing
    name = next(iter(full))
    assert np.array_equal(lazy[name].vertices, full[name].vertices) and np.array_equal(lazy[name].faces, full[name].faces)
    assert list(lazy._made) == [name] and lazy[name] is lazy[name]
    with pytest.raises(KeyError):
        lazy["nothing"]


@pytest.mark.parametrize("preset", ["lounge", "dining"])
def test_the_checks_find_the_same_with_meshes_made_on_demand_as_with_all_made_first(preset):
    design = available_models()["slice_chair"].design(preset=preset)
    lazy, full = run_checks(design), run_checks(design, meshes=design_meshes(design))
    assert [vars(f) for f in lazy.findings] == [vars(f) for f in full.findings]
    assert any(f.code == "ERGO-COLLIDE" for f in lazy.findings) and any(f.code == "OVLP" for f in lazy.findings)
