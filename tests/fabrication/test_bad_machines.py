"""Machines that cannot make a design: a bit wider than its slots, a kerf wider than its slots, a bed
smaller than its parts. Each is exit 2 with a message naming the fix, and nothing is written."""

from __future__ import annotations

import pytest
import yaml
from click.testing import CliRunner

from d4d_cad.cli import main

BASE = {"bed": [1000, 600], "spacing": 8, "margin": 10, "pierce_time": 0.5, "max_thickness": 30}
MACHINES = {
    "fat-laser": {**BASE, "kind": "laser", "kerf": 7.0, "speed": {3: 15, 6: 6.5}},
    "huge-bit": {**BASE, "kind": "router", "tool_diameter": 12.7, "feed": 2000, "depth_per_pass": 6,
                 "spacing": 16, "bed": [2500, 1250]},
    "tiny-bed": {**BASE, "kind": "laser", "kerf": 0.2, "speed": {3: 15, 6: 6.5}, "bed": [200, 150],
                 "spacing": 3, "margin": 5},
}
KIDS = ["slice_chair", "--preset", "kids", "--set", "thickness=6.4", "--set", "rib_depth=60", "--set",
        "slat_depth=40"]


@pytest.mark.parametrize("machine, design, says", [
    ("fat-laser", KIDS, "no wider than the laser's 7 mm kerf"),
    ("huge-bit", ["box"], "narrower than the 12.7 mm bit"),
    ("tiny-bed", KIDS, "machine profiles that fit it: cnc-router-6mm"),
])
def test_a_machine_that_cannot_make_it_is_refused_cleanly(tmp_path, machine, design, says):
    profiles = tmp_path / "shop.yaml"
    profiles.write_text(yaml.safe_dump({"machines": MACHINES}))
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["export", *design, "--machine", machine, "--profiles", str(profiles),
                                       "--material", "birch-ply", "--out", f"{out}/"])
    assert result.exit_code == 2, result.output
    assert says in result.output and "Traceback" not in result.output
    assert not out.exists()
