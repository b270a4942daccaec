"""A wall fixing a product counts on is part of its kit: the bundle README says so, with the check's
standing-free result (issue 13: bookshelves pass their empty pull case only through that fixing)."""

from __future__ import annotations

import pytest

from fabrication.export.naming import restraint_lines
from parametric import build_design
from parametric.checks import run_checks


@pytest.mark.parametrize("preset", ["standard", "low", "tall"])
def test_bookshelf_presets_name_their_wall_fixing_as_part_of_the_kit(preset):
    design = build_design("bookshelf", preset=preset)
    report = run_checks(design).to_dict()
    empty = [f for f in report["findings"] if f.get("case") == "pull_top_empty"]
    # the check is not weakened: standing free and empty, every preset tips (a warning naming the fixing)
    assert empty and all(f["severity"] == "warning" and "wall fixing" in f["message"] for f in empty)
    lines = restraint_lines(design, report)
    assert lines[:3] == ["", "## Before use", ""] and len(lines) == 4
    assert "wall fixing (anti-tip strap)** is part of this kit" in lines[3]
    assert "Standing free: pull_top_empty: standing free it would tip" in lines[3]


def test_a_product_that_stands_on_its_own_has_no_before_use_section():
    box = build_design("box")
    assert restraint_lines(box, None) == []
