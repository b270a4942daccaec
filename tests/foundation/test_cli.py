"""The CLI's commands and its handling of bad input (clear message, exit 2, nothing written)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from click.testing import CliRunner

from d4d_cad.cli import main


def run(*args):
    return CliRunner().invoke(main, list(args))


def test_models_lists_the_slice_chair():
    result = run("models")
    assert result.exit_code == 0 and "slice_chair" in result.output


def test_info_json_describes_parameters_and_presets():
    result = run("info", "slice_chair", "--json")
    assert result.exit_code == 0
    info = json.loads(result.output)
    names = {p["name"] for p in info["parameters"]}
    assert {"width", "seat_height", "seat_depth", "back_height", "back_angle", "rib_count", "slat_count",
            "thickness", "clearance", "profile"} <= names
    assert {"dining", "lounge", "kids"} <= set(info["presets"])
    seat = next(p for p in info["parameters"] if p["name"] == "seat_height")
    assert seat["unit"] == "mm" and seat["min"] < seat["default"] < seat["max"] and seat["help"]


def test_info_text():
    result = run("info", "slice_chair")
    assert result.exit_code == 0 and "seat_height" in result.output and "Presets: dining" in result.output


@pytest.mark.parametrize("args, words", [
    (["build", "slice_chair", "--set", "seat_height=900"], ["seat_height", "250 to 520 mm"]),
    (["build", "slice_chair", "--set", "seat_hieght=400"], ["seat_hieght", "did you mean 'seat_height'"]),
    (["build", "slice_char"], ["unknown model", "slice_chair"]),
    (["build", "slice_chair", "--set", "seat_height=500", "--set", "back_height=520"],
     ["back_height", "seat_height", "150 mm above"]),
    (["build", "slice_chair", "--set", "width"], ["NAME=VALUE"]),
    (["build", "slice_chair", "--preset", "dinning"], ["did you mean 'dining'"]),
    (["build", "slice_chair", "--set", "rib_count=2.5"], ["rib_count", "whole number"]),
])
def test_bad_input_gets_a_clear_message_and_writes_nothing(tmp_path, args, words):
    out = tmp_path / "out"
    result = run(*args, "--out", str(out))
    assert result.exit_code == 2
    for word in words:
        assert word in result.output
    assert "Traceback" not in result.output
    assert not out.exists() and list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("content, suffix", [("{broken", ".json"), ("a: [1,\n", ".yaml"), ("- 1\n", ".yaml"),
                                             ('{"model": "stool", "params": {}}', ".json")])
def test_malformed_parameter_file(tmp_path, content, suffix):
    bad = tmp_path / f"params{suffix}"
    bad.write_text(content)
    out = tmp_path / "out"
    result = run("build", "slice_chair", "--params", str(bad), "--out", str(out))
    assert result.exit_code == 2 and str(bad) in result.output
    assert not out.exists()


def test_missing_parameter_file(tmp_path):
    result = run("build", "slice_chair", "--params", str(tmp_path / "nope.yaml"), "--out", str(tmp_path / "o"))
    assert result.exit_code == 2 and "does not exist" in result.output


def test_existing_folder_keeps_its_files_on_failure(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.txt").write_text("mine")
    result = run("build", "slice_chair", "--set", "width=5", "--out", str(out))
    assert result.exit_code == 2
    assert [p.name for p in out.iterdir()] == ["keep.txt"]


def test_console_script_starts_without_cadquery():
    """`d4d models` must not pay for importing CadQuery or trimesh."""
    code = ("import sys; from d4d_cad.cli import main; sys.argv=['d4d','models'];\n"
            "try: main()\nexcept SystemExit: pass\n"
            "assert 'cadquery' not in sys.modules and 'trimesh' not in sys.modules, 'heavy import'")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert "slice_chair" in proc.stdout
