"""Layering rules: heavy or GUI libraries are imported in one place each; data flows one way."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ["parametric", "models", "fabrication", "viewer"]


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
        "numba": {"fabrication/nesting/_kernels.py"},
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


def test_framework_core_does_not_import_fabrication_or_viewer():
    """parametric (but for its application layer, parametric/app) sits below fabrication and viewer."""
    for path in (ROOT / "parametric").rglob("*.py"):
        if "app" in path.relative_to(ROOT / "parametric").parts:
            continue
        assert not ({"fabrication", "viewer"} & _imports(path)), path.name
