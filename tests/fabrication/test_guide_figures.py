"""The PDF assembly guide's "Who it fits" page: the figures a seating product is for, seated on it, with
their fit margins (read back with poppler's pdftotext)."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from fabrication.export import bundle as bundle_mod
from fabrication.export.pdf import assembly_steps, fit_page, write_pdf
from fabrication.machines import get_machine
from parametric import build_design
from parametric.materials import get_material


def pages(path) -> list[str]:
    """The text of each page of a PDF."""
    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext (poppler-utils) not installed; .ci/apt-packages.txt installs it")
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True,
                          timeout=120).stdout
    return text.split("\f")[:-1]


def test_the_guide_has_a_who_it_fits_page_with_the_kids_chairs_children(tmp_path):
    pytest.importorskip("pyvista")
    kids = build_design("slice_chair", preset="kids")
    fab = bundle_mod.fabricate(kids, get_machine("cnc-router-6mm"), get_material("birch-ply"), checks=False,
                               layout="rows")
    path = tmp_path / "guide.pdf"
    write_pdf(path, kids, fab.sheets, fab.cut_parts, fab.bom, render_size=(320, 240))
    text = pages(path)
    steps = assembly_steps(kids)
    assert len(text) == len(fab.sheets) + 2 + len(steps)  # sheets, parts, who it fits, one page per step
    fits = text[len(fab.sheets) + 1]
    assert "Who it fits" in fits and "Step 1" in text[len(fab.sheets) + 2]
    assert kids.seat.figures == ("child-2", "child-3")
    for name in kids.seat.figures:
        assert name in fits
    assert "EN 1729-1" in fits and "ANSUR" not in fits  # children only
    assert fits.count("seat-high") == 2 and fits.count("seat-deep") == 2


def test_the_page_follows_the_design(tmp_path):
    pytest.importorskip("pyvista")
    assert fit_page(build_design("bookshelf")) is None  # nobody sits on a shelf: no page
    bar = fit_page(build_design("stool", preset="bar"))  # feet on the bar's rail: said in words, no picture
    assert bar is not None and not bar.axes
    assert any("Not checked for a seated figure" in t.get_text() for t in bar.texts)
    table = fit_page(build_design("table", preset="dining"))
    assert not table.axes and any("woman-p5" in t.get_text() and "thighs" in t.get_text() for t in table.texts)
    lounge = fit_page(build_design("slice_chair", preset="lounge"), (320, 240))
    assert len(lounge.axes) == 3  # one picture per figure
    captions = [t.get_text() for t in lounge.texts]
    assert sum(c.startswith(("woman-p50", "man-p50", "man-p95")) for c in captions) == 3
