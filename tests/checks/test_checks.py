"""Physical checks: analytic cases, the tippy chair and its fix, presets, bad designs."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from shapely.geometry import box

from parametric import available_models, build_design
from d4d_cad.cli import main
from parametric.checks import CheckReport, fix, format_table, run_checks, suggest_fixes
from parametric.joinery import cross_lap
from parametric.mesh import part_mesh, to_manifold
from parametric.model import Clearance, MeasuredThickness, Model
from parametric.params import Length
from parametric.checks.manufacturability import strip_width
from parametric.part import FlatPart, Frame

RHO = 685.0  # birch-ply, kg/m^3


class Block(Model):
    """A solid 400 x 400 x 300 mm block standing on the floor, pushed at its top."""

    name = "test_block"
    height = Length(300, min=100, max=500, step=10)
    thickness = MeasuredThickness()
    clearance = Clearance()

    def build(self, p) -> None:
        self.plate("block", box(0, 0, 400, 400), Frame.xy(p.height / 2), thickness=p.height)
        self.load("push", [((200, 200, p.height), (1.0, 0, 0))], standard="test")


def test_mass_centre_of_mass_and_tipping_force_are_analytic():
    report = run_checks(Block.design(), families=("mass", "stability"))
    mass = 0.4 * 0.4 * 0.3 * RHO
    assert report.mass_kg == pytest.approx(mass, rel=0.01)
    assert report.centre_of_mass == pytest.approx((200, 200, 150), rel=0.01)
    (stab,) = report.by_code("STAB-PUSH")
    # tips about x = 400 when H * 300 = m g * 200
    assert stab.tip_force + 1.0 == pytest.approx(mass * 9.81 * 200 / 300, rel=0.01)
    assert stab.edge == "right" and stab.severity == "pass"
    assert report.support_polygon and len(report.support_polygon) == 4


def test_reference_worked_example():
    """fabrication-reference.md: feet at 0 and 400, 50 N at 200, 600 N at 340, 20 N at z 450 -> cop 343."""
    from parametric.checks.stability import check_case
    from parametric.design import LoadCase
    from shapely.geometry import Polygon
    import numpy as np

    hull = Polygon([(0, -200), (400, -200), (400, 200), (0, 200)])
    case = LoadCase("lean", (((340, 0, 450), (0, 0, -600)), ((340, 0, 450), (20, 0, 0))))
    finding, cop = check_case(case, hull, 50 / 9.81, np.array([200, 0, 300]), 10)
    assert cop[0] == pytest.approx(343.1, abs=0.5) and finding.measured == pytest.approx(56.9, abs=0.5)


def test_crossing_without_slots_overlaps_by_t_t_depth():
    t = 17.7
    a = Block.design().parts[0].__class__("a", box(-200, 0, 200, 120), t, Frame.xz())
    b = a.__class__("b", box(-150, 40, 150, 300), t, Frame.yz())
    (lap,) = cross_lap(a, b, clearance=0.2)
    depth = lap.joint.hi - lap.joint.lo
    volume = (to_manifold(part_mesh(a)) ^ to_manifold(part_mesh(b))).volume()
    assert depth == pytest.approx(80.0)
    assert volume == pytest.approx(t * t * depth, rel=0.01)


def test_default_chair_passes_with_measured_margins(chair):
    report = run_checks(chair)
    assert report.ok, format_table(report)
    codes = {f.code for f in report.findings}
    assert {"MASS", "STAB-SEATED", "STAB-FRONT", "STAB-REAR", "STAB-SIDE", "OVLP", "MFG-NECK", "MFG-STRIP", "MFG-SLIDE",
            "STR-DEFLECT", "STR-STRESS"} <= codes
    for f in report.findings:
        if f.code.startswith(("STAB", "STR")):
            assert f.margin is not None and f.margin > 0 and f.unit
    json.dumps(report.to_dict())
    again = CheckReport.from_dict(json.loads(json.dumps(report.to_dict())))
    assert again.ok and len(again.findings) == len(report.findings)


def test_unslotted_chair_overlaps_with_pieces(chair_uncut):
    report = run_checks(chair_uncut, families=("overlap",))
    overlaps = report.by_code("OVLP")
    assert len(overlaps) == len(chair_uncut.joints) and all(f.severity == "error" for f in overlaps)
    t = chair_uncut.params.thickness
    worst = max(f.measured for f in overlaps)
    assert worst == pytest.approx(t * t * 50.0, rel=0.02)
    assert set(report.overlaps) == {f.part for f in overlaps}
    assert all(m.volume > 0 for m in report.overlaps.values())


TIPPY = {"back_angle": 135, "rear_foot": -40, "back_height": 1150}


def test_tippy_chair_fails_lean_back_and_its_fix_passes():
    design = build_design("slice_chair", **TIPPY)
    report = run_checks(design)
    (rear,) = report.by_code("STAB-REAR")
    assert rear.severity == "error" and rear.measured < 0 and rear.edge == "rear"
    from parametric.checks.fixes import FixSearch

    search = FixSearch(time_budget=None)  # bounded by evaluations only: a loaded machine gets the same answer
    suggest_fixes(design, report, search=search)
    (rear,) = report.by_code("STAB-REAR")
    assert "rear_foot" in rear.fix
    result = fix(design, search=search)
    assert result.ok and result.changes
    assert run_checks(build_design("slice_chair", result.params.to_dict())).ok


@pytest.mark.parametrize("name", sorted(available_models()))
def test_every_preset_of_every_model_passes(name):
    cls = available_models()[name]
    for preset in cls.schema.presets:
        report = run_checks(cls.design(preset=preset))
        assert report.ok, f"{name}/{preset}:\n{format_table(report, show_passes=False)}"


def test_floating_design_is_a_finding_not_an_exception():
    class Floating(Block):
        name = "test_floating"

        def build(self, p):
            self.plate("block", box(0, 0, 400, 400), Frame.xy(500), thickness=p.height)
            self.load("push", [((200, 200, 700), (1.0, 0, 0))])

    report = run_checks(Floating.design())
    assert not report.ok and report.by_code("STAB-NOFLOOR")[0].severity == "error"


def test_missing_density_and_thin_part_are_findings():
    class Odd(Block):
        name = "test_odd"

        def build(self, p):
            self.plate("block", box(0, 0, 400, 400), Frame.xy(150), thickness=300, material="unobtainium")
            self.plate("foil", box(0, 0, 400, 40), Frame.xz(200), thickness=0.1)

    report = run_checks(Odd.design())
    assert report.by_code("MAT-DENSITY")[0].severity == "error"
    assert not [f for f in report.findings if f.code.startswith("STAB")]  # no tipping 'inf mm' without a mass
    assert report.by_code("MFG-THICKNESS")[0].part == "foil"


def comb(tooth: float) -> FlatPart:
    """A 300 x 100 plate with four 12 mm slots 40 mm deep from its top, ``tooth`` mm apart."""
    outline = box(0, 0, 300, 100)
    for k in range(4):
        x = 100 + k * (12 + tooth)
        outline = outline.difference(box(x, 60, x + 12, 101))
    return FlatPart("comb", outline, 12.0)


def test_thin_teeth_between_slots_are_found_and_measured():
    """An erosion test only sees necks that split a part; teeth between slots shrink away whole.
    The opening test measures them (reference: bridges >= max(2 x bit, T) on a router)."""
    assert strip_width(comb(8.0), 12.0) == pytest.approx(8.0, abs=0.1)
    assert strip_width(comb(14.0), 12.0) is None
    assert strip_width(FlatPart("plain", box(0, 0, 300, 100), 12.0), 12.0) is None
    many = build_design("slice_chair", slat_count=22, slat_depth=50, rib_depth=65)  # 17.7 mm ply
    strip = run_checks(many, families=("manufacturability",)).by_code("MFG-STRIP")[0]
    assert strip.severity == "warning" and strip.part.startswith("rib") and strip.margin < 0
    assert run_checks(build_design("slice_chair"), families=("manufacturability",)).by_code("MFG-STRIP")[0].severity \
        == "pass"


def test_part_larger_than_any_sheet():
    report = run_checks(build_design("slice_chair"), sheet=(600, 400), families=("manufacturability",))
    big = report.by_code("MFG-SHEET")
    assert big and big[0].severity == "error" and "rib" in big[0].part


def test_cli_check_exit_codes(tmp_path):
    ok = CliRunner().invoke(main, ["check", "slice_chair"])
    assert ok.exit_code == 0 and "PASS" in ok.output
    bad = CliRunner().invoke(main, ["check", "slice_chair", *sum((["--set", f"{k}={v}"] for k, v in TIPPY.items()), []),
                                    "--json", "--fix"])
    assert bad.exit_code == 1
    doc = json.loads(bad.output)
    assert doc["report"]["ok"] is False and doc["fix"]["ok"] is True
    worse = CliRunner().invoke(main, ["check", "slice_chair", "--set", "width=5"])
    assert worse.exit_code == 2
