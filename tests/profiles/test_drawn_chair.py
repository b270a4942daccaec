"""A slice chair (and bench) from a drawn side profile: CLI builds, rebuilds from params.json, the
seating line taken from the drawing, and constraints that refuse drawings by name."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from profiles.drawn import chair_side, side_outlines
from shapely.geometry import Polygon
from strategies import params_strategy

from d4d_cad.cli import main
from models.slice_chair import seat_end, seating_line
from parametric import get_model
from parametric.checks import format_table, run_checks
from parametric.errors import ConstraintError, ParameterError
from parametric.seat_profile import drawn_outline, drawn_seating_line

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "samples" / "profiles"


def build(out, *args):
    return CliRunner().invoke(main, ["build", *args, "--out", str(out), "--no-solids", "--layout", "rows"])


@pytest.mark.parametrize("drawing", ["dining_side.svg", "dining_side.dxf", "lounge_side.svg"])
def test_drawn_chair_builds_on_the_cli_and_its_params_rebuild_it(tmp_path, drawing):
    out = tmp_path / "drawn"
    result = build(out, "slice_chair", "--set", f"side_outline=@{SAMPLES / drawing}")
    assert result.exit_code == 0, result.output
    first = json.loads((out / "design.json").read_text())
    assert first["params"]["side_outline"] and first["slot_count"] > 0
    assert json.loads((out / "params.json").read_text())["params"]["side_outline"] == first["params"]["side_outline"]
    again = tmp_path / "again"
    result = build(again, "slice_chair", "--params", str(out / "params.json"))
    assert result.exit_code == 0, result.output
    assert json.loads((again / "design.json").read_text())["hash"] == first["hash"]


def test_the_sample_svg_and_dxf_make_the_same_chair_and_it_passes_every_check():
    cls = get_model("slice_chair")
    a, b = (cls.params({"side_outline": f"@{SAMPLES / name}"}) for name in ("dining_side.svg", "dining_side.dxf"))
    flat_a, flat_b = drawn_outline(a.side_outline), drawn_outline(b.side_outline)
    assert flat_a.symmetric_difference(flat_b).area < 20  # two flattenings of one drawing
    design = cls.design(a)
    report = run_checks(design)
    assert report.ok, format_table(report, show_passes=False)
    assert design.part("rib-1").area < flat_a.area - 1000  # slotted
    assert {c.name for c in design.load_cases} >= {"seated", "front_edge", "sideways", "lean_back"}


def test_bad_drawings_on_the_cli_name_side_outline(tmp_path):
    (tmp_path / "open.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg" width="200mm" height="200mm" '
                                       'viewBox="0 0 200 200"><path d="M 0,0 L 100,0 L 100,100"/></svg>')
    result = build(tmp_path / "o", "slice_chair", "--set", f"side_outline=@{tmp_path / 'open.svg'}")
    assert result.exit_code == 2 and "side_outline" in result.output and "open path" in result.output
    (tmp_path / "tiny.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg" width="200mm" height="200mm" '
                                       'viewBox="0 0 200 200"><rect width="10" height="10"/></svg>')
    result = build(tmp_path / "o", "slice_chair", "--set", f"side_outline=@{tmp_path / 'tiny.svg'}")
    assert result.exit_code == 2 and "250 to 1600 mm" in result.output and "units" in result.output
    assert not (tmp_path / "o").exists()


def test_the_seating_line_runs_from_the_seat_front_to_the_back_top_whatever_the_ring():
    ring = chair_side(radius=0)  # sharp corners: F = (0, 445), R = the back's front top corner
    for start in (0, 3, 7):
        for direction in (1, -1):
            line = drawn_seating_line(Polygon((ring[start:] + ring[:start])[::direction]))
            assert np.allclose(line[0], [0, 445]) and np.allclose(line[-1], [430 + 95, 835])
            assert len(line) == 3  # seat front, the crease, the back's top


def test_a_chair_drawn_facing_right_is_turned_round():
    cls = get_model("slice_chair")
    left, right = (cls.params({"side_outline": chair_side(mirror=m)}) for m in (False, True))
    assert drawn_outline(left.side_outline).symmetric_difference(drawn_outline(right.side_outline)).area < 1e-6


def test_a_backless_drawing_is_all_seat():
    cls = get_model("slice_bench")
    p = cls.params({"side_outline": chair_side(back_top=300, seat_d=420, rear_foot=80), "slat_count": 10})
    line = seating_line(p)
    assert seat_end(p, line) == pytest.approx(np.linalg.norm(np.diff(line, axis=0), axis=1).sum())
    cases = {c.name: c for c in cls.design(p).load_cases}
    assert "lean_back" not in cases and len(cases["seat_slats"].parts) == 10


@pytest.mark.parametrize("outline, values, names", [
    (chair_side(back_t=40), {}, {"side_outline", "slat_depth"}),          # the back is too thin for the slots
    (chair_side(), {"slat_count": 40}, {"side_outline", "slat_count"}),   # slats would touch
    (chair_side(seat_d=150, back_top=300, rear_foot=20, leg=30), {}, {"side_outline"}),  # a stool: no seat to slat
])
def test_drawings_that_cannot_be_built_are_refused_by_name(outline, values, names):
    with pytest.raises(ConstraintError) as info:
        get_model("slice_chair").params({"side_outline": outline, **values})
    assert names <= set(info.value.names) and "drawn" in str(info.value)


def test_a_slat_slot_that_would_cut_a_rib_corner_off_is_refused_by_name():
    """Found by the property test below: the first slat sits 1 mm in from a front edge that slants
    inwards, so its slot would cut the corner in front of it off the rib (JoineryError in the build)."""
    outline = [[15.0, 0.0], [121.0, 0.0], [131.0, 220.0], [184.0, 220.0], [175.0, 0.0], [281.0, 0.0], [281.0, 230.0],
               [0.0, 250.0]]
    values = {"side_outline": outline, "rib_count": 3, "slat_count": 4, "slat_depth": 20.0, "slat_inset": 1.0,
              "thickness": 7.25, "clearance": 0.0, "width": 800.0}
    with pytest.raises(ConstraintError) as info:
        get_model("slice_bench").params(values)
    assert "corner off" in str(info.value) and {"side_outline", "slat_inset"} <= set(info.value.names)


@pytest.mark.parametrize("name", ["slice_chair", "slice_bench"])
def test_every_drawing_with_in_range_values_builds_or_is_refused_by_name(name):
    cls = get_model(name)

    @settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow], database=None)
    @given(st.one_of(st.just({}), params_strategy(cls.schema)), side_outlines())
    def check(values, outline):
        try:
            params = cls.params({**values, "side_outline": outline})
        except ParameterError as exc:
            assert exc.names and set(exc.names) <= set(cls.schema.specs) and "profile" not in exc.names, str(exc)
            return
        design = cls.design(params)
        assert design.parts and all(p.area > 0 for p in design.parts)

    check()
