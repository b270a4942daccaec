"""The overlap check's bound from the outlines (:mod:`parametric.checks.prisms`) against manifold3d.

The bound must never fall below the volume two plates share (else an overlap would pass unseen), must
equal it for perpendicular plates, and the check's findings must be those of a boolean on every pair.
"""

from __future__ import annotations

import dataclasses
import math

import manifold3d
import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from shapely.affinity import translate
from shapely.geometry import box

from parametric import build_design
from parametric.checks.overlap import PROVEN_FREE, check_overlaps
from parametric.checks.prisms import shared_volume_bound
from parametric.design import Design
from parametric.errors import GeometryError
from parametric.joinery import cross_lap, cut_slots
from parametric.mesh import Manifolds, part_mesh
from parametric.part import FlatPart, Frame


def volume64(a: FlatPart, b: FlatPart) -> float:
    """The shared volume by a manifold3d boolean in double precision (the reference)."""
    solids = [manifold3d.Manifold(manifold3d.Mesh64(vert_properties=np.asarray(m.vertices, dtype=np.float64),
                                                    tri_verts=np.asarray(m.faces, dtype=np.uint64)))
              for m in (part_mesh(a), part_mesh(b))]
    return (solids[0] ^ solids[1]).volume()


def assert_same_findings(design) -> list:
    """check_overlaps gives the findings and pieces of a boolean on every pair, float for float; returns them."""
    new, new_pieces = check_overlaps(design)
    old, old_pieces = check_overlaps(design, bound=False)
    assert [dataclasses.asdict(f) for f in new] == [dataclasses.asdict(f) for f in old]
    assert new_pieces.keys() == old_pieces.keys()
    for key, piece in new_pieces.items():
        assert np.array_equal(piece.vertices, old_pieces[key].vertices)
    return new


def pair_design(*parts: FlatPart) -> Design:
    return Design("test", "0", None, tuple(parts))


def turned(angle_deg: float, x: float = 0.0) -> Frame:
    """A vertical plate through (x, 0, 0) at ``angle_deg`` to the XZ plane (v = Z, the crossing line)."""
    r = math.radians(angle_deg)
    return Frame((x, 0.0, 0.0), (math.cos(r), math.sin(r), 0.0), (0.0, 0.0, 1.0))


def close(bound: float, reference: float) -> bool:
    """The stated agreement: 1e-6 mm^3 plus 1e-9 of the volume."""
    return abs(bound - reference) <= 1e-6 + 1e-9 * abs(reference)


@pytest.mark.parametrize("angle", [90.0, 75.0, 60.0, 45.0, 30.0, 135.0])
def test_crossing_plates_overlap_found_at_angles(angle):
    """Two unslotted vertical plates crossing along Z share tA * tB * height / sin: found, with the
    boolean's volume; the bound is that volume at 90 degrees and never below it at any angle."""
    t_a, t_b, height = 18.0, 12.0, 80.0
    a = FlatPart("a", box(-100, 0, 100, height), t_a, Frame.xz())
    b = FlatPart("b", box(-100, 0, 100, height), t_b, turned(angle))
    expected = t_a * t_b * height / math.sin(math.radians(angle))
    bound, reference = shared_volume_bound(a, b), volume64(a, b)
    assert reference == pytest.approx(expected, rel=1e-9)
    assert bound >= reference - 1e-6
    if angle == 90.0:
        assert close(bound, reference)
    (finding,) = assert_same_findings(pair_design(a, b))
    assert finding.severity == "error" and finding.measured == pytest.approx(expected, rel=1e-4)


def test_bound_of_two_plates_of_one_name():
    """Outside a design two plates may share a name: each is still measured as itself."""
    a = FlatPart("p", box(-100, 0, 100, 80), 18.0, Frame.xz())
    b = FlatPart("p", box(-50, 0, 50, 40), 12.0, turned(90.0))
    assert close(shared_volume_bound(a, b), 18.0 * 12.0 * 40.0)


