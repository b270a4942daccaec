"""Finger joints: every corner column is owned by exactly one panel, so the panels fill the box's walls."""

from __future__ import annotations

import pytest

from parametric import build_design


@pytest.mark.parametrize("lid", [True, False])
def test_panels_fill_the_walls_exactly(lid):
    d = build_design("box", width=200, depth=150, height=100, thickness=3.0, clearance=0.0, lid=lid)
    t = 3.0
    inner_height = 100 - (2 * t if lid else t)
    expected = 200 * 150 * 100 - (200 - 2 * t) * (150 - 2 * t) * inner_height
    assert sum(p.volume for p in d.parts) == pytest.approx(expected, rel=1e-9)
    kinds = {j.kind for j in d.joints}
    assert kinds == {"finger"} and len(d.joints) == (12 if lid else 8)


def test_fingers_are_odd_and_in_multiples_of_thickness():
    d = build_design("box", finger=3, thickness=3.0)
    for j in d.joints:
        count = round((j.hi - j.lo) / j.width_a)
        assert count % 2 == 1 and count >= 3
        assert j.width_a == pytest.approx(9.0, rel=0.35)
