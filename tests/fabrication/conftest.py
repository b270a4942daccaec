"""Fixtures for the cut-file tests: prepared chairs for a router and a laser, and DXF read-back."""

from __future__ import annotations

import ezdxf
import numpy as np
import pytest
from ezdxf import path as ezpath
from shapely.geometry import Polygon

from fabrication.export.bundle import cut_outlines, layout_parts, stock_size
from fabrication.machines import get_machine
from fabrication.toolpath import prepare
from parametric.materials import get_material


@pytest.fixture(scope="session")
def laser_chair():
    """A chair a laser can cut: the kids' size in 6.5 mm birch ply (measured 6.4)."""
    from parametric import build_design

    return build_design("slice_chair", preset="kids", thickness=6.4, rib_depth=60, slat_depth=40)


def _prepare(machine, design):
    cuts = {p.name: prepare(p, machine) for p in design.parts}
    stock = stock_size(get_material("birch-ply"), machine)
    sheets = layout_parts(cut_outlines(cuts), stock, machine.spacing, machine.margin, material="birch-ply",
                          thickness=design.params["thickness"], method="rows")
    return machine, design, cuts, sheets


@pytest.fixture(scope="module", params=["cnc-router-6mm", "co2-laser-60w"])
def prepared(request, chair, laser_chair):
    """(machine, design, prepared parts by name, sheets) for a router and a laser (row layout: fast)."""
    machine = get_machine(request.param)
    return _prepare(machine, chair if machine.is_router else laser_chair)


@pytest.fixture(scope="module")
def laser_prepared(laser_chair):
    """(machine, design, prepared parts, sheets) for the 60 W CO2 laser."""
    return _prepare(get_machine("co2-laser-60w"), laser_chair)


def ring(entity, unit_mm: float = 1.0) -> np.ndarray:
    """Points of a LWPOLYLINE with its bulge arcs flattened to 0.01 micrometre (sag area << 0.01 mm^2)."""
    return np.asarray([(v.x, v.y) for v in ezpath.make_path(entity).flattening(0.00001 / unit_mm)])


@pytest.fixture
def read_dxf():
    """``read(path) -> (doc, parts, cut entities)``: audited, with holes assigned to their outlines."""

    def read(path, unit_mm: float = 1.0):
        doc = ezdxf.readfile(path)
        auditor = doc.audit()
        assert not auditor.has_errors, [str(e) for e in auditor.errors]
        cuts = [e for e in doc.modelspace().query("LWPOLYLINE") if e.dxf.layer.startswith("CUT_")]
        outers = [(Polygon(ring(e, unit_mm)), e) for e in cuts if e.dxf.layer.startswith("CUT_OUTSIDE")]
        holes = [Polygon(ring(e, unit_mm)) for e in cuts if e.dxf.layer.startswith("CUT_INSIDE")]
        parts = {e.get_xdata("D4D")[0].value: Polygon(o.exterior, [h.exterior for h in holes if o.contains(h)])
                 for o, e in outers}
        return doc, parts, cuts

    return read
