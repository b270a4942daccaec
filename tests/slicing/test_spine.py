"""Radial kits with a spine (``hub=spine``): opposite fins are one plate through the axis and the plates
slot into each other there in stacked bands, on meshes the tests make. Plates that are not neighbours
have no joint of their own; the solids' overlap test shows the neighbours' slots keep them clear."""

from __future__ import annotations

import numpy as np
import pytest
import trimesh
from slicing.kit_checks import slot_widths, unjoined, worst_overlap
from slicing.test_made_meshes import MADE, build

from parametric.checks import run_checks
from parametric.errors import ConstraintError, ParameterError
from parametric.slicing import assembly_order


def cone():
    return trimesh.creation.cone(radius=1.0, height=1.6, sections=48)


MESHES = {"sphere": MADE["sphere"], "cone": cone, "open_box": MADE["open_box"]}


@pytest.mark.parametrize("name", MESHES)
@pytest.mark.parametrize("fins", [4, 6, 8])
def test_spine_plates_are_joined_slotted_to_the_sheet_and_drop_in_from_above(name, fins):
    design = build(MESHES[name](), style="radial", hub="spine", count_a=fins, rotation=10)
    plates = [p for p in design.parts if p.role == "fin"]
    assert len(plates) == fins // 2 and len(design.parts) == fins // 2
    assert not unjoined(design)
    laps = [j for j in design.joints if j.kind == "cross_lap"]
    assert len(laps) == fins // 2 - 1  # each plate with the next, on the axis
    n = fins // 2
    for j in laps:
        assert np.allclose(j.direction, (0, 0, 1)) and np.allclose(j.point[:2], (0, 0), atol=1e-6)
        turn = 180 / n * (int(j.b.split("-")[1]) - int(j.a.split("-")[1]))
        assert j.angle_deg == pytest.approx(min(turn, 180 - turn), abs=1e-6)
    widths = slot_widths(design)
    assert len(widths) >= len(laps)  # the slots with walls on both sides are measured
    t, c = design.params["thickness"], design.params["clearance"]
    fits = {(part, round(e, 6)) for part, _, e in widths}  # each part's slot widths for its crossings
    for part, measured, expected in widths:  # measured thickness + clearance, widened off the square;
        assert measured > expected - 0.02 and expected >= t + c - 1e-9  # where two crossings' slots share
        assert any(abs(measured - e) < 0.02 for other, e in fits if other == part)  # a height, the wider one
    volume, pair = worst_overlap(design)
    assert volume < 1.0, pair
    order, stuck = assembly_order([p.name for p in design.parts], design.joints)
    assert not stuck and order == sorted(order, reverse=True)  # the last plate first, fin-01 on top
    report = run_checks(design, families=("manufacturability",))
    assert not report.errors, [f.message for f in report.errors]  # slides together, material under every slot


def test_each_plate_keeps_its_own_band_of_the_axis():
    """Plate k of n keeps the k-th band of the axis from the top: its crossing with plate k + 1 is
    slotted from below up to (n - k) / n of the crossing, plate k + 1's from above down to there."""
    design = build(MADE["sphere"](), style="radial", hub="spine", count_a=8)
    n = 4
    laps = [j for j in design.joints if j.kind == "cross_lap"]
    assert [(j.a, j.b) for j in laps] == [("fin-01", "fin-02"), ("fin-02", "fin-03"), ("fin-03", "fin-04")]
    for j in laps:
        k = int(j.a.split("-")[1])
        assert j.a_opens == "lo" and (j.mid - j.lo) / (j.hi - j.lo) == pytest.approx((n - k) / n)


@pytest.mark.parametrize(("values", "words"), [
    ({"count_a": 5}, ["count_a", "even count of 4 or more"]),
    ({"count_a": 40, "thickness": 30.0, "min_feature": 60}, ["count_a", "fins stack 20 plates"]),
])
def test_a_spine_refuses_counts_it_cannot_build(values, words):
    with pytest.raises(ConstraintError) as err:
        build(MADE["sphere"](), style="radial", hub="spine", **values)
    assert all(w in str(err.value) for w in words), str(err.value)


def test_a_mesh_with_nothing_on_its_axis_is_refused_by_name():
    """Refused with the parameters (the kit is sliced while they are checked), naming the hub."""
    with pytest.raises(ParameterError) as err:
        build(MADE["torus"](), style="radial", hub="spine", count_a=6)
    assert "no material on its vertical axis" in str(err.value) and "hub = rings" in str(err.value)
    assert "hub" in err.value.names
