"""Stability cases issue #13 found missing: the product alone, empty storage, the push's own
direction and edge, and sliding before tipping."""

from __future__ import annotations

import math

import numpy as np
import pytest
from shapely.geometry import Polygon, box

from parametric import available_models, build_design
from parametric.checks import run_checks
from parametric.checks.stability import G, check_case_slide
from parametric.design import LoadCase
from parametric.loads import FLOOR_MU


def _stab(design):
    return run_checks(design, families=("mass", "stability"))


def test_raked_chair_falls_over_alone():
    """back 130 deg, 1050 mm, rear foot 0: the empty chair's centre of mass is ~63 mm behind its feet."""
    report = _stab(build_design("slice_chair", back_angle=130, rear_foot=0, back_height=1050))
    (alone,) = report.by_code("STAB-ALONE")
    assert alone.severity == "error" and alone.edge == "rear"
    assert alone.measured == pytest.approx(-63, abs=5)
    assert report.by_code("STAB-REAR")[0].severity == "pass"  # what the old cases said


@pytest.mark.parametrize("name", sorted(available_models()))
def test_every_model_is_checked_standing_alone(name):
    (alone,) = _stab(build_design(name)).by_code("STAB-ALONE")
    assert alone.severity == "pass" and alone.margin >= 0 and alone.case == "alone"


def test_empty_bookshelf_pull_is_checked_and_needs_its_wall_fixing():
    report = _stab(build_design("bookshelf"))
    full, empty = report.by_code("STAB-PULL-TOP")[0], report.by_code("STAB-PULL-TOP-EMPTY")[0]
    assert full.severity == "pass" and full.margin > 100
    assert empty.severity == "warning" and "wall fixing" in empty.message and empty.edge == "front"
    assert empty.tip_force + 40 == pytest.approx(24, abs=3)  # issue #13: empty units tip at 24-30 N
    low = _stab(build_design("bookshelf", height=600, shelf_count=3))  # free-standing: nothing holds it
    assert low.by_code("STAB-PULL-TOP-EMPTY")[0].severity == "error"


def _rect(w: float, d: float) -> Polygon:
    return box(0, 0, w, d)


def test_tip_force_and_edge_follow_the_push_direction():
    """A 400 x 200 footprint, centre of mass at (200, 100, 300), pushed diagonally at its top: the push
    leaves through the rear edge (y = 200) after 100 x sqrt(2) mm, not over the nearest edge."""
    mass = 10.0
    push = 1.0
    case = LoadCase("diag", (((200, 100, 300), (push / math.sqrt(2), push / math.sqrt(2), 0)),))
    finding, _, _ = check_case_slide(case, _rect(400, 200), mass, np.array([200, 100, 300]), 10)
    assert finding.edge == "rear"
    assert finding.tip_force == pytest.approx(100 * math.sqrt(2) * mass * G / 300 - push, rel=1e-3)
    side = LoadCase("side", (((200, 100, 300), (push, 0, 0)),))  # along x: 200 mm to the right edge
    finding, _, _ = check_case_slide(side, _rect(400, 200), mass, np.array([200, 100, 300]), 10)
    assert finding.edge == "right" and finding.tip_force == pytest.approx(200 * mass * G / 300 - push, rel=1e-3)


def test_a_low_wide_product_slides_before_it_tips():
    """Tipping a 400 mm footprint pushed 30 mm up takes 6.7 x its weight; friction 0.4 gives way first."""
    case = LoadCase("push", (((200, 200, 30), (5.0, 0, 0)),))
    _, _, slide = check_case_slide(case, _rect(400, 400), 10.0, np.array([200, 200, 15]), 10)
    assert slide is not None and slide.code == "STAB-SLIDE" and slide.severity == "warning"
    assert slide.measured == pytest.approx(FLOOR_MU * 10 * G)
    tall = LoadCase("push", (((50, 50, 600), (5.0, 0, 0)),))  # 100 x 100 x 600: tips at 0.08 x its weight
    _, _, slide = check_case_slide(tall, _rect(100, 100), 10.0, np.array([50, 50, 300]), 10)
    assert slide.severity == "pass" and slide.margin == pytest.approx(FLOOR_MU * 10 * G - 50 * 10 * G / 600, rel=1e-3)
