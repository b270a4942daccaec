"""Cross-lap slots derived from geometry: widths, depths, openings, refusals, other angles."""

from __future__ import annotations

import math

import numpy as np
import pytest
from shapely.geometry import LineString, Point, box
from shapely.ops import unary_union

from parametric.errors import JoineryError
from parametric.joinery import cross_lap, cut_slots
from parametric.part import FlatPart, Frame


def _removed_along(part_uncut, part_cut, joint, which):
    """Width across, and length along the crossing centre line, of the material a slot removed."""
    frame = part_uncut.frame
    p0 = np.asarray(joint.point)
    d = np.asarray(joint.direction)
    origin = frame.to_local([p0])[0, :2]
    da = frame.dir_to_local(d)[:2]
    # an opening by 0.01 mm drops the round-off slivers the overlay leaves along shared edges
    removed = part_uncut.outline.difference(part_cut.outline).buffer(-0.01, join_style="mitre").buffer(
        0.01, join_style="mitre")
    width = joint.width_a if which == "a" else joint.width_b
    # restrict to this slot: a box around the crossing
    lo, hi = joint.lo - 50, joint.hi + 50
    perp = np.array([-da[1], da[0]])
    corridor = LineString([origin + lo * da, origin + hi * da]).buffer(width, cap_style="flat")
    slot = removed.intersection(corridor)
    pieces = [g for g in getattr(slot, "geoms", [slot]) if g.area > 0.01]  # drop round-off slivers
    coords = np.concatenate([np.asarray(g.exterior.coords) for g in pieces])
    across = (coords - origin) @ perp
    centre = LineString([origin + lo * da, origin + hi * da]).intersection(unary_union(pieces))
    return across.max() - across.min(), centre.length


def test_every_crossing_has_complementary_slots(chair, chair_uncut):
    assert len(chair.joints) == 3 * 14
    t, c = chair.params.thickness, chair.params.clearance
    for j in chair.joints:
        assert j.kind == "cross_lap"
        assert j.width_a == pytest.approx(t + c) and j.width_b == pytest.approx(t + c)
        assert j.depth_a + j.depth_b == pytest.approx(j.hi - j.lo)
        wa, da = _removed_along(chair_uncut.part(j.a), chair.part(j.a), j, "a")
        wb, db = _removed_along(chair_uncut.part(j.b), chair.part(j.b), j, "b")
        assert wa == pytest.approx(t + c, abs=1e-6) and wb == pytest.approx(t + c, abs=1e-6)
        # measured along the centre line inside each part, the two slots add up to the crossing
        # (within the 0.02 mm chord tolerance to which curved edges are drawn)
        assert da + db == pytest.approx(j.hi - j.lo, abs=0.03)
        assert da == pytest.approx(j.depth_a, abs=0.03) and db == pytest.approx(j.depth_b, abs=0.03)
        assert j.a_opens in ("lo", "hi")


def _plate(name, outline, frame, t=18.0):
    return FlatPart(name, outline, t, frame)


@pytest.mark.parametrize("angle", [90.0, 75.0, 60.0, 45.0])
def test_angled_crossing_slots_interlock_without_overlap(angle):
    """Two plates crossing at another angle: widened slots, zero overlap, depths add up."""
    from parametric.mesh import part_mesh, to_manifold

    a = _plate("a", box(-200, 0, 200, 100), Frame.xz())
    rad = math.radians(angle)
    # b is vertical too, rotated about Z so its plane meets a's at `angle`; it sits 30 mm higher
    b = _plate("b", box(-150, 30, 150, 160), Frame((0, 0, 0), (math.cos(rad), math.sin(rad), 0), (0, 0, 1)))
    laps = cross_lap(a, b, clearance=0.2)
    assert len(laps) == 1
    j = laps[0].joint
    assert j.angle_deg == pytest.approx(angle)
    assert j.hi - j.lo == pytest.approx(70.0)  # a's top edge (100) down to b's bottom edge (30)
    a_cut = cut_slots(a, [("b", laps[0].slot_a)])
    b_cut = cut_slots(b, [("a", laps[0].slot_b)])
    whole = (to_manifold(part_mesh(a)) ^ to_manifold(part_mesh(b))).volume()
    assert whole > 1000
    slotted = (to_manifold(part_mesh(a_cut)) ^ to_manifold(part_mesh(b_cut))).volume()
    assert slotted < 1.0
    expected = 18.0 * 18.0 * 70.0 / math.sin(rad)
    assert whole == pytest.approx(expected, rel=0.01)


