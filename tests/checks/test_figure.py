"""The seated figure and its fit checks: hand-computed cases on a flat stool seat and the slice chair,
the figure as a stability load, the intended figures of every seating preset, a drawn chair, the CLI."""

from __future__ import annotations

import json
import math
from itertools import pairwise
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st
from profiles.drawn import chair_side
from shapely.geometry import box

from d4d_cad.cli import main
from models.slice_chair import SliceChair
from models.stool import Stool
from parametric import available_models
from parametric.checks import run_checks, suggest_fixes
from parametric.errors import ParameterError
from parametric.figure import FIGURES, SHOE_MM, get_body, pose, recline_deg
from parametric.model import MeasuredThickness, Model
from parametric.params import Length
from parametric.part import Frame

ERGO = ("ergonomics", "collision")


def codes(report, code):
    return [f for f in report.findings if f.code == code]


def test_segment_masses_add_up_to_the_body_mass():
    for name in FIGURES:
        placed = pose(name, SliceChair.design().seat)
        assert placed.mass == pytest.approx(get_body(name).mass)


def test_a_seat_at_popliteal_height_plus_shoes_passes_and_60_mm_higher_fails_with_a_fix_that_passes():
    body = get_body("man-p50")  # ANSUR II: popliteal height 430 mm; + 25 mm shoes = 455 mm
    fits = Stool.design(Stool.params(height=455))
    assert fits.seat.front[2] == 455.0
    (high,) = codes(run_checks(fits, families=ERGO, figures=("man-p50",)), "ERGO-SEAT-HIGH")
    assert high.severity == "pass" and high.margin == pytest.approx(0.0) and high.limit == body.popliteal + SHOE_MM
    tall = Stool.design(Stool.params(height=515))
    report = run_checks(tall, families=ERGO, figures=("man-p50",))
    (high,) = codes(report, "ERGO-SEAT-HIGH")
    assert high.severity == "error" and high.margin == pytest.approx(-60.0) and high.case == "man-p50"
    from parametric.checks.fixes import FixSearch

    suggest_fixes(tall, report, search=FixSearch({"figures": ("man-p50",)}, time_budget=None))  # evaluations bound it
    (high,) = codes(report, "ERGO-SEAT-HIGH")
    assert high.fix == "decrease height to <= 455 mm"
    fixed = Stool.design(tall.params.replace(height=455))
    assert not run_checks(fixed, families=ERGO, figures=("man-p50",)).errors


def test_the_centre_of_mass_lies_over_the_seat_and_the_upper_body_where_winter_puts_it():
    design = Stool.design(Stool.params(height=455))
    seat, body = design.seat, get_body("man-p50")
    placed = pose(body, seat)
    assert placed.feet_on_floor
    # hand: the stool's seat runs from y = -180 (front) to +180; the figure sits with its buttocks at the back
    com = placed.com
    assert -180 < com[1] < 180 and com[0] == pytest.approx(0.0, abs=1e-6)
    carried = placed.loads_on()  # feet and shanks stand on the floor
    z = sum(s.mass * s.com[2] for s in carried) / sum(s.mass for s in carried)
    assert 455 < z < 455 + body.sitting_height / 2
    # Winter (2009): head, arms and trunk are 0.678 of the mass, their centre 0.626 of the hip-to-shoulder
    # length (0.288 H, Drillis & Contini) above the hip: 0.626 * 0.288 * 1755 = 316 mm for the median man
    hat = [s for s in placed.segments if s.name.split("-")[0] in ("trunk", "head", "upper_arm", "forearm", "hand")]
    m = sum(s.mass for s in hat)
    assert m / body.mass == pytest.approx(0.678)
    rise = sum(s.mass * s.com[2] for s in hat) / m - placed.hip[2]
    assert rise == pytest.approx(0.626 * 0.288 * 1755, rel=0.03)


