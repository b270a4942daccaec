"""A model from another package registers through the d4d.models entry point and is listed."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

PLUGIN = Path(__file__).resolve().parents[2] / "samples" / "plugin"


@pytest.fixture(scope="module")
def installed():
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "-q"]
    subprocess.run([*pip, "install", "--no-deps", str(PLUGIN)], check=True, timeout=300)
    yield
    subprocess.run([*pip, "uninstall", "-y", "d4d-plugin-example"], check=True, timeout=120)


def test_plugin_model_is_listed_and_builds(installed, tmp_path):
    d4d = [sys.executable, "-c", "from d4d_cad.cli import main; main()"]
    listed = subprocess.run([*d4d, "models"], capture_output=True, text=True, timeout=120)
    assert listed.returncode == 0 and "trivet" in listed.stdout, listed.stderr
    built = subprocess.run([*d4d, "build", "trivet", "--preset", "large", "--out", str(tmp_path / "t"),
                            "--no-solids"], capture_output=True, text=True, timeout=300)
    assert built.returncode == 0, built.stderr
    assert "all checks pass" in built.stdout
