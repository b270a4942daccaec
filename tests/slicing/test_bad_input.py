"""Bad meshes and impossible slicing choices: exit 2 with a clear message and nothing written, or a
coded finding with its fix; a stored mesh copy that was edited is refused."""

from __future__ import annotations

import json

import numpy as np
import pytest
import trimesh
from click.testing import CliRunner

from parametric import get_model
from d4d_cad.cli import main
from parametric.checks import run_checks
from parametric.errors import ParameterError

SLICED = get_model("sliced")


def write(path, text: str | bytes):
    path.write_bytes(text if isinstance(text, bytes) else text.encode())
    return path


def flat_stl(path):
    """A square of two triangles: a surface with no volume."""
    mesh = trimesh.Trimesh([[0, 0, 0], [1, 0, 0], [1, 1, 0], [0, 1, 0]], [[0, 1, 2], [0, 2, 3]])
    mesh.export(path)
    return path


@pytest.mark.parametrize("make, words", [
    (lambda d: write(d / "empty.stl", b""), ["empty.stl is empty"]),
    (lambda d: write(d / "notes.stl", "these are my notes, not a mesh\n"), ["notes.stl", "no triangles"]),
    (lambda d: write(d / "shape.obj", "v 0 0 0\nv 1 0 0\nv nan 1 0\nf 1 2 3\n"), ["shape.obj", "no triangles"]),
    (lambda d: flat_stl(d / "flat.stl"), ["flat.stl has no volume"]),
    (lambda d: d, ["is not a regular file"]),
    (lambda d: d / "missing.stl", ["missing.stl does not exist"]),
    (lambda d: write(d / "shape.step", "ISO-10303-21;"), ["unknown mesh type '.step'"]),
])
def test_a_bad_mesh_file_exits_2_and_writes_nothing(tmp_path, make, words):
    source = make(tmp_path)
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["build", "sliced", "--set", f"mesh=@{source}", "--out", str(out), "--no-solids"])
    assert result.exit_code == 2, result.output
    assert all(w in result.output for w in words), result.output
    assert "mesh" in result.output and not out.exists()


def test_too_many_slices_exit_2_naming_the_limit(tmp_path):
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["build", "sliced", "--set", "count_a=30", "--out", str(out)])
    assert result.exit_code == 2 and "count_a = 30" in result.output and "use at most 13" in result.output
    assert not out.exists()


def test_radial_fins_crowding_the_core_name_the_core_they_need():
    with pytest.raises(ParameterError, match=r"raise core to \d+ mm"):
        SLICED.params(style="radial", count_a=12, core=20)


def test_a_kit_larger_than_every_sheet_is_a_coded_finding_with_a_fix():
    design = SLICED.design(SLICED.params(size=2400, size_of="longest"))
    sheet = [f for f in run_checks(design, families=("manufacturability",)).findings if f.code == "MFG-SHEET"]
    assert sheet and all(f.severity == "error" and "sheet" in f.message for f in sheet)


def test_the_export_refuses_a_part_larger_than_the_machine(tmp_path):
    out = tmp_path / "bundle"
    result = CliRunner().invoke(main, ["export", "sliced", "--set", "size=2400", "--set", "size_of=longest",
                                       "--machine", "cnc-router-6mm", "--out", str(out)])
    assert result.exit_code == 2 and "a-0" in result.output and not out.exists()


def test_params_json_rebuilds_the_same_kit_and_an_edited_copy_is_refused(tmp_path):
    mesh = trimesh.creation.capsule(height=1.0, radius=0.4)
    source = tmp_path / "capsule.ply"
    mesh.export(source)
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["build", "sliced", "--set", f"mesh=@{source}", "--set", "count_a=4",
                                       "--out", str(out), "--no-solids"])
    assert result.exit_code == 0, result.output
    source.unlink()  # the rebuild needs no mesh file
    again = tmp_path / "again"
    result = CliRunner().invoke(main, ["build", "sliced", "--params", str(out / "params.json"), "--out", str(again),
                                       "--no-solids"])
    assert result.exit_code == 0, result.output
    first, second = (json.loads((d / "design.json").read_text()) for d in (out, again))
    assert first["hash"] == second["hash"] and first["parts"] == second["parts"]
    stored = json.loads((out / "params.json").read_text())
    vertices = np.frombuffer(__import__("zlib").decompress(__import__("base64").b64decode(
        stored["params"]["mesh"]["vertices"])), dtype="<f8").copy()
    vertices[0] += 1.0  # edit one coordinate, keep the old hash
    stored["params"]["mesh"]["vertices"] = __import__("base64").b64encode(
        __import__("zlib").compress(vertices.tobytes())).decode()
    (tmp_path / "edited.json").write_text(json.dumps(stored))
    result = CliRunner().invoke(main, ["build", "sliced", "--params", str(tmp_path / "edited.json"),
                                       "--out", str(tmp_path / "edited"), "--no-solids"])
    assert result.exit_code == 2 and "does not match its sha256" in result.output
    assert not (tmp_path / "edited").exists()


def test_a_huge_stored_copy_is_refused_before_it_is_inflated():
    import base64
    import zlib

    bomb = base64.b64encode(zlib.compress(bytes(200_000_000))).decode()
    with pytest.raises(ParameterError, match="more than 300,000 faces"):
        SLICED.params(mesh={"source": "bomb.stl", "sha256": "0" * 64, "vertices": bomb, "faces": bomb})


@pytest.mark.parametrize("ext, file_type", [("stl", "stl"), ("stl", "stl_ascii"), ("obj", "obj"), ("ply", "ply"),
                                            ("3mf", "3mf"), ("off", "off")])
def test_every_mesh_format_reads_to_the_same_kit(tmp_path, ext, file_type):
    """STL (binary and ASCII), OBJ, PLY, 3MF and OFF of one solid give the same parts."""
    sphere = trimesh.creation.icosphere(subdivisions=2)
    path = tmp_path / f"ball.{ext}"
    sphere.export(path, file_type=file_type)
    design = SLICED.design(SLICED.params(mesh=f"@{path}", count_a=3, count_b=3))
    reference = SLICED.design(SLICED.params(mesh=sphere, count_a=3, count_b=3))
    assert [p.name for p in design.parts] == [p.name for p in reference.parts]
    assert design.total_area == pytest.approx(reference.total_area, rel=1e-6)


def test_an_offset_of_half_the_spacing_or_more_is_refused_with_the_limit():
    with pytest.raises(ParameterError, match=r"offset_a = 60 mm .* keep it under 56 mm"):
        SLICED.params(offset_a=60)  # 450 mm across 4 slices: 112.5 mm apart
    SLICED.params(offset_a=55)
