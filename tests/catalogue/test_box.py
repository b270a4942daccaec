"""Finger joints: every corner column is owned by exactly one panel, so the panels fill the box's
walls; a lift-off lid sits on the walls, its glued lip inside them."""

from __future__ import annotations

import pytest
from shapely.geometry import box

from parametric import build_design
from parametric.checks import run_checks
from parametric.edge_joints import glue_joint
from parametric.errors import JoineryError
from parametric.joinery import world_bounds
from parametric.model import Model
from parametric.params import Length
from parametric.part import Frame


@pytest.mark.parametrize("lid", ["fixed", "none"])
def test_panels_fill_the_walls_exactly(lid):
    d = build_design("box", width=200, depth=150, height=100, thickness=3.0, clearance=0.0, lid=lid)
    t = 3.0
    inner_height = 100 - (2 * t if lid == "fixed" else t)
    expected = 200 * 150 * 100 - (200 - 2 * t) * (150 - 2 * t) * inner_height
    assert sum(p.volume for p in d.parts) == pytest.approx(expected, rel=1e-9)
    kinds = {j.kind for j in d.joints}
    assert kinds == {"finger"} and len(d.joints) == (12 if lid == "fixed" else 8)


def test_fingers_are_odd_and_in_multiples_of_thickness():
    d = build_design("box", finger=3, thickness=3.0, lid="fixed")
    for j in d.joints:
        count = round((j.hi - j.lo) / j.width_a)
        assert count % 2 == 1 and count >= 3
        assert j.width_a == pytest.approx(9.0, rel=0.35)


def test_lift_off_lid_rests_on_the_walls_with_its_lip_inside():
    t = 3.0
    d = build_design("box", width=200, depth=150, height=100, thickness=t, clearance=0.0)  # lift-off by default
    lid, lip = d.part("lid"), d.part("lip")
    walls_top = max(world_bounds(p)[1, 2] for p in d.parts if p.role in ("front", "side"))
    assert walls_top == pytest.approx(100 - t)  # the lid's thickness completes the height
    assert world_bounds(lid)[0, 2] == pytest.approx(walls_top) and world_bounds(lid)[1, 2] == pytest.approx(100)
    assert world_bounds(lip)[1, 2] == pytest.approx(walls_top)  # the lip hangs inside the walls
    assert lip.size == pytest.approx((200 - 2 * t - 1.0, 150 - 2 * t - 1.0))  # 0.5 mm clear of each wall
    (glue,) = [j for j in d.joints if j.kind == "glue"]
    assert {glue.a, glue.b} == {"lid", "lip"} and glue.hi == pytest.approx(lip.area)  # contact area
    assert set(d.removable) == {"lid", "lip"}
    report = run_checks(d)
    assert report.ok and report.by_code("MFG-DISCONNECTED")[0].severity == "pass"
    assert report.by_code("OVLP")[0].severity == "pass"


class Plates(Model):
    name = "test_plates"
    gap = Length(0, min=0, max=20, step=1)

    def build(self, p):
        a = self.plate("a", box(0, 0, 100, 100), Frame.xy(5), thickness=10)
        b = self.plate("b", box(20, 20, 80, 80), Frame.xy(10 + 3 + p.gap), thickness=6)
        self.glue(a, b)


def test_glue_needs_faces_in_contact():
    d = Plates.design()
    assert glue_joint(d.part("a"), d.part("b")).hi == pytest.approx(60 * 60)
    with pytest.raises(JoineryError, match="face to face"):
        Plates.design(Plates.params({"gap": 2}))


def test_a_part_that_is_not_a_lid_must_still_be_joined():
    d = build_design("box", lid="lift-off")
    loose = type(d)(d.model, d.model_version, d.params, d.parts, d.joints, d.load_cases, d.title, removable=("lid",))
    finding = run_checks(loose, families=("manufacturability",)).by_code("MFG-DISCONNECTED")[0]
    assert finding.severity == "error" and "lip" in finding.message
