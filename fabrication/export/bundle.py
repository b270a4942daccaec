"""The download bundle: everything a micro-factory needs to cut and assemble one design, in one zip.

``<model>-<hash>.zip`` holds a README (material, measured thickness, tool/kerf, sheet size,
steps, licence), ``params.json`` (rebuilds the identical design), the product as STEP and STL,
DXF and SVG per sheet, the PDF (sheets at 1:1 + assembly guide), the BOM as CSV and the check
report. Written to a temporary file beside the target and renamed: a failure leaves nothing.
"""

from __future__ import annotations

import json
import os
import tempfile
import zipfile
from dataclasses import dataclass, replace
from pathlib import Path

from parametric.design import Design
from parametric.errors import FabricationError, OutputError
from parametric.materials import Material
from parametric.paramfile import dump_params
from parametric.part import FlatPart

from ..bom import Bom, make_bom
from ..layout import SheetLayout, nest_layout, row_layout
from ..machines import Machine
from ..toolpath import CutPart, prepare
from . import dxf, pdf, svg

LICENCE = "CC BY-SA 4.0 for the design files; cut and use the product freely."


@dataclass
class Bundle:
    """What went into a bundle."""

    path: Path
    files: list[str]
    sheets: list[SheetLayout]
    bom: Bom
    check_ok: bool | None


def stock_size(material: Material, machine: Machine) -> tuple[float, float]:
    """The stock to lay out on: the largest intersection of one of the material's sheets with the
    machine bed (long side along x, the sheet's grain direction)."""
    bed_long, bed_short = max(machine.bed), min(machine.bed)
    options = [(min(max(s), bed_long), min(min(s), bed_short)) for s in material.sheets]
    return max(options, key=lambda s: s[0] * s[1])


def layout_parts(parts: list[FlatPart], stock: tuple[float, float], spacing: float, margin: float, *,
                 material: str = "", thickness: float = 0.0, method: str = "nest",
                 time_limit: float = 2.0) -> list[SheetLayout]:
    """Lay parts out on sheets of ``stock`` size: true-shape nesting (default) or rows of bounding boxes.

    The one place the bundle chooses a layout engine (swap engines here).

    Raises:
        FabricationError: a part does not fit an empty sheet.
    """
    if method == "rows":
        return row_layout(parts, *stock, spacing=spacing, margin=margin, material=material, thickness=thickness)
    if method != "nest":
        raise FabricationError(f"unknown layout {method!r}; use nest or rows")
    return nest_layout(parts, *stock, spacing=spacing, margin=margin, material=material, thickness=thickness,
                       time_limit=time_limit)


def cut_outlines(cut_parts: dict[str, CutPart]) -> list[FlatPart]:
    """The parts with their prepared (compensated / relieved) outlines, ready for a layout."""
    return [replace(c.part, outline=c.outline) for c in cut_parts.values()]


def check_thickness(design: Design, machine: Machine) -> float:
    """The design's sheet thickness, if the machine can cut it.

    Raises:
        FabricationError: the sheet is thicker than the machine's ``max_thickness``.
    """
    t = float(design.params["thickness"])
    if t > machine.max_thickness:
        raise FabricationError(f"{machine.name} cuts at most {machine.max_thickness:g} mm, but the design uses "
                               f"{t:g} mm sheet; choose a router profile or a thinner material")
    return t


def bundle_path(out: str | Path, design: Design) -> Path:
    """The zip path: ``out`` itself, or ``out/<model>-<hash>.zip`` when ``out`` is a folder."""
    out = Path(out)
    if out.is_dir() or str(out).endswith(("/", os.sep)):
        out = out / f"{design.slug}.zip"
    if not out.parent.is_dir():
        raise OutputError(f"cannot write {out}: the folder {out.parent} does not exist; create it or choose "
                          "another --out")
    return out


def check_report(design: Design, material: Material, machine: Machine, stock: tuple[float, float]) -> dict:
    """The physical check report (``check.json``) for this material, tool and sheet."""
    from parametric.checks import run_checks

    return run_checks(design, material=material, tool_diameter=machine.min_feature_tool or None,
                      sheet=stock).to_dict()


