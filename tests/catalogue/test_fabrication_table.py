"""docs/fabrication.md (the catalogue x machine table) is what docs/make_fabrication_table.py makes.

The whole table takes about a minute and a half (every preset fabricated and checked on every machine), so the fast
test regenerates a fixed subset of rows (an export that passes on a laser, one on a router, a
thickness changed to suit a laser, a refusal for size) and the full comparison is marked slow.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SUBSET = [("box", "3mm-ply", "co2-laser-60w"), ("stool", "kitchen", "cnc-router-6mm"),
          ("stool", "kitchen", "co2-laser-60w"), ("slice_chair", "kids", "diode-laser-10w")]


def _module():
    spec = importlib.util.spec_from_file_location("make_fabrication_table", ROOT / "docs" / "make_fabrication_table.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _committed() -> list[str]:
    return (ROOT / "docs" / "fabrication.md").read_text().splitlines()


def test_table_covers_every_preset_and_machine_and_a_subset_is_up_to_date():
    module = _module()
    lines = _committed()
    rows = [line for line in lines if line.startswith("| ") and not line.startswith("| model ")]
    keys = [tuple(cell.strip() for cell in line.strip("|").split("|")[:3]) for line in rows]
    from fabrication.machines import load_machines

    assert keys == [(m, p, k) for m, p, k in module.combinations()], "run: python docs/make_fabrication_table.py"
    assert len(keys) == len(set(keys)) and {k[2] for k in keys} == set(load_machines())
    fresh = {combo: module.row(*combo) for combo in SUBSET}
    for combo, line in fresh.items():
        assert line in lines, f"{combo}: {line!r} is not in docs/fabrication.md; run: python docs/make_fabrication_table.py"
    rows = fresh
    assert "12 (nominal 12; preset 17.7) | yes" in rows[SUBSET[2]]  # thinner stock for a laser that cuts 12 mm
    assert "refused: rib-1 too large for the bed" in rows[SUBSET[3]] and "nominal 4" in rows[SUBSET[3]]


@pytest.mark.slow
def test_the_whole_table_is_up_to_date(request):
    if "slow" not in (request.config.getoption("markexpr") or ""):
        pytest.skip("the whole table takes about a minute and a half on 2 cores (100 s quiet); run with -m slow")
    assert (ROOT / "docs" / "fabrication.md").read_text() == _module().table_markdown(), \
        "run: python docs/make_fabrication_table.py"
