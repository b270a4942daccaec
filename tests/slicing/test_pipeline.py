"""Everything downstream of a mesh kit: d4d check, export, nest and batch on a mesh file."""

from __future__ import annotations

import csv
import json
import zipfile

import pytest
import trimesh
from click.testing import CliRunner

from d4d_cad.cli import main


@pytest.fixture(scope="module")
def block(tmp_path_factory):
    path = tmp_path_factory.mktemp("mesh") / "block.obj"
    trimesh.creation.box((2.0, 1.2, 1.0)).export(path)
    return path


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def test_check_export_and_nest_a_mesh_kit(block, tmp_path):
    result = run("check", "sliced", "--set", f"mesh=@{block}", "--set", "count_a=3", "--set", "count_b=3", "--json")
    assert result.exit_code == 0, result.output
    codes = {f["code"]: f for f in json.loads(result.output)["report"]["findings"]}
    assert codes["SLICE-ASSEMBLY"]["severity"] == "pass" and codes["MFG-SLIDE"]["severity"] == "pass"
    result = run("export", "sliced", "--set", f"mesh=@{block}", "--set", "count_a=3", "--set", "count_b=3",
                 "--machine", "cnc-router-6mm", "--out", f"{tmp_path / 'bundle'}/")
    assert result.exit_code == 0, result.output
    names = [p.name for p in (tmp_path / "bundle").rglob("*")]
    for bundle in (tmp_path / "bundle").rglob("*.zip"):
        names += zipfile.ZipFile(bundle).namelist()
    assert any(n.endswith(".dxf") for n in names) and any(n.endswith("params.json") for n in names), names
    result = run("build", "sliced", "--set", f"mesh=@{block}", "--out", tmp_path / "built", "--no-solids")
    assert result.exit_code == 0, result.output
    result = run("nest", tmp_path / "built" / "design.json", "--out", tmp_path / "nested", "--rounds", "2")
    assert result.exit_code == 0, result.output
    assert list((tmp_path / "nested").glob("**/*.dxf"))


def test_batch_sweeps_a_mesh_kit(block, tmp_path):
    sweep = tmp_path / "sweep.yaml"
    sweep.write_text(f'model: sliced\nmachine: cnc-router-6mm\nparams: {{mesh: "@{block}"}}\n'
                     "grid: {count_a: [3, 4]}\noutputs: [report]\n")
    result = run("batch", sweep, "--out", tmp_path / "out", "--workers", "1", "-q")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader((tmp_path / "out" / "results.csv").open()))
    assert [r["status"] for r in rows] == ["ok", "ok"] and rows[0]["param.mesh"].startswith("block.obj (")