def test_every_place_of_a_bench_sits_as_deep_as_one_posed_alone():
    """The seat depth check reads the remembered upright poses (the first place of a bench): the hip slides
    back to the declared profile the same way at every place, so each place's sitting depth is that of a
    figure posed alone on the seat's centre line, and its hip only moves sideways, by its place's offset."""
    from models.bench import SliceBench
    from parametric.figure import poses

    seat = SliceBench.design(preset="garden").seat
    assert seat.places >= 2 and seat.profile
    for name in ("man-p50", "woman-p5"):
        for posture in ("upright", "lean_back"):
            alone = pose(get_body(name), seat, posture)
            placed = poses(seat, name, posture)
            assert [p.sitting_depth for p in placed] == [alone.sitting_depth] * seat.places
            for i, p in enumerate(placed):
                shift = p.hip - alone.hip
                assert shift[2] == 0.0
                assert np.hypot(*shift[:2]) == pytest.approx(abs(i - (seat.places - 1) / 2) * seat.width)


@settings(max_examples=100, deadline=None)
@given(st.integers(1, 60), st.integers(1, 12), st.sampled_from([1.0, 1e-9, 0.0]), st.integers(0, 2**32 - 1))
def test_segment_distances_are_numpys_norm_bit_for_bit(n_points, n_segments, scale, seed):
    """The slide-back's point-to-segment distances (two squares added, then the root) are the numbers of
    numpy's norm over the last axis, to the bit: the first clear place, and so every pose, is unchanged
    (degenerate segments too)."""
    from parametric.figure import _segments_distance

    rng = np.random.default_rng(seed)
    points, starts = rng.normal(0, 300, (n_points, 2)), rng.normal(0, 300, (n_segments, 2))
    ab = rng.normal(0, 300, 2) * scale
    rel = points[None, :, :] - starts[:, None, :]
    k = np.clip(rel @ ab / max(float(ab @ ab), 1e-12), 0.0, 1.0)
    reference = np.min(np.linalg.norm(rel - k[..., None] * ab, axis=2), axis=1)
    assert np.array_equal(_segments_distance(points, starts, ab), reference)


def test_leaning_back_moves_the_centre_of_mass_rearward_by_the_upper_body_swing():
    design = SliceChair.design(preset="dining")
    seat, body = design.seat, get_body("man-p50")
    upright, reclined = pose(body, seat), pose(body, seat, "lean_back")
    low, top = np.asarray(seat.back_low), np.asarray(seat.back_top)
    beta = math.atan2(top[1] - low[1], top[2] - low[2])  # the back line's lean from vertical (rearward = +y)
    assert 0.2 < beta < 0.5
    # hand: the upper body (0.678 of the mass, centre 0.626 x 0.288 H = 316 mm above the hip) swings back by
    # beta about the hip: relative to the hip, the centre of mass moves 0.678 * 316 * sin(beta) rearward (+y)
    expected = 0.678 * 0.626 * 0.288 * body.stature * math.sin(beta)
    moved = (reclined.com - reclined.hip) - (upright.com - upright.hip)
    assert moved[1] == pytest.approx(expected, rel=0.1) and moved[0] == pytest.approx(0.0, abs=1e-6)
    assert reclined.com[1] > upright.com[1]  # and in the chair too, wherever the hips slid


def test_a_large_man_leaning_back_tips_a_chair_with_its_rear_feet_tucked_in_that_en_1022_passes():
    tucked = SliceChair.design(SliceChair.params(rear_foot=-40, back_angle=120))
    report = run_checks(tucked, families=("stability",), figures=("man-p95", "man-p50"))
    (en,) = codes(report, "STAB-REAR")
    large, median = codes(report, "STAB-FIG-REAR")
    assert en.severity == "pass"  # 600 N at A and the push at B: it stands
    assert large.case == "lean_back:man-p95" and large.severity == "error" and large.edge == "rear"
    assert large.margin < 0  # the large man's reclined upper body carries the resultant past the rear feet
    assert median.case == "lean_back:man-p50" and median.severity == "pass" and median.margin > large.margin + 50
    dining = run_checks(SliceChair.design(preset="dining"), families=("stability",), figures=("man-p95",))
    assert [f.severity for f in codes(dining, "STAB-FIG-REAR") + codes(dining, "STAB-FIG-SEATED")] == ["pass"] * 2


