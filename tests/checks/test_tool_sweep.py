"""MFG-NECK and MFG-STRIP agree across bit sizes: a smaller bit never fails where a larger one passes."""

from __future__ import annotations

from itertools import pairwise

import pytest
from shapely.geometry import box

from parametric import build_design
from parametric.checks import run_checks
from parametric.checks.manufacturability import neck_width
from parametric.part import FlatPart

BITS = (1.0, 2.0, 3.0, 3.175, 4.0, 5.0, 6.0, 6.35, 8.0, 10.0, 12.7)
RANK = {"pass": 0, "warning": 1, "error": 2}


def _worst(design, tool: float) -> dict[str, int]:
    """Worst severity of MFG-NECK / MFG-STRIP per part for one tool."""
    out: dict[str, int] = {}
    for f in run_checks(design, tool_diameter=tool, families=("manufacturability",)).findings:
        if f.code in ("MFG-NECK", "MFG-STRIP") and f.part:
            out[f.part] = max(out.get(f.part, 0), RANK[f.severity])
    return out


@pytest.mark.parametrize("model, settings", [("box", {}), ("box", {"finger": 2}), ("stool", {}),
                                             ("slice_chair", {"slat_count": 22, "slat_depth": 50, "rib_depth": 65})])
def test_severity_never_drops_as_the_bit_grows(model, settings):
    design = build_design(model, **settings)
    sweep = [_worst(design, tool) for tool in BITS]
    for (small, large), (d0, d1) in zip(pairwise(sweep), pairwise(BITS)):
        for part, rank in small.items():
            assert large.get(part, 0) >= rank, f"{part}: {d0} mm bit ranks {rank}, {d1} mm bit {large.get(part, 0)}"


def test_box_corner_is_not_a_neck_for_the_eighth_inch_bit():
    """The 3 mm box's corner cube joins its wall across an 8.1 mm diagonal; a mitred erosion measured
    it along the axes (5.8 mm) and failed the 1/8" bit while the 6 mm bit, under whose erosion the
    cube vanished, passed."""
    report = run_checks(build_design("box"), tool_diameter=3.175, families=("manufacturability",))
    assert all(f.severity != "error" for f in report.by_code("MFG-NECK"))


def test_true_neck_is_found_for_every_bit_above_it():
    """Two 40 mm blocks joined by a 5 mm bridge: a neck for every limit above 5 mm, none below."""
    part = FlatPart("dumbbell", box(0, 0, 40, 40).union(box(40, 17.5, 60, 22.5)).union(box(60, 0, 100, 40)), 3.0)
    assert neck_width(part, 4.0) is None
    for limit in (6.0, 12.0, 25.0):
        assert neck_width(part, limit) == pytest.approx(5.0, abs=0.05)