def test_plates_that_cannot_interlock_are_refused():
    """A peg wholly inside a post along the crossing has no edge for a slot to open from."""
    post = _plate("post", box(-100, -200, 100, 200), Frame.yz())
    peg = _plate("peg", box(-50, -20, 50, 20), Frame.xz())
    with pytest.raises(JoineryError, match="peg lies wholly inside post"):
        cross_lap(post, peg, clearance=0.2)


def test_slot_that_would_cut_a_part_in_two_is_refused():
    """A V-notch beside the crossing leaves only 4 mm of rail where the slot goes: refuse."""
    from shapely.geometry import Polygon

    rail = _plate("rail", Polygon([(-200, 0), (200, 0), (200, 30), (9, 30), (6, 4), (3, 30), (-200, 30)]),
                  Frame.xz())
    post = _plate("post", box(-150, -100, 150, 20), Frame.yz())
    laps = cross_lap(rail, post, clearance=0.2)
    assert len(laps) == 1 and laps[0].joint.a_opens == "lo"
    with pytest.raises(JoineryError, match="would cut rail in two") as exc:
        cut_slots(rail, [("post", laps[0].slot_a)])
    assert "post" in str(exc.value)


def test_parallel_plates_do_not_cross():
    a = _plate("a", box(0, 0, 100, 100), Frame.xz(0))
    b = _plate("b", box(0, 0, 100, 100), Frame.xz(50))
    assert cross_lap(a, b, clearance=0.2) == []


def test_many_pairs_at_once_give_the_joints_and_slots_of_one_pair_at_a_time():
    """``cross_laps`` batches the shapely work of a slice kit's crossings: per pair, exactly the joints
    and slot polygons ``cross_lap`` gives, the refusals in place, and shares per pair."""
    import shapely

    from parametric.joinery import cross_laps, touching_pairs

    rings = [_plate(f"r{i}", Point(0, 0).buffer(160 - 15 * i, 24).difference(Point(0, 0).buffer(40, 24)),
                    Frame.xy(40.0 * i + 20)) for i in range(4)]
    fins = [_plate(f"f{k}", box(60, 0, 200 - 10 * k, 180 - 20 * k), Frame(
        (0, 0, 0), (math.cos(a), math.sin(a), 0), (0, 0, 1))) for k, a in enumerate(np.radians([0, 70, 150, 250]))]
    post = _plate("post", box(-100, -200, 100, 200), Frame.yz())
    peg = _plate("peg", box(-50, -20, 50, 20), Frame.xz())
    pairs = touching_pairs(fins, rings) + [(post, peg)] + [(rings[0], rings[1])]
    shares = [0.3 + 0.05 * (i % 5) for i in range(len(pairs))]
    batched = cross_laps(pairs, clearance=0.2, share_a=shares)
    assert len(batched) == len(pairs) and sum(isinstance(b, list) and len(b) == 1 for b in batched) == 15
    for (a, b), share, got in zip(pairs, shares, batched):
        try:
            one = cross_lap(a, b, clearance=0.2, share_a=share)
        except JoineryError as exc:
            assert isinstance(got, JoineryError) and str(got) == str(exc)
            continue
        assert [lap.joint for lap in got] == [lap.joint for lap in one]
        assert [shapely.to_wkb(s) for lap in got for s in (lap.slot_a, lap.slot_b)] == \
            [shapely.to_wkb(s) for lap in one for s in (lap.slot_a, lap.slot_b)]
    with pytest.raises(JoineryError, match="share_a"):
        cross_laps(pairs, clearance=0.2, share_a=[0.5] * (len(pairs) - 1) + [1.0])