SEATING = [(name, preset) for name, cls in sorted(available_models().items()) for preset in cls.schema.presets
           if (cls.design(preset=preset).seat or cls.design(preset=preset).worktop) is not None]


@pytest.mark.parametrize("name, preset", SEATING)
def test_every_seating_preset_fits_the_figures_it_is_for(name, preset):
    cls = available_models()[name]
    design = cls.design(preset=preset)
    holder = design.seat or design.worktop
    if not holder.figures:  # for nobody: the model must say why (a bar stool's rail, a coffee table)
        assert cls.figure_notes.get(preset), f"{name} {preset} is for no figure: say why in figure_notes"
        return
    report = run_checks(design, families=("stability", "ergonomics"))
    assert not report.errors, [f.message for f in report.errors]
    assert {f.case for f in report.findings if f.code.startswith("ERGO") and f.case} == set(holder.figures)


@pytest.mark.parametrize("name, preset", SEATING)
def test_a_preset_for_children_is_for_the_en_1729_mark_of_its_seat_height(name, preset):
    """EN 1729-1 gives each size mark a seat height (fabrication-reference.md section 4): a preset declared for
    children is for the mark whose seat height is nearest its own."""
    from parametric.figure import EN1729

    design = available_models()[name].design(preset=preset)
    children = [f for f in (design.seat.figures if design.seat else ()) if f.startswith("child-")]
    if not children:
        return
    nearest = min(EN1729, key=lambda mark: abs(EN1729[mark][1] - design.seat.front[2]))
    assert f"child-{nearest}" in children, (design.seat.front[2], children)


def test_the_kids_chair_is_for_the_matching_child_classes():
    design = SliceChair.design(preset="kids")
    assert design.seat.figures == ("child-2", "child-3")  # EN 1729-1 marks 2-3: seat heights 310 and 350 mm
    adults = run_checks(design, families=ERGO, figures=("man-p95",))
    assert [f.severity for f in codes(adults, "ERGO-SEAT-LOW")] == ["warning"]


def test_an_edited_kids_chair_is_still_for_the_children_its_seat_suits():
    """An edit of the kids' chair (here its sheet) is no preset any more; its seat height, not the
    default preset's adults, chooses who it is for: every figure the chair's presets name whose feet
    reach the floor and whose knees stay below the hips (the adults' ERGO-SEAT-LOW warnings were noise)."""
    from parametric.checks.ergonomics import LOW_MM

    design = SliceChair.design(SliceChair.params(preset="kids", thickness=6.4))
    height = design.seat.front[2]
    suits = [f for f in design.seat.figures if get_body(f).popliteal + SHOE_MM - LOW_MM <= height]
    assert design.seat.figures and suits == list(design.seat.figures)
    assert all(get_body(f).popliteal + SHOE_MM >= height for f in design.seat.figures)
    assert {"child-2", "child-3"} <= set(design.seat.figures) and not {"man-p50", "man-p95"} & set(design.seat.figures)
    report = run_checks(design, families=ERGO)
    assert not codes(report, "ERGO-SEAT-LOW") and not codes(report, "ERGO-PERCH")


def test_a_chair_drawn_in_an_svg_gets_the_figure():
    drawn = SliceChair.design(SliceChair.params(side_outline=chair_side()))
    seat = drawn.seat
    assert seat.front[2] == pytest.approx(445.0, abs=5.0) and seat.back_top is not None  # corners rounded
    assert 95 < recline_deg(seat) < 125
    report = run_checks(drawn, families=("stability", "ergonomics"), figures=("man-p50", "woman-p5"))
    assert [f.severity for f in codes(report, "ERGO-SEAT-HIGH")] == ["pass", "error"]
    assert {f.case for f in codes(report, "STAB-FIG-REAR")} == {"lean_back:man-p50", "lean_back:woman-p5"}
    assert all(f.severity == "pass" for f in codes(report, "ERGO-COLLIDE"))


