"""Reference test over every model x preset: builds, passes every check, and matches stored
expectations (part count, total area, joints by kind) so an unintended change is caught.

Regenerate after an intended change: ``D4D_UPDATE_EXPECTATIONS=1 pytest tests/catalogue``.
"""

from __future__ import annotations

import itertools
import json
import os
from collections import Counter
from pathlib import Path

import pytest

from parametric import available_models
from parametric.checks import format_table, run_checks
from parametric.joinery import boxes_touch
from parametric.mesh import design_meshes, to_manifold

EXPECTED = Path(__file__).with_name("expectations.json")
CASES = [(name, preset) for name, cls in sorted(available_models().items()) for preset in cls.schema.presets]


def summary(design) -> dict:
    """What the reference test pins for one design."""
    return {"parts": len(design.parts), "total_area_mm2": round(design.total_area),
            "joints": dict(sorted(Counter(j.kind for j in design.joints).items())), "hash": design.hash}


@pytest.fixture(scope="module")
def expected():
    return json.loads(EXPECTED.read_text()) if EXPECTED.exists() else {}


def test_expectations_cover_every_model_and_preset(expected):
    if os.environ.get("D4D_UPDATE_EXPECTATIONS"):
        data = {f"{n}/{p}": summary(available_models()[n].design(preset=p)) for n, p in CASES}
        EXPECTED.write_text(json.dumps(data, indent=1, sort_keys=True) + "\n")
        pytest.skip("expectations regenerated")
    assert set(expected) == {f"{n}/{p}" for n, p in CASES}


@pytest.mark.parametrize("name, preset", CASES)
def test_model_preset_matches_reference_and_passes_checks(name, preset, expected):
    design = available_models()[name].design(preset=preset)
    assert summary(design) == expected.get(f"{name}/{preset}"), "geometry changed: update expectations if intended"
    report = run_checks(design)
    assert report.ok, format_table(report, show_passes=False)
    meshes = design_meshes(design)
    for a, b in itertools.combinations(design.parts, 2):
        if boxes_touch(a, b):
            assert (to_manifold(meshes[a.name]) ^ to_manifold(meshes[b.name])).volume() < 1.0, (a.name, b.name)


def test_catalogue_doc_is_up_to_date():
    import importlib.util

    root = Path(__file__).resolve().parents[2]
    spec = importlib.util.spec_from_file_location("make_catalogue", root / "docs" / "make_catalogue.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert (root / "docs" / "catalogue.md").read_text() == module.catalogue_markdown(), \
        "run: python docs/make_catalogue.py"
    for name, cls in available_models().items():
        assert (root / "docs" / "img" / f"{name}.png").exists()
        if cls.design().seat is not None:  # seating: also a picture with the figure seated
            assert (root / "docs" / "img" / f"{name}-figure.png").exists()
