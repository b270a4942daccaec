"""Careless and hostile input to the CLI's options, profile files and model names: refused with a
message that names the option or field, its unit and the fix (exit 2), or accepted as meant."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from click.testing import CliRunner

from d4d_cad.cli import main
from parametric.errors import ProfileError
from parametric.registry import get_model


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


@pytest.mark.parametrize("option, value, words", [
    ("--spacing", "-5", ["--spacing", "at least 0 mm"]),
    ("--spacing", "nan", ["--spacing", "not a finite number"]),
    ("--margin", "-1", ["--margin", "at least 0 mm"]),
    ("--margin", "inf", ["--margin", "not a finite number"]),
    ("--time", "-3", ["--time", "greater than 0 s"]),
    ("--time", "nan", ["--time", "not a finite number"]),
    ("--time", "inf", ["--time", "not a finite number"]),
    ("--thickness", "0", ["--thickness", "greater than 0 mm"]),
    ("--rounds", "0", ["--rounds", "0"]),
])
def test_nest_refuses_negative_and_non_finite_options(tmp_path, option, value, words):
    out = tmp_path / "out"
    result = run("nest", tmp_path / "parts.dxf", option, value, "--out", out)
    assert result.exit_code == 2, result.output
    for word in words:
        assert word in result.output
    assert "Traceback" not in result.output and not out.exists()


@pytest.mark.parametrize("args, words", [
    (["--tool", "-6"], ["--tool", "greater than 0 mm"]),
    (["--tool", "nan"], ["--tool", "not a finite number"]),
    (["--tool", "0"], ["--tool", "greater than 0 mm"]),
    (["--fix-time", "inf"], ["--fix-time", "not a finite number"]),
    (["--fix-time", "-1"], ["--fix-time", "greater than 0 s"]),
])
def test_check_refuses_bad_tool_and_fix_time(args, words):
    result = run("check", "box", *args)
    assert result.exit_code == 2, result.output
    for word in words:
        assert word in result.output


def test_batch_refuses_an_infinite_time_limit(tmp_path):
    result = run("batch", tmp_path / "sweep.yaml", "--out", tmp_path / "out", "--time-limit", "inf")
    assert result.exit_code == 2 and "--time-limit" in result.output and "not a finite number" in result.output


LASER = "kind: laser, bed: [1000, 600], kerf: 0.2, spacing: 4, margin: 10, speed: {3: 15}, pierce_time: 0.5"
ROUTER = ("kind: router, bed: [2500, 1250], tool_diameter: 6, spacing: 10, margin: 10, feed: 3000, "
          "depth_per_pass: 6, pierce_time: 1")
MATERIAL = "density: 600, modulus_along: 6000, modulus_across: 3000, strength_along: 60, strength_across: 30"


@pytest.mark.parametrize("entry, words", [
    (f"machines: {{shop: {{{LASER.replace('kerf: 0.2', 'kerf: -0.2')}}}}}", ["'shop'", "kerf", "-0.2", "at least 0 mm"]),
    (f"machines: {{shop: {{{LASER.replace('[1000, 600]', '[.nan, 600]')}}}}}", ["'shop'", "bed[0]", "not finite", "mm"]),
    (f"machines: {{shop: {{{LASER.replace('[1000, 600]', '[1000, -600]')}}}}}", ["'shop'", "bed[1]", "greater than 0 mm"]),
    (f"machines: {{shop: {{{LASER.replace('[1000, 600]', '[1000]')}}}}}", ["'shop'", "bed", "two numbers"]),
    (f"machines: {{shop: {{{LASER.replace('{3: 15}', '{3: 0}')}}}}}", ["'shop'", "speed[3]", "mm/s"]),
    (f"machines: {{shop: {{{LASER.replace('{3: 15}', '{}')}}}}}", ["'shop'", "speed", "mapping"]),
    (f"machines: {{shop: {{{LASER}, fit_play: .nan}}}}", ["'shop'", "fit_play", "not finite"]),
    (f"machines: {{shop: {{{ROUTER.replace('feed: 3000', 'feed: 0')}}}}}", ["'shop'", "feed", "greater than 0 mm/min"]),
    (f"machines: {{shop: {{{ROUTER.replace('tool_diameter: 6', 'tool_diameter: 0')}}}}}",
     ["'shop'", "tool_diameter", "greater than 0 mm"]),
    (f"machines: {{shop: {{{ROUTER.replace('depth_per_pass: 6', 'depth_per_pass: six')}}}}}",
     ["'shop'", "depth_per_pass", "'six' is not a number"]),
    (f"machines: {{shop: {{{ROUTER.replace('pierce_time: 1', 'pierce_time: [1]')}}}}}",
     ["'shop'", "pierce_time", "not a number", "s"]),
    (f"materials: {{ply: {{{MATERIAL.replace('density: 600', 'density: -600')}}}}}",
     ["'ply'", "density", "greater than 0 kg/m^3"]),
    (f"materials: {{ply: {{{MATERIAL}, price_per_m2: -3}}}}", ["'ply'", "price_per_m2", "at least 0"]),
    (f"materials: {{ply: {{{MATERIAL}, sheets: [[2440, .inf]]}}}}", ["'ply'", "sheets[0][1]", "not finite"]),
    (f"materials: {{ply: {{{MATERIAL}, thicknesses: {{18: -17.7}}}}}}", ["'ply'", "thicknesses[18]", "mm"]),
    (f"materials: {{ply: {{{MATERIAL.replace('strength_along: 60', 'strength_along: true')}}}}}",
     ["'ply'", "strength_along", "not a number", "MPa"]),
])
@pytest.mark.parametrize("command", ["machines", "materials"])
def test_profile_fields_are_checked_with_name_field_and_fix(tmp_path, command, entry, words):
    shop = tmp_path / "shop.yaml"
    shop.write_text(entry + "\n")
    result = run(command, "--profiles", shop)
    assert result.exit_code == 2, result.output
    assert str(shop) in result.output and "write " in result.output  # the file and the fix
    for word in words:
        assert word in result.output
    assert "Traceback" not in result.output and len(result.output.strip().splitlines()) == 1


def test_profile_checks_keep_valid_profiles(tmp_path):
    shop = tmp_path / "shop.yaml"
    shop.write_text(f"machines: {{shop: {{{LASER}}}}}\nmaterials: {{ply: {{{MATERIAL}, price_per_m2: 0}}}}\n")
    machines = json.loads(run("machines", "--profiles", shop, "--json").output)
    assert any(m["name"] == "shop" and m["kerf"] == 0.2 for m in machines)
    result = run("materials", "--profiles", shop, "--json")
    assert result.exit_code == 0 and "ply" in result.output


def test_load_profiles_bounds_a_user_file(tmp_path):
    """A YAML alias bomb given straight to the loader is refused, not expanded."""
    from parametric.errors import D4DError
    from parametric.materials import load_materials

    bomb = tmp_path / "bomb.yaml"
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{k}: &a{k} [{', '.join(['*a' + str(k - 1)] * 10)}]" for k in range(1, 9)]
    bomb.write_text("\n".join(lines) + "\n")
    with pytest.raises(D4DError, match="bomb.yaml"):
        load_materials(str(bomb))
    with pytest.raises(ProfileError, match="kg/m"):
        bad = tmp_path / "bad.yaml"
        bad.write_text(f"ply: {{{MATERIAL.replace('density: 600', 'density: 0')}}}\n")
        load_materials(str(bad))


@pytest.mark.parametrize("name", ["slice-chair", "Slice-Chair", "SLICE_CHAIR", " slice chair "])
def test_model_names_in_any_spelling(name):
    assert get_model(name).name == "slice_chair"


def test_a_typo_suggests_a_name_that_works():
    result = run("info", "Slice-Chiar")
    assert result.exit_code == 2 and "did you mean 'slice_chair'" in result.output
    assert run("info", "slice_chair").exit_code == 0


def test_a_params_file_naming_its_model_with_a_hyphen(tmp_path):
    """A file that spells the model slice-chair rebuilds it (main refused it, and its hint failed the same way)."""
    hyphen = tmp_path / "params.json"
    hyphen.write_text(json.dumps({"model": "slice-chair", "params": {"seat_height": 430}}))
    result = run("check", "slice_chair", "--params", hyphen, "--json")
    assert result.exit_code in (0, 1), result.output
    assert json.loads(result.output)["model"] == "slice_chair"


def test_the_wrong_model_hint_names_a_command_that_works(tmp_path):
    other = tmp_path / "params.json"
    other.write_text(json.dumps({"model": "Box", "params": {"width": 300}}))
    result = run("build", "stool", "--params", other, "--out", tmp_path / "out")
    assert result.exit_code == 2 and f"run `d4d build box --params {other}`" in result.output
    result = run("check", "box", "--params", other, "--json")
    assert result.exit_code in (0, 1) and json.loads(result.output)["model"] == "box"


def test_a_subnormal_coordinate_does_not_hang_the_outline_simplify():
    """GEOS's topology-preserving simplify never returns on a vertex 1e-322 mm off an edge (shapely 2.x);
    plates and mesh sections are simplified by ``simplified``, which sets subnormal coordinates to zero.
    In a child process, so that a regression fails at the time-out instead of hanging the suite."""
    code = ("from shapely.geometry import Polygon\n"
            "from parametric.tolerances import simplified\n"
            "notch = Polygon([(0, 50), (100, 50), (100, 0), (50, 0), (50, 2.47e-322), (0, 2.47e-322)])\n"
            "print(simplified(notch, 0.5).wkt)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "POLYGON ((0 50, 100 50, 100 0, 0 0, 0 50))"


def test_simplified_keeps_every_normal_coordinate():
    """Only subnormal coordinates are flushed: an outline with tiny but normal ones simplifies as before."""
    from shapely.geometry import Polygon

    from parametric.tolerances import simplified
    poly = Polygon([(0, 0), (10, 1e-300), (20, 0), (20, 5), (1e-30, 5)])
    assert simplified(poly).equals_exact(poly.simplify(0.02, preserve_topology=True), 0.0)
