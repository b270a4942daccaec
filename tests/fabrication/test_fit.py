"""Fit after toolpath preparation: play at the face of every joint, relief choice, refusal, clearance."""

from __future__ import annotations

import dataclasses

import pytest

import fabrication.fit
from fabrication.fit import Fit, fit_findings, measure_fits, worst_fit
from fabrication.machines import default_clearance, get_machine, machines_from_mapping
from fabrication.toolpath import auto_style, inside_corners, prepare
from parametric import build_design
from parametric.errors import FabricationError, ProfileError
from parametric.materials import get_material

ROUTER = get_machine("cnc-router-6mm")


@pytest.fixture(scope="module")
def box3():
    """The 3 mm box: 8.8 mm fingers, 3 mm deep notches."""
    return build_design("box")


def _cut(design, machine, relief="auto"):
    return {p.name: prepare(p, machine, relief=relief) for p in design.parts}


def test_dogbones_on_a_6mm_bit_eat_3mm_fingers_and_are_flagged(box3):
    """Issue #13: notches ~10.6 instead of 8.9, fingers ~7.0 instead of 8.8: ~3.4 mm of play."""
    findings = fit_findings(box3, _cut(box3, ROUTER, "dogbone"), ROUTER)
    errors = [f for f in findings if f.severity == "error"]
    assert errors and all(f.code == "FIT-PLAY" for f in errors)
    worst = max(errors, key=lambda f: f.measured)
    assert 3.0 < worst.measured < 4.0 and worst.limit == ROUTER.fit_play and worst.margin < 0
    assert " + " in worst.part and "relief" in worst.fix
    fits = measure_fits(box3, _cut(box3, ROUTER, "dogbone"))
    c = box3.params["clearance"]  # each notch edge moves c/4: c in all, c/2 at an end finger (one wall)
    assert sorted({round(f.design_play, 4) for f in fits}) == [c / 2, c]


@pytest.mark.parametrize("relief", ["auto", "tbone"])
def test_tbones_keep_the_box_within_the_limit(box3, relief):
    findings = fit_findings(box3, _cut(box3, ROUTER, relief), ROUTER)
    assert [f.severity for f in findings] == ["pass"]
    assert findings[0].measured <= ROUTER.fit_play
    fits = measure_fits(box3, _cut(box3, ROUTER, relief))
    assert max(f.play - f.design_play for f in fits) < 0.1  # reliefs add almost nothing at the face
    assert max(f.relief_depth for f in fits) == pytest.approx(3.0, abs=0.1)  # a T-bone deepens the notch by ~r


def test_auto_relief_picks_per_corner(box3, chair):
    """T-bones on the 3 mm box's short finger walls, dogbones in an 18 mm slice chair's slots."""
    r = ROUTER.tool_diameter / 2
    assert {auto_style(c, r) for p in box3.parts for c in inside_corners(p.outline)} == {"tbone"}
    styles = [auto_style(c, r) for p in chair.parts for c in inside_corners(p.outline)]
    assert styles.count("dogbone") > 0.9 * len(styles)
    assert [f.severity for f in fit_findings(chair, _cut(chair, ROUTER), ROUTER)] == ["pass"]


def test_a_bit_wider_than_the_fingers_is_refused(box3):
    big = dataclasses.replace(ROUTER, name="router-half-inch", tool_diameter=12.7, spacing=16)
    with pytest.raises(FabricationError, match=r"8\.7\d mm wide, narrower than the 12\.7 mm bit.*at most 8\.7\d mm"):
        prepare(box3.part("front-0"), big)
    with pytest.raises(FabricationError):  # whatever the relief style
        prepare(box3.part("front-0"), big, relief="dogbone")
    prepare(build_design("box", finger=5).part("front-0"), big)  # 15 mm fingers: the bit fits


def test_tabs_and_laser_kerf_measure_the_clearance():
    """Laser parts are measured after undoing the kerf offset: the play is the drawn clearance."""
    laser = get_machine("co2-laser-60w")
    table = build_design("table", preset="coffee", thickness=6.4)
    fits = measure_fits(table, _cut(table, laser))
    assert {f.kind for f in fits} >= {"tab", "cross_lap"}
    assert all(f.play == pytest.approx(f.design_play, abs=0.01) for f in fits)