def test_a_chair_from_the_sample_svg_gets_the_figure_on_the_cli():
    svg = Path(__file__).resolve().parents[2] / "samples" / "profiles" / "dining_side.svg"
    result = CliRunner().invoke(main, ["check", "slice_chair", "--set", f"side_outline=@{svg}", "--figure", "man-p95",
                                       "--json"])
    doc = json.loads(result.output)
    found = {(f["code"], f["case"]) for f in doc["report"]["findings"]}
    assert {("ERGO-SEAT-HIGH", "man-p95"), ("ERGO-COLLIDE", "man-p95"), ("STAB-FIG-REAR", "lean_back:man-p95")} <= found


class Canopy(Model):
    """A seat with a board over it (for the collision check): the board is where a sitter's chest is."""

    name = "canopy_test"
    thickness = MeasuredThickness()
    board = Length(900, min=600, max=1600, step=5, help="height of the board over the seat")

    def build(self, p):
        seat = self.plate("seat", box(-250, -200, 250, 200), Frame.xy(450 - p.thickness / 2), thickness=p.thickness)
        board = self.plate("board", box(-250, -60, 250, 60), Frame.xy(p.board), thickness=p.thickness)
        self.seat_surface(p, front=(0, -200, 450), back=(0, 200, 450), width=500)
        assert seat and board


def test_a_figure_that_would_press_into_a_part_is_an_error_naming_it():
    # hand: the median man's hip is 90 mm (half his thigh clearance) above the 450 mm seat, his shoulders
    # 0.288 x 1755 = 505 mm higher (1045 mm): a board at 900 mm crosses his chest; at 1400 mm it clears his head
    low = run_checks(Canopy.design(Canopy.params(board=900)), families=("collision",), figures=("man-p50",))
    (hit,) = codes(low, "ERGO-COLLIDE")
    assert hit.severity == "error" and hit.part == "board" and "trunk (upright)" in hit.message
    high = run_checks(Canopy.design(Canopy.params(board=1400)), families=("collision",), figures=("man-p50",))
    assert [f.severity for f in codes(high, "ERGO-COLLIDE")] == ["pass"]


def test_thigh_clearance_under_a_table():
    table = available_models()["table"]
    low = table.design(table.params(height=700))
    (thigh,) = codes(run_checks(low, families=ERGO, figures=("man-p95",)), "ERGO-THIGH")
    # hand: seat 471 + 25 = 496, thighs 207 thick -> 703; the top's underside 700 - 17.7 = 682.3: 20.7 mm short
    assert thigh.severity == "error" and thigh.margin == pytest.approx(682.3 - 703, abs=0.5)
    (ok,) = codes(run_checks(table.design(preset="dining"), families=ERGO, figures=("man-p95",)), "ERGO-THIGH")
    assert ok.severity == "pass" and ok.margin == pytest.approx(722.3 - 703, abs=0.5)


def test_unknown_figures_are_refused_with_the_names():
    with pytest.raises(ParameterError, match="man-p95"):
        run_checks(SliceChair.design(), figures=("giant",))
    result = CliRunner().invoke(main, ["check", "slice_chair", "--figure", "giant"])
    assert result.exit_code == 2 and "unknown figure 'giant'" in result.output
    shelf = CliRunner().invoke(main, ["check", "bookshelf", "--figure", "man-p50"])
    assert shelf.exit_code == 2 and "bookshelf has no seat or worktop" in shelf.output