@pytest.mark.parametrize("angle", [90.0, 60.0, 30.0])
def test_thick_bars_along_the_crossing_are_exact(angle):
    """Two 2 mm wide, 25 mm thick bars along the crossing line: each one's chord lies inside the other's
    slab, so the bound is exact at any angle: 2 * 2 * length / sin (a rhombus of side 2 / sin)."""
    a = FlatPart("a", box(-1, 0, 1, 80), 25.0, Frame.xz())
    b = FlatPart("b", box(-1, 0, 1, 80), 25.0, turned(angle))
    expected = 4.0 * 80.0 / math.sin(math.radians(angle))
    assert volume64(a, b) == pytest.approx(expected, rel=1e-9)
    assert close(shared_volume_bound(a, b), expected)


@pytest.mark.parametrize("angle", [90.0, 60.0, 120.0])
def test_cross_lap_touches_without_volume(angle):
    """A cross-lap with slots exactly as wide as the mating plate needs: faces touch, nothing is shared,
    the outlines prove it (no boolean) and the check passes."""
    a = FlatPart("a", box(-100, 0, 100, 120), 18.0, Frame.xz())
    b = FlatPart("b", box(-100, 0, 100, 120), 15.0, turned(angle))
    (lap,) = cross_lap(a, b, clearance=0.0)
    a, b = cut_slots(a, [("b", lap.slot_a)]), cut_slots(b, [("a", lap.slot_b)])
    assert shared_volume_bound(a, b) <= 1e-9
    assert abs(volume64(a, b)) <= 1e-6
    (finding,) = assert_same_findings(pair_design(a, b))
    assert finding.severity == "pass"


@pytest.mark.parametrize("angle", [90.0, 70.0])
def test_slot_half_a_mm_too_narrow_overlaps(angle):
    """The same cross-lap with a's slot 0.5 mm narrower (one wall moved in): b's face cuts 0.5 mm / sin
    into a over a's thickness and the depth of a's slot, an error with the boolean's volume."""
    t_a, t_b = 18.0, 15.0
    a = FlatPart("a", box(-100, 0, 100, 120), t_a, Frame.xz())
    b = FlatPart("b", box(-100, 0, 100, 120), t_b, turned(angle))
    (lap,) = cross_lap(a, b, clearance=0.0)
    x0, y0, x1, y1 = lap.slot_a.bounds
    a, b = cut_slots(a, [("b", box(x0 + 0.5, y0, x1, y1))]), cut_slots(b, [("a", lap.slot_b)])
    expected = 0.5 * t_a * (min(y1, 120.0) - max(y0, 0.0))  # the wall band: 0.5 mm along a's u, the slot deep
    reference = volume64(a, b)
    assert shared_volume_bound(a, b) >= reference - 1e-6
    if angle == 90.0:
        assert reference == pytest.approx(expected, rel=1e-9) and close(shared_volume_bound(a, b), reference)
    (finding,) = assert_same_findings(pair_design(a, b))
    assert finding.severity == "error" and finding.measured == pytest.approx(reference, rel=1e-4)


@pytest.mark.parametrize("gap, severity", [(0.0, "pass"), (-0.5, "error"), (2.0, "pass")])
def test_parallel_plates_face_to_face(gap, severity):
    """Stacked layers: touching faces share nothing; pressed 0.5 mm into each other they share the
    common area x 0.5 mm (the bound for parallel plates is thickness overlap x the smaller area)."""
    a = FlatPart("a", box(0, 0, 300, 200), 18.0, Frame.xy(9.0))
    b = FlatPart("b", box(100, 50, 250, 400), 12.0, Frame.xy(18.0 + 6.0 + gap))
    bound, reference = shared_volume_bound(a, b), volume64(a, b)
    assert bound >= reference - 1e-6
    assert reference == pytest.approx(max(-gap, 0.0) * 150 * 150, abs=1e-6)
    if gap:
        assert bound == (0.0 if gap > 0 else pytest.approx(0.5 * b.area))
    (finding,) = assert_same_findings(pair_design(a, b))
    assert finding.severity == severity


def test_touching_faces_skip_the_boolean(monkeypatch):
    """On a real chair every touching pair is proven free from the outlines: the boolean never runs."""
    chair = build_design("slice_chair")
    calls = []
    original = Manifolds.__missing__
    monkeypatch.setattr(Manifolds, "__missing__", lambda self, name: calls.append(name) or original(self, name))
    (finding,) = check_overlaps(chair)[0]
    assert finding.severity == "pass" and not calls