def test_too_much_clearance_is_flagged_with_the_fix(box3):
    loose = build_design("box", clearance=0.4)
    laser = get_machine("co2-laser-60w")
    finding = next(f for f in fit_findings(loose, _cut(loose, laser), laser) if f.severity == "error")
    assert finding.measured == pytest.approx(0.4, abs=0.02) and finding.limit == 0.3
    assert finding.fix.startswith("reduce the clearance")


def test_default_clearance_from_machine_and_material():
    assert default_clearance(ROUTER, get_material("birch-ply")) == 0.25
    laser = get_machine("co2-laser-60w")
    assert default_clearance(laser, "birch-ply") == 0.1
    assert default_clearance(laser, get_material("acrylic")) == 0.05
    custom = machines_from_mapping({"shop": {"kind": "laser", "bed": [600, 400], "kerf": 0.1, "spacing": 3,
                                             "margin": 5, "speed": {3: 10}, "pierce_time": 0.5}}, "shop.yaml")
    assert custom["shop"].clearance == 0.1 and custom["shop"].fit_play == 0.3
    with pytest.raises(ProfileError, match="fit_play"):
        machines_from_mapping({"bad": {"kind": "laser", "bed": [600, 400], "kerf": 0.1, "spacing": 3, "margin": 5,
                                       "speed": {3: 10}, "pierce_time": 0.5, "clearance": 0.4,
                                       "fit_play": 0.2}}, "shop.yaml")
    with pytest.raises(ProfileError, match="clearance"):
        machines_from_mapping({"bad": {"kind": "router", "bed": [600, 400], "tool_diameter": 6, "spacing": 10,
                                       "margin": 5, "feed": 1000, "depth_per_pass": 6, "pierce_time": 1,
                                       "clearance": -0.1}}, "shop.yaml")


def test_the_worst_fit_does_not_hang_on_the_last_bit():
    """Plays equal but for ~1e-13 mm of arithmetic noise: the first in order wins, whichever is larger."""
    a = Fit("finger", "side", "front", "along", 0.25, 0.25, 0.0, (10.0, 0.0))
    b = dataclasses.replace(a, mate="back", where=(90.0, 0.0))
    for noise in (1e-13, -1e-13):
        assert worst_fit([a, dataclasses.replace(b, play=0.25 + noise)]).mate == "front"
        assert worst_fit([dataclasses.replace(b, play=0.25 + noise), a]).mate == "back"
    assert worst_fit([a, dataclasses.replace(b, play=0.25 + 1e-6)]).mate == "back"  # a real difference counts
    with pytest.raises(ValueError, match="at least one fit"):
        worst_fit([])


@pytest.mark.parametrize("clearance, machine", [(None, ROUTER), (0.4, get_machine("co2-laser-60w"))])
def test_findings_are_the_same_under_last_bit_noise(monkeypatch, clearance, machine):
    """Every play nudged by +-1e-13 mm (as another BLAS or a compiled kernel may): the same findings,
    messages included (pass and error branches)."""
    design = build_design("box") if clearance is None else build_design("box", clearance=clearance)
    cut = _cut(design, machine)
    fits = measure_fits(design, cut)
    assert len({round(f.play, 6) for f in fits}) < len(fits)  # there are ties to break
    reports = []
    for sign in (1, -1):
        noisy = [dataclasses.replace(f, play=f.play + sign * (-1) ** i * 1e-13) for i, f in enumerate(fits)]
        monkeypatch.setattr(fabrication.fit, "measure_fits", lambda *_, noisy=noisy: noisy)
        reports.append([(f.severity, f.message, f.part, round(f.measured, 9)) for f in fit_findings(design, cut, machine)])
    assert reports[0] == reports[1]
    assert {s for s, *_ in reports[0]} == ({"pass"} if clearance is None else {"error"})