def test_cli_check_figure_is_repeatable_and_in_the_json():
    result = CliRunner().invoke(main, ["check", "stool", "--figure", "man-p50", "--figure", "man-p95", "--json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)
    assert doc["figures"] == ["man-p50", "man-p95"]
    cases = {f["case"] for f in doc["report"]["findings"] if f["code"] == "ERGO-SEAT-HIGH"}
    assert cases == {"man-p50", "man-p95"}
    small = CliRunner().invoke(main, ["check", "stool", "--figure", "woman-p5", "--fix-time", "5"])
    assert small.exit_code == 1 and "ERGO-SEAT-HIGH" in small.output and "decrease height to <= 375 mm" in small.output


def test_off_screen_render_can_seat_the_figure():
    pytest.importorskip("pyvista")
    from parametric.render import render_images

    design = SliceChair.design(preset="dining")
    plain, seated = render_images(design, [(None, None)], size=(240, 180))[0], render_images(
        design, [(None, None)], size=(240, 180), figure="man-p50")[0]
    bluish = lambda img: int(((img[..., 2].astype(int) - img[..., 0].astype(int)) > 30).sum())
    assert bluish(plain) == 0 and bluish(seated) > 500  # the figure is drawn blue-grey, the chair in wood tones


def test_an_edited_table_keeps_its_presets_sitters():
    """A machine's slot clearance edits every exported design: an edited coffee table is still one that
    nobody sits at with their knees under it (it was checked as the default preset's dining table and
    failed ERGO-THIGH), and an edited dining table is still for the dining figures."""
    from models.table import Table

    coffee = Table.design(Table.params({"clearance": 0.3}, preset="coffee"))
    assert coffee.worktop.figures == () and not codes(run_checks(coffee, families=ERGO), "ERGO-THIGH")
    low = Table.design(Table.params({"height": 450}, preset="dining"))
    assert low.worktop.figures == tuple(Table.figures["dining"])
    assert "error" in {f.severity for f in codes(run_checks(low, families=ERGO), "ERGO-THIGH")}


def test_an_edited_seat_too_high_for_its_figures_is_said_to_be_a_perch():
    """Edited parameters drop the intended figures whose feet no longer reach the floor, and the report
    says so (ERGO-PERCH, with the height that would seat them); named figures are still checked."""
    from parametric import build_design
    from parametric.checks import run_checks

    design = build_design("stool", height=560)
    report = run_checks(design, families=("ergonomics",))
    perch = [f for f in report.findings if f.code == "ERGO-PERCH"]
    assert len(perch) == 1 and perch[0].severity == "warning" and perch[0].margin < 0
    assert "decrease the seat height to <=" in perch[0].fix
    named = run_checks(design, families=("ergonomics",), figures=("man-p50",))
    assert any(f.code == "ERGO-SEAT-HIGH" and f.severity == "error" for f in named.findings)
    assert not any(f.code == "ERGO-PERCH" for f in named.findings)
    from click.testing import CliRunner

    from d4d_cad.cli import main

    out = CliRunner().invoke(main, ["check", "stool", "--set", "height=560"]).output
    assert "ERGO-PERCH" in out and "decrease the seat height to <= 455 mm" in out  # the fix search leaves it be


def test_d4d_info_says_who_each_preset_is_for():
    chair = CliRunner().invoke(main, ["info", "slice_chair"]).output
    assert "Presets: dining (for man-p50, man-p95), lounge (for woman-p50, man-p50, man-p95), kids (for child-2, " \
           "child-3)" in chair
    assert "bar (for nobody: a perch at a bar" in CliRunner().invoke(main, ["info", "stool"]).output
    assert "Presets: standard, low, tall" in CliRunner().invoke(main, ["info", "bookshelf"]).output


@pytest.mark.parametrize("name", ["slice_chair", "slice_bench"])
def test_a_level_seat_with_a_back_seats_the_figure_against_the_back(name):
    """No tilt and no dip: the seating curve is lowest at its very front edge (it rises towards the back),
    which once made a seat of no depth and a pose of NaN; and a seat tilted back by a hair had its lowest
    point just behind the front edge, where the figure's slide back stopped (231 mm of seat under a man at
    0.1 degrees against 383 mm at 5). Now every figure sits back until the back stops it: as deep on a
    level seat as on one tilted by a hair, deeper the more the seat tilts back."""
    cls = available_models()[name]
    for figure in FIGURES:
        depths = []
        for tilt in (0.0, 0.1, 0.3, 0.5, 1.0, 2.0, 5.0):
            p = pose(figure, cls.design({"seat_tilt": tilt, "seat_dip": 0.0}).seat)
            assert all(np.isfinite(s.p0).all() and np.isfinite(s.p1).all() for s in p.segments)
            depths.append(p.sitting_depth)
        assert depths[1] - 3.0 <= depths[0] <= depths[1] + 3.0, depths  # 0.5 mm bisection, 4 mm profile samples
        assert all(b >= a - 1.0 for a, b in pairwise(depths)), depths