def test_chair_findings_match_the_boolean(chair, chair_uncut):
    """The default chair (all joints touching) and the same chair unslotted (every joint overlapping):
    the findings and pieces of a boolean on every pair."""
    assert assert_same_findings(chair)[0].severity == "pass"
    assert len(assert_same_findings(chair_uncut)) == len(chair_uncut.joints)


@st.composite
def plate_pairs(draw):
    """Two slotted plates, with a hole or not, at a random angle (often a right one), turned and offset at random."""
    def outline():
        w, h = draw(st.floats(30, 300)), draw(st.floats(30, 300))
        shape = box(0, 0, w, h)
        for _ in range(draw(st.integers(0, 2))):
            x, sw, depth = draw(st.floats(0, w)), draw(st.floats(2, 30)), draw(st.floats(5, h * 0.8))
            slot = box(x, -1, x + sw, depth) if draw(st.booleans()) else box(x, h - depth, x + sw, h + 1)
            shape = shape.difference(slot)
        if draw(st.booleans()):  # a hole (a clockwise ring)
            x, y = draw(st.floats(2, w - 12)), draw(st.floats(2, h - 12))
            shape = shape.difference(box(x, y, x + draw(st.floats(2, w - x - 2)), y + draw(st.floats(2, h - y - 2))))
        return translate(shape, -w / 2, -h / 2)  # centred on the frame's origin, so the plates often meet

    def rotation():
        q = np.array([draw(st.floats(-1, 1)) for _ in range(4)])
        assume(np.linalg.norm(q) > 0.1)
        w, x, y, z = q / np.linalg.norm(q)
        return np.array([[1 - 2 * (y * y + z * z), 2 * (x * y - z * w), 2 * (x * z + y * w)],
                         [2 * (x * y + z * w), 1 - 2 * (x * x + z * z), 2 * (y * z - x * w)],
                         [2 * (x * z - y * w), 2 * (y * z + x * w), 1 - 2 * (x * x + y * y)]])

    e = rotation().T  # rows: an orthonormal basis
    angle = math.radians(draw(st.one_of(st.just(90.0), st.floats(5.0, 175.0))))
    n_b = math.cos(angle) * e[2] + math.sin(angle) * e[0]  # B's plane holds e[1], A's and B's crossing line
    across_b = np.cross(n_b, e[1])
    spin_a, spin_b = draw(st.floats(0, 2 * math.pi)), draw(st.floats(0, 2 * math.pi))
    x_a = math.cos(spin_a) * e[0] + math.sin(spin_a) * e[1]
    x_b = math.cos(spin_b) * e[1] + math.sin(spin_b) * across_b
    shift = np.array([draw(st.floats(-100, 100)) for _ in range(3)])
    try:
        a = FlatPart("a", outline(), draw(st.floats(3, 25)), Frame((0.0, 0.0, 0.0), tuple(x_a),
                                                                   tuple(np.cross(e[2], x_a))))
        b = FlatPart("b", outline(), draw(st.floats(3, 25)), Frame(tuple(shift), tuple(x_b), tuple(np.cross(n_b, x_b))))
    except GeometryError:  # a slot cut the outline in two
        assume(False)
    return a, b, abs(math.cos(angle)) < 1e-12


@settings(max_examples=150, deadline=None)
@given(plate_pairs())
def test_bound_against_the_boolean(pair):
    """Random slotted plates at random angles and offsets: the bound is never below the double-precision
    boolean's volume and equals it for perpendicular plates (within 1e-6 mm^3 + 1e-9 relative); the check's
    findings are the boolean's."""
    a, b, perpendicular = pair
    bound, reference = shared_volume_bound(a, b), volume64(a, b)
    assert bound >= reference - 1e-6 - 1e-9 * reference
    if perpendicular:
        assert close(bound, reference)
    findings = assert_same_findings(pair_design(a, b))
    if bound <= PROVEN_FREE:
        assert findings[0].severity == "pass"
