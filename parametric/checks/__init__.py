"""Physical checks: mass, stability under load, overlap, manufacturability, strength.

``run_checks(design)`` returns a :class:`CheckReport` of coded findings with measured margins; it
never raises on a bad design (a missing density, a floating product, a failing check family all
become coded error findings). ``fix(design)`` searches the declared parameter ranges for the
nearest parameter set that passes.
"""

from __future__ import annotations

import time
from collections.abc import Sequence

import numpy as np

from ..design import Design
from ..loads import figure_cases
from ..materials import Material, load_materials
from ..mesh import Manifolds, PartMeshes
from .ergonomics import check_ergonomics, collisions, perch_finding, resolve_figures
from .fixes import FixResult, fix, suggest_fixes
from .manufacturability import check_manufacturability
from .overlap import check_overlaps
from .report import CheckReport, Finding, format_table
from .stability import (
    FLOOR_TOL,
    MIN_MARGIN_MM,
    alone_case,
    check_case_slide,
    floor_contacts,
    mass_properties,
    support_polygon,
)
from .strength import check_strength

#: default tool: a 6 mm router bit (fabrication-reference.md section 2)
DEFAULT_TOOL_MM = 6.0
FAMILIES = ("mass", "stability", "overlap", "manufacturability", "strength", "ergonomics", "collision")

__all__ = ["CheckReport", "Finding", "FixResult", "format_table", "fix", "run_checks", "suggest_fixes",
           "DEFAULT_TOOL_MM", "FAMILIES"]


def _materials(design: Design, material: Material | None) -> tuple[dict[str, Material], list[Finding]]:
    known = load_materials()
    out, findings = {}, []
    for name in {p.material for p in design.parts}:
        mat = material or known.get(name)
        if mat is None or not mat.density > 0:
            findings.append(Finding("MAT-DENSITY", "error", f"material {name!r} has no density, so mass and "
                                    f"stability cannot be computed; choose one of {', '.join(sorted(known))}",
                                    name))
        else:
            out[name] = mat
    return out, findings


def run_checks(design: Design, *, material: Material | None = None, tool_diameter: float | None = None,
               min_margin: float = MIN_MARGIN_MM, sheet: tuple[float, float] | None = None,
               families: tuple[str, ...] = FAMILIES, meshes: dict | None = None,
               figures: Sequence[str] | None = None) -> CheckReport:
    """Check a design and return the report (never raises for a bad design).

    Args:
        material: use this material for every part (default: each part's own profile).
        tool_diameter: tool or kerf width for the minimum-feature checks, mm (default 6 mm bit).
        min_margin: required tipping margin, mm.
        sheet: the sheet size to fit parts on (default: the material's sheets).
        families: a subset of :data:`FAMILIES` to run (the fix search runs only what it needs).
        meshes: placed part meshes if the caller already has them.
        figures: the seated figures (:data:`parametric.figure.FIGURES` names) for the ergonomic checks and
            the figure load cases (default: the ones the design's seat or worktop is for; ``()``: none).
    """
    start = time.perf_counter()
    report = CheckReport(design.model, design.hash)
    tool = tool_diameter or DEFAULT_TOOL_MM
    materials, mat_findings = _materials(design, material)
    report.findings.extend(mat_findings)
    report.findings.extend(Finding(**note) for note in design.notes)  # what the build repaired or dropped
    if figures is None and "ergonomics" in families and design.seat is not None and design.seat.perched:
        report.findings.append(perch_finding(design.seat))  # the intended figures the edit left out
    figures = resolve_figures(design, figures)  # an unknown name raises: bad input, not a bad design
    if meshes is None and "overlap" in families and "collision" in families and design.seat is not None and figures:
        meshes = PartMeshes(design)  # shared by both, each made when one of them first needs it
    solids = Manifolds(meshes) if meshes is not None else None  # and their solids, for this call only
    for family in families:
        try:
            _run_family(family, design, report, materials, tool, min_margin, sheet, meshes, figures, solids)
        except Exception as exc:  # a check that cannot run is itself a finding, never a crash
            report.findings.append(Finding("CHECK-FAILED", "error", f"the {family} check could not run: "
                                           f"{type(exc).__name__}: {exc}"))
    report.seconds = time.perf_counter() - start
    return report


def _run_family(family, design, report, materials, tool, min_margin, sheet, meshes, figures=(), solids=None) -> None:
    if family == "mass":
        if len(materials) == len({p.material for p in design.parts}):
            mass, com = mass_properties(design, {k: m.density for k, m in materials.items()})
            report.mass_kg, report.centre_of_mass = float(mass), tuple(float(c) for c in com)
            report.findings.append(Finding("MASS", "pass", f"mass {mass:.1f} kg, centre of mass at "
                                           f"({com[0]:.0f}, {com[1]:.0f}, {com[2]:.0f}) mm", "", float(mass),
                                           unit="kg"))
    elif family == "stability":
        cases = [c for c in design.load_cases if c.kind == "stability"]
        if not any(c.name == "alone" for c in cases):
            cases.append(alone_case())  # every product must stand on its own
        if design.seat is not None and figures:
            cases += figure_cases(design.seat, figures)
        if not report.mass_kg and len(materials) == len({p.material for p in design.parts}):
            mass, com = mass_properties(design, {k: m.density for k, m in materials.items()})
            report.mass_kg, report.centre_of_mass = float(mass), tuple(float(c) for c in com)
        if not report.mass_kg:  # a material without a density: MAT-DENSITY says stability cannot be judged
            return
        zmin, contacts = floor_contacts(design)
        hull = support_polygon(contacts)
        if abs(zmin) > FLOOR_TOL or hull is None:
            why = (f"its lowest point is at z = {zmin:.1f} mm, not on the floor (z = 0)" if abs(zmin) > FLOOR_TOL
                   else "its floor contacts do not span an area")
            report.findings.append(Finding("STAB-NOFLOOR", "error", f"the product cannot stand: {why}", "",
                                           zmin, 0.0, -abs(zmin), "mm"))
            return
        report.support_polygon = [tuple(map(float, c)) for c in list(hull.exterior.coords)[:-1]]
        slides = []
        for case in cases:
            finding, cop, slide = check_case_slide(case, hull, report.mass_kg, np.asarray(report.centre_of_mass),
                                                   min_margin)
            report.findings.append(finding)
            report.cops[case.name] = cop
            # sliding is judged on the standard pushes; a sitter heavier than their push only adds grip
            slides += [slide] if slide and not case.code.startswith("STAB-FIG") else []
        warned = [f for f in slides if f.severity != "pass"]
        if warned or slides:  # every warning, or the pass with the least grip to spare
            report.findings.extend(warned or [min(slides, key=lambda f: f.margin)])
    elif family == "overlap":
        findings, pieces = check_overlaps(design, meshes or PartMeshes(design), solids)
        report.findings.extend(findings)
        report.overlaps.update(pieces)
    elif family == "manufacturability":
        sheets = {name: [sheet] if sheet else list(m.sheets) for name, m in materials.items()}
        report.findings.extend(check_manufacturability(design, tool_diameter=tool, sheets=sheets))
    elif family == "strength":
        if materials:
            report.findings.extend(check_strength(design, materials))
    elif family == "ergonomics":
        report.findings.extend(check_ergonomics(design, figures))
    elif family == "collision":  # the figure against the parts: its own family, so fit searches skip it
        if design.seat is not None and figures:
            report.findings.extend(collisions(design, figures, meshes, solids))
