"""The download bundle: everything a micro-factory needs to cut and assemble one design, in one zip.

Staged so batch runs can stop early or write only what they need: :func:`fabricate` computes
(toolpaths, layout, BOM, checks: a :class:`Fabrication`, no files), :func:`write_cut_files` writes
the DXF/SVG per sheet and the BOM, :func:`write_bundle_files` everything the zip holds, and
:func:`export_bundle` zips that atomically. Each sheet is walked once and shared by DXF, SVG and PDF.

``<model>-<hash>-<machine>-<material>-<T>mm-<digest>.zip`` (:mod:`.naming`) holds a README
(material, measured thickness, tool/kerf, sheet size, every option, steps, licence, rebuild
command), ``params.json`` (rebuilds the identical design), the product as STEP and STL, DXF and
SVG per sheet, the PDF (sheets at 1:1 + assembly guide), the BOM as CSV and the check
report. Written to a temporary file beside the target and renamed: a failure leaves nothing.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field, replace
from pathlib import Path

from shapely.geometry import Polygon

from parametric.design import Design
from parametric.errors import FabricationError, OutputError
from parametric.materials import Material
from parametric.paramfile import dump_params
from parametric.part import FlatPart

from ..bom import COST_BY, Bom, make_bom
from ..faces import hidden_faces
from ..layout import NEST_ROUNDS, NEST_TIME_LIMIT, SheetLayout, nest_layout, row_layout
from ..machines import Machine
from ..toolpath import CutPart, prepare
from . import dxf, pdf, svg
from .atomic import timed as _timed
from .atomic import zip_atomically
from .fits import check_parts_fit
from .naming import LICENCE, ExportOptions, bundle_name, readme  # noqa: F401 (LICENCE, readme: public here too)
from .sheetwalk import Operation, walk

#: what ``labels`` may be: engraved single-stroke part labels (on the face up on the sheet, or on the face
#: hidden after assembly: :mod:`fabrication.faces`), or none (the BOM still names the parts)
LABELS = ("engrave", "none", "hidden-face")
#: most copies of a product one export nests together (a bigger run is a batch job)
MAX_COPIES = 1000


@dataclass
class Bundle:
    """What went into a bundle."""

    path: Path
    name: str
    files: list[str]
    sheets: list[SheetLayout]
    bom: Bom
    check_ok: bool | None
    #: seconds per stage (toolpaths, nesting, bom, checks, walk, dxf, svg, bom_csv, step, stl, pdf, zip)
    timings: dict[str, float] = field(default_factory=dict)


def stock_size(material: Material, machine: Machine) -> tuple[float, float]:
    """The stock to lay out on: the largest intersection of one of the material's sheets with the
    machine bed (long side along x, the sheet's grain direction)."""
    bed_long, bed_short = max(machine.bed), min(machine.bed)
    options = [(min(max(s), bed_long), min(min(s), bed_short)) for s in material.sheets]
    return max(options, key=lambda s: s[0] * s[1])


def layout_parts(parts: list[FlatPart], stock: tuple[float, float], spacing: float, margin: float, *,
                 material: str = "", thickness: float = 0.0, method: str = "nest",
                 time_limit: float = NEST_TIME_LIMIT, max_rounds: int | None = NEST_ROUNDS,
                 envelopes: dict[str, Polygon] | None = None) -> list[SheetLayout]:
    """Lay parts out on sheets of ``stock`` size: true-shape nesting (default) or rows of bounding boxes;
    ``envelopes``: what the nesting lays out instead of each part's outline (:func:`nest_envelopes`).

    The one place the bundle chooses a layout engine (swap engines here).

    Raises:
        FabricationError: a part does not fit an empty sheet.
    """
    if method == "rows":
        return row_layout(parts, *stock, spacing=spacing, margin=margin, material=material, thickness=thickness)
    if method != "nest":
        raise FabricationError(f"unknown layout {method!r}; use nest or rows")
    return nest_layout(parts, *stock, spacing=spacing, margin=margin, material=material, thickness=thickness,
                       time_limit=time_limit, max_rounds=max_rounds, envelopes=envelopes)


def nest_envelopes(cut_parts: dict[str, CutPart]) -> dict[str, Polygon]:
    """What the nesting lays out for each prepared part (by name): :attr:`.toolpath.CutPart.envelope`."""
    return {name: c.envelope for name, c in cut_parts.items()}


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


def bundle_path(out: str | Path, design: Design, name: str | None = None) -> Path:
    """The zip path: ``out`` itself, or ``out/<name>.zip`` when ``out`` is a folder or ends with a slash
    (``--out bundles/`` means a folder, made when the bundle is written if it does not exist); ``name``
    is the bundle's stem (:func:`.naming.bundle_name`; ``<model>-<hash>`` when not given).

    Raises:
        OutputError: a zip path whose folder does not exist, or a folder path where a file stands.
    """
    folder = str(out).endswith(("/", os.sep))
    out = Path(out)
    if out.is_dir() or folder:
        if out.exists() and not out.is_dir():
            raise OutputError(f"--out {out}/ names a folder, but {out} is a file; choose a folder path")
        return out / f"{name or design.slug}.zip"
    if not out.parent.is_dir():
        raise OutputError(f"cannot write {out}: the folder {out.parent} does not exist; create it, write "
                          f"--out {out.parent}/ to have it made, or choose another --out")
    return out


def check_report(design: Design, material: Material, machine: Machine, stock: tuple[float, float],
                 cut_parts: dict[str, CutPart] | None = None) -> dict:
    """The physical check report (``check.json``) for this material, tool and sheet; with the prepared
    parts, also how every joint fits once cut (``FIT-PLAY``, :mod:`fabrication.fit`)."""
    from parametric.checks import run_checks

    from ..fit import fit_findings

    report = run_checks(design, material=material, tool_diameter=machine.min_feature_tool or None, sheet=stock)
    if cut_parts is not None:
        report.findings.extend(fit_findings(design, cut_parts, machine))
    return report.to_dict()


@dataclass
class CutJob:
    """Prepared parts laid out on sheets for one machine and material, before any file is written
    (what the cut-file writers need: :func:`write_cut_files`).

    Attributes:
        stock: the sheet size laid out on (mm, long side along x).
        cut_parts: prepared parts by name; sheets: the layout; bom: the cut list with totals.
        timings: seconds per stage (``toolpaths``, ``nesting``, ``bom``, ``checks``, then the writers').
        holding_tabs: whether the sheets carry holding tab positions (router only, :mod:`.tabs`).
        options: the export options it was made with (the writers' ``unit`` is set when writing).
    """

    machine: Machine
    material: Material
    stock: tuple[float, float]
    cut_parts: dict[str, CutPart]
    sheets: list[SheetLayout]
    bom: Bom
    timings: dict[str, float] = field(default_factory=dict)
    holding_tabs: bool = False
    options: ExportOptions = field(default_factory=ExportOptions)
    _operations: list | None = field(default=None, repr=False)

    def operations(self) -> list[list[Operation]]:
        """Each sheet's operations in cutting order, walked once and shared by every writer."""
        if self._operations is None:
            with _timed(self.timings, "walk"):
                self._operations = [walk(s, self.cut_parts, tabs=self.holding_tabs) for s in self.sheets]
        return self._operations


@dataclass(kw_only=True)
class Fabrication(CutJob):
    """Everything computed for one design (a :class:`CutJob`, plus the design and its check report
    ``check``: the ``check.json`` content, or None when checks were not run)."""

    design: Design
    check: dict | None = None


def hidden_face_labels(design: Design, cut_parts: dict[str, CutPart]) -> dict[str, CutPart]:
    """``cut_parts`` with each label moved to the face its part hides once assembled
    (:func:`fabrication.faces.hidden_faces`): a back face's label is marked ``back`` (drawn mirrored)."""
    faces = hidden_faces(design)
    return {name: replace(c, label=c.label._replace(back=faces[name].back)) if c.label is not None else c
            for name, c in cut_parts.items()}


def check_options(machine: Machine, labels: str, cost_by: str, holding_tabs: bool, copies: int) -> None:
    """Refuse export options that cannot work (see :func:`fabricate`'s Raises)."""
    if labels not in LABELS:
        raise FabricationError(f"unknown labels {labels!r}; use {' or '.join(LABELS)}")
    if cost_by not in COST_BY:
        raise FabricationError(f"unknown cost basis {cost_by!r}; use {' or '.join(COST_BY)} (--cost-by)")
    if holding_tabs and not machine.is_router:
        raise FabricationError(f"holding tabs are for routers, and {machine.name} is a laser (its parts drop "
                               "free on the bed); leave out --holding-tabs or choose a router profile")
    if isinstance(copies, bool) or not isinstance(copies, int) or not 1 <= copies <= MAX_COPIES:
        raise FabricationError(f"copies must be a whole number from 1 to {MAX_COPIES}, not {copies!r}; "
                               "export a larger run in batches")


def prepare_cut_parts(design: Design, machine: Machine, *, compensate_kerf: bool = True, relief: str = "auto",
                      labels: str = "engrave", copies: int = 1, prefix: str = "") -> dict[str, CutPart]:
    """The design's parts prepared for the machine (:func:`fabrication.toolpath.prepare`), by part name,
    labelled as ``labels`` asks, each quantity times ``copies``; ``prefix`` goes before every label
    (``STOOL.LA``: an order's parts tell their design apart on the sheet)."""
    parts = [replace(p, label=f"{prefix}{p.label}") if prefix and p.label else p for p in design.parts]
    cut_parts = {p.name: prepare(p, machine, compensate_kerf=compensate_kerf, relief=relief) for p in parts}
    if labels == "none":
        cut_parts = {name: replace(c, label=None) for name, c in cut_parts.items()}
    elif labels == "hidden-face":
        cut_parts = hidden_face_labels(design, cut_parts)
    if copies > 1:  # every part that many times: nested together, counted in the BOM
        cut_parts = {name: replace(c, part=replace(c.part, quantity=c.part.quantity * copies))
                     for name, c in cut_parts.items()}
    return cut_parts


def fabricate(design: Design, machine: Machine, material: Material, *, compensate_kerf: bool = True,
              relief: str = "auto", checks: bool = True, layout: str = "nest",
              nest_time: float = NEST_TIME_LIMIT, nest_rounds: int = NEST_ROUNDS, labels: str = "engrave",
              holding_tabs: bool = False, cost_by: str = "sheet", copies: int = 1) -> Fabrication:
    """Prepare toolpaths, lay the parts out, make the BOM and (``checks``) the check report; no files.

    Args:
        compensate_kerf: laser: offset contours by half the kerf; relief: router corner reliefs.
        layout: ``"nest"`` or ``"rows"``; nest_rounds: the nesting search's improvement rounds (a work
            budget: with a fixed seed, the same layout on any machine as long as the rounds finish within
            ``nest_time`` seconds, a guard far above what they take).
        labels: ``"engrave"`` (single-stroke part labels on the engrave layer), ``"hidden-face"`` (each
            label on the face hidden after assembly, :mod:`fabrication.faces`: back-face labels mirrored on
            ``ENGRAVE_BACK``) or ``"none"``.
        holding_tabs: mark holding tab positions on every part's outside cut (routers only).
        cost_by: material cost by whole ``"sheet"`` or by the parts' ``"area"`` (:func:`fabrication.bom.make_bom`).
        copies: make the sheets and BOM for this many of the product, nested together (1 to MAX_COPIES).

    Raises:
        FabricationError: the sheet is too thick for the machine, a part does not fit a sheet (naming
            the part, both sizes and the machine profiles that fit it), ``labels`` or ``cost_by`` is
            not one of the above, holding tabs are asked of a laser, or ``copies`` is out of range.
    """
    check_options(machine, labels, cost_by, holding_tabs, copies)
    timings: dict[str, float] = {}
    t = check_thickness(design, machine)
    with _timed(timings, "toolpaths"):
        cut_parts = prepare_cut_parts(design, machine, compensate_kerf=compensate_kerf, relief=relief, labels=labels,
                                      copies=copies)
    stock = stock_size(material, machine)
    check_parts_fit(cut_parts, stock, machine, material, t)
    with _timed(timings, "nesting"):
        sheets = layout_parts(cut_outlines(cut_parts), stock, machine.spacing, machine.margin,
                              material=material.name, thickness=t, method=layout, time_limit=nest_time,
                              max_rounds=nest_rounds, envelopes=nest_envelopes(cut_parts))
    with _timed(timings, "walk"):  # walked once: the BOM's cut time and every writer share the operations
        operations = [walk(s, cut_parts, tabs=holding_tabs) for s in sheets]
    with _timed(timings, "bom"):
        bom = make_bom(design, cut_parts, sheets, machine, material, cost_by=cost_by, operations=operations)
    check = None
    if checks:
        with _timed(timings, "checks"):
            check = check_report(design, material, machine, stock, cut_parts)
    options = ExportOptions(relief=relief, compensate_kerf=compensate_kerf, labels=labels, holding_tabs=holding_tabs,
                            layout=layout, nest_rounds=nest_rounds, nest_time=nest_time, cost_by=cost_by,
                            copies=copies)
    return Fabrication(machine, material, stock, cut_parts, sheets, bom, timings, holding_tabs, options, operations,
                       design=design, check=check)


def write_cut_files(fab: CutJob, folder: str | Path, *, unit: str = "mm") -> list[str]:
    """Write ``sheet-NN.dxf``, ``sheet-NN.svg`` and ``bom.csv`` into an existing folder; returns the names.

    Each sheet is walked once (:meth:`Fabrication.operations`) for both writers.
    """
    root, names = Path(folder), []
    for sheet, ops in zip(fab.sheets, fab.operations()):
        stem = f"sheet-{sheet.index:02d}"
        with _timed(fab.timings, "dxf"):
            dxf.write_sheet(sheet, root / f"{stem}.dxf", unit=unit, cut_parts=fab.cut_parts, ops=ops)
        with _timed(fab.timings, "svg"):
            svg.write_sheet(sheet, root / f"{stem}.svg", fab.machine, fab.cut_parts, ops=ops)
        names += [f"{stem}.dxf", f"{stem}.svg"]
    with _timed(fab.timings, "bom_csv"):
        (root / "bom.csv").write_text(fab.bom.csv())
    return names + ["bom.csv"]


def write_bundle_files(fab: Fabrication, folder: str | Path, *, unit: str = "mm",
                       render_size: tuple[int, int] = (900, 650), progress=None) -> list[str]:
    """Write everything the zip holds into an existing folder: the cut files, the PDF guide, STEP,
    STL, ``params.json``, ``check.json`` (when checked) and ``README.md``; returns the names, sorted.

    Args:
        progress: ``callback(what)`` before each group of files.
    """
    tick = progress or (lambda what: None)
    tick("writing sheets")
    write_cut_files(fab, folder, unit=unit)
    write_design_files(fab, folder, unit=unit, render_size=render_size, progress=tick)
    return sorted(p.name for p in Path(folder).iterdir())


def write_design_files(fab: Fabrication, folder: str | Path, *, unit: str = "mm",
                       render_size: tuple[int, int] = (900, 650), progress=None) -> None:
    """Write the design's own files into an existing folder: STEP, STL, the PDF guide (the sheets of
    ``fab`` at 1:1, its BOM, the assembly steps), ``params.json``, ``check.json`` and ``README.md``.

    Args:
        progress: ``callback(what)`` before each group of files.
    """
    from parametric import geometry, mesh

    tick = progress or (lambda what: None)
    root, design = Path(folder), fab.design
    tick("writing solids")
    with _timed(fab.timings, "step"):
        geometry.export_step(design, root / f"{design.model}.step")
    with _timed(fab.timings, "stl"):
        mesh.export_stl(design, root / f"{design.model}.stl")
    tick("writing the PDF guide")
    with _timed(fab.timings, "pdf"):
        pdf.write_pdf(root / f"{design.model}-guide.pdf", design, fab.sheets, fab.cut_parts, fab.bom,
                      machine_title=fab.machine.title, render_size=render_size, operations=fab.operations())
    tick("writing the README")
    (root / "params.json").write_text(dump_params(design.params, "json", design.model_version))
    if fab.check is not None:
        (root / "check.json").write_text(json.dumps(fab.check, indent=2) + "\n")
    options = replace(fab.options, unit=unit)
    name = bundle_name(design, fab.machine, fab.material, options)
    (root / "README.md").write_text(readme(design, fab.machine, fab.material, fab.stock, fab.bom,
                                           pdf.assembly_steps(design), fab.check, options, name))


def export_bundle(design: Design, machine: Machine, material: Material, out: str | Path, *,
                  compensate_kerf: bool = True, relief: str = "auto", checks: bool = True,
                  layout: str = "nest", nest_rounds: int = NEST_ROUNDS, nest_time: float = NEST_TIME_LIMIT,
                  unit: str = "mm",
                  render_size: tuple[int, int] = (900, 650), progress=None, labels: str = "engrave",
                  holding_tabs: bool = False, cost_by: str = "sheet", copies: int = 1) -> Bundle:
    """Write the download bundle for one design (:func:`fabricate` + :func:`write_bundle_files` into a
    temporary folder, zipped to a temporary file and renamed); returns what went in, with timings.

    Args:
        out: the zip path, or a folder for ``<name>.zip`` (:func:`.naming.bundle_name`).
        compensate_kerf: laser: offset contours by half the kerf; relief: router corner reliefs.
        checks: run the physical checks and add ``check.json``.
        layout: ``"nest"`` or ``"rows"``; nest_rounds, nest_time: as :func:`fabricate`.
        unit: DXF units, ``"mm"`` or ``"in"``.
        progress: ``callback(step, total, what)``; labels: ``"engrave"``, ``"hidden-face"`` or ``"none"``.
        holding_tabs: mark holding tab positions on the router sheets (``HOLDING_TABS`` layer).
        cost_by: material cost by whole ``"sheet"`` or by the parts' ``"area"``.
        copies: cut files and BOM for this many of the product, nested together.

    Raises:
        FabricationError: the sheet is too thick for the machine, a part does not fit a sheet, or
            ``labels`` is unknown, or holding tabs are asked of a laser, or ``copies`` is out of range.
        OutputError: the target folder does not exist.
    """
    total, steps = 7, iter(range(3, 7))
    tick = progress or (lambda step, total, what: None)
    name = bundle_name(design, machine, material, ExportOptions(
        relief=relief, unit=unit, compensate_kerf=compensate_kerf, labels=labels, holding_tabs=holding_tabs,
        layout=layout, nest_rounds=nest_rounds, nest_time=nest_time, cost_by=cost_by, copies=copies))
    target = bundle_path(out, design, name)
    check_thickness(design, machine)
    tick(1, total, "preparing toolpaths")
    fab = fabricate(design, machine, material, compensate_kerf=compensate_kerf, relief=relief, checks=checks,
                    layout=layout, nest_rounds=nest_rounds, nest_time=nest_time, labels=labels,
                    holding_tabs=holding_tabs, cost_by=cost_by, copies=copies)
    tick(2, total, "laid out and checked")
    files = zip_atomically(target, name, lambda tmp: write_bundle_files(
        fab, tmp, unit=unit, render_size=render_size, progress=lambda what: tick(next(steps, 6), total, what)),
        fab.timings)
    tick(7, total, "done")
    return Bundle(target, name, files, fab.sheets, fab.bom, None if fab.check is None else fab.check["ok"],
                  dict(fab.timings))
