"""Layering rules: heavy or GUI libraries are imported in one place each; data flows one way."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ["parametric", "models", "fabrication", "viewer", "d4d_cad"]


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            out.add(node.module.split(".")[0])
    return out


def _files():
    for pkg in PACKAGES:
        yield from (ROOT / pkg).rglob("*.py")


def test_kernel_libraries_stay_in_their_adapters():
    allowed = {
        "cadquery": {"parametric/geometry.py"},
        "OCP": set(),
        "numba": {"fabrication/nesting/_kernels.py", "parametric/checks/_chord_kernel.py"},
    }
    for path in _files():
        rel = path.relative_to(ROOT).as_posix()
        for lib, homes in allowed.items():
            if lib in _imports(path):
                assert rel in homes, f"{rel} imports {lib}; only {homes or 'nothing'} may"


def test_qt_only_in_viewer():
    for path in _files():
        rel = path.relative_to(ROOT).as_posix()
        if {"PySide6", "pyvistaqt", "qtpy"} & _imports(path):
            assert rel.startswith("viewer/"), rel


def test_models_know_nothing_of_files_machines_or_kernels():
    for path in (ROOT / "models").rglob("*.py"):
        assert not ({"fabrication", "viewer", "ezdxf", "cadquery", "trimesh"} & _imports(path)), path.name


def test_data_flows_one_way():
    """parametric (the framework) < fabrication < viewer < d4d_cad (the application: CLI, pipeline,
    batch): no package imports one above it. The catalogue (models) is found by the registry alone,
    as plugins are (by import, at run time)."""
    above = {"parametric": {"fabrication", "viewer", "d4d_cad", "models"},
             "fabrication": {"viewer", "d4d_cad", "models"},
             "viewer": {"d4d_cad"}}
    for pkg, banned in above.items():
        for path in (ROOT / pkg).rglob("*.py"):
            rel = path.relative_to(ROOT).as_posix()
            found = banned & _imports(path) - ({"models"} if rel == "parametric/registry.py" else set())
            assert not found, f"{rel} imports {found}"