def readme(design: Design, machine: Machine, material: Material, stock: tuple[float, float], bom: Bom,
           steps: list[pdf.Step], check: dict | None, unit: str = "mm") -> str:
    """The bundle's README.md."""
    t = design.params["thickness"]
    tool = (f"router bit {machine.tool_diameter:g} mm (dogbone reliefs in every inside corner)" if machine.is_router
            else f"laser, kerf {machine.kerf:g} mm (contours compensated by half the kerf)")
    lines = [f"# {design.title} ({design.model} {design.model_version}, {design.hash})", "",
             f"- material: {material.title}, **measured thickness {t:g} mm** (slots are cut for it: re-export if "
             "your sheet measures differently)",
             f"- machine: {machine.title}; {tool}",
             f"- sheet: {stock[0]:g} x {stock[1]:g} mm, {bom.sheets} sheet(s), part gap {machine.spacing:g} mm, "
             f"edge margin {machine.margin:g} mm",
             f"- units: DXF in {'inches' if unit == 'in' else 'millimetres'}, SVG and PDF in millimetres (PDF sheet "
             "pages at 1:1); DXF R2010 layers `CUT_INSIDE_*` (cut first), `CUT_OUTSIDE_*`, `ENGRAVE` (single-stroke "
             "labels), `NOTES_NOCUT` (sheet outline and a 100 mm calibration square: measure it before cutting)", "",
             "## Parts", "", bom.markdown(), "", "## Assembly", ""]
    lines += [f"{s.number}. {s.text}" for s in steps]
    if check is not None:
        verdict = "all checks pass" if check["ok"] else f"{check['errors']} check(s) FAIL (see check.json)"
        lines += ["", "## Checks", "", f"{verdict}; mass {check['mass_kg']:.1f} kg."]
    lines += ["", "## Rebuild", "", f"`d4d export {design.model} --params params.json --machine {machine.name} "
              f"--material {material.name} --out .`", "", "## Licence", "", LICENCE, ""]
    return "\n".join(lines)


def export_bundle(design: Design, machine: Machine, material: Material, out: str | Path, *,
                  compensate_kerf: bool = True, relief: str = "dogbone", checks: bool = True,
                  layout: str = "nest", nest_time: float = 2.0, unit: str = "mm",
                  render_size: tuple[int, int] = (900, 650), progress=None) -> Bundle:
    """Write the download bundle for one design; returns what went in.

    Args:
        out: the zip path, or an existing folder for ``<model>-<hash>.zip``.
        compensate_kerf: laser: offset contours by half the kerf; relief: router corner reliefs.
        checks: run the physical checks and add ``check.json``.
        layout: ``"nest"`` or ``"rows"``; unit: DXF units, ``"mm"`` or ``"in"``.
        progress: ``callback(step, total, what)``.

    Raises:
        FabricationError: the sheet is too thick for the machine, or a part does not fit a sheet.
        OutputError: the target folder does not exist.
    """
    from parametric import geometry

    tick = progress or (lambda step, total, what: None)
    target = bundle_path(out, design)
    t = check_thickness(design, machine)
    total = 7
    tick(1, total, "preparing toolpaths")
    cut_parts = {p.name: prepare(p, machine, compensate_kerf=compensate_kerf, relief=relief) for p in design.parts}
    stock = stock_size(material, machine)
    sheets = layout_parts(cut_outlines(cut_parts), stock, machine.spacing, machine.margin, material=material.name,
                          thickness=t, method=layout, time_limit=nest_time)
    bom = make_bom(design, cut_parts, sheets, machine, material)
    check = None
    if checks:
        tick(2, total, "checking")
        check = check_report(design, material, machine, stock)
    fd, tmp_zip = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    os.close(fd)
    try:
        with tempfile.TemporaryDirectory() as tmp, zipfile.ZipFile(tmp_zip, "w", zipfile.ZIP_DEFLATED) as zf:
            root = Path(tmp)
            tick(3, total, "writing sheets")
            for s in sheets:
                dxf.write_sheet(s, root / f"sheet-{s.index:02d}.dxf", unit=unit, cut_parts=cut_parts)
                svg.write_sheet(s, root / f"sheet-{s.index:02d}.svg", machine, cut_parts)
            tick(4, total, "writing solids")
            geometry.export_step(design, root / f"{design.model}.step")
            geometry.export_stl(design, root / f"{design.model}.stl")
            tick(5, total, "writing the PDF guide")
            steps = pdf.assembly_steps(design)
            pdf.write_pdf(root / f"{design.model}-guide.pdf", design, sheets, cut_parts, bom,
                          machine_title=machine.title, render_size=render_size)
            tick(6, total, "writing the BOM")
            (root / "bom.csv").write_text(bom.csv())
            (root / "params.json").write_text(dump_params(design.params, "json", design.model_version))
            if check is not None:
                (root / "check.json").write_text(json.dumps(check, indent=2) + "\n")
            (root / "README.md").write_text(readme(design, machine, material, stock, bom, steps, check, unit))
            files = sorted(p.name for p in root.iterdir())
            for name in files:
                zf.write(root / name, f"{design.slug}/{name}")
        os.chmod(tmp_zip, 0o644)
        os.replace(tmp_zip, target)
    except BaseException:
        Path(tmp_zip).unlink(missing_ok=True)
        raise
    tick(7, total, "done")
    return Bundle(target, files, sheets, bom, None if check is None else check["ok"])
