"""Samples and README snippets are tests too (the CadQuery habit): docs cannot rot."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from d4d_cad.cli import main

ROOT = Path(__file__).resolve().parents[2]


def test_sample_sweeps_load():
    from d4d_cad.batch import load_sweep

    for path in sorted((ROOT / "samples").glob("sweep_*.yaml")):
        assert len(load_sweep(path)) > 1, path.name


def test_sample_parameter_files_build(tmp_path):
    for path in sorted(p for p in (ROOT / "samples").glob("*.yaml") if not p.name.startswith("sweep_")):
        model = __import__("yaml").safe_load(path.read_text())["model"]
        result = CliRunner().invoke(main, ["build", model, "--params", str(path), "--out", str(tmp_path / path.stem),
                                           "--no-solids"])
        assert result.exit_code == 0, (path.name, result.output)


def test_api_example_runs(tmp_path):
    proc = subprocess.run([sys.executable, str(ROOT / "samples" / "api_example.py"), str(tmp_path / "kids")],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "kids" / "design.json").exists()


def test_readme_python_example_runs(tmp_path, monkeypatch):
    readme = (ROOT / "README.md").read_text()
    code = re.search(r"## Python API\s+```python\n(.*?)```", readme, re.S).group(1)
    monkeypatch.chdir(tmp_path)
    exec(compile(code, "README.md", "exec"), {})
    assert (tmp_path / "out" / "lounge" / "slice_chair.step").exists()


def test_ci_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text()
    assert "<!-- test-command -->" in readme and "<!-- main-command -->" in readme
    assert "test-command" in (ROOT / ".ci" / "run").read_text()
