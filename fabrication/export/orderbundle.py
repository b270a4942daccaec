"""Orders: several designs cut together from one bundle (``d4d export stool:2 table/coffee:1``).

Each design goes through the single-design pipeline's stages (:mod:`.bundle`): its parts are
prepared for the machine (:func:`.bundle.prepare_cut_parts`) with every label prefixed by the
design's code (``STOOL.LA``: a shop tells a stool's leg from a table's on the sheet) and every part
name by the design's label (``stool/leg-a``); then all designs' parts are nested together on the
fewest sheets (:func:`.bundle.layout_parts`), against the area lower bound
(:func:`fabrication.layout.sheet_lower_bound`).

The zip (``order-<order hash>-<machine>-<material>-<T>mm-<digest>.zip``) holds the order's
``README.md`` (designs and their codes, sheets against the lower bound, the whole order's cut list,
the rebuild command), the sheets (``sheet-NN.dxf`` / ``.svg``) and the order's ``bom.csv``; and per
design, under ``designs/<label>/``: its share of the cut list (``bom.csv``: its parts, their cut
time, material by their area), ``params.json``, STEP, STL, the PDF guide (the order's sheets and
its assembly), ``check.json`` and a ``README.md``.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, replace
from pathlib import Path

from parametric.design import Design
from parametric.errors import FabricationError
from parametric.materials import Material

from ..bom import make_bom
from ..layout import NEST_ROUNDS, NEST_TIME_LIMIT, sheet_lower_bound
from ..machines import Machine
from ..toolpath import CutPart
from .atomic import timed, zip_atomically
from .bundle import (MAX_COPIES, Bundle, CutJob, Fabrication, bundle_path, check_options, check_report,
                     check_thickness, cut_outlines, layout_parts, nest_envelopes, prepare_cut_parts, stock_size,
                     write_cut_files, write_design_files)
from .fits import check_parts_fit
from .naming import LICENCE, ExportOptions, making_lines, option_words, profile_stem
from .sheetwalk import walk

#: what an order line's label may be: it names a folder in the bundle and prefixes part names
_LABEL = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


@dataclass(frozen=True)
class OrderItem:
    """One design of an order and how many of it; ``label`` (unique in the order) names its folder in
    the bundle and prefixes its part names."""

    label: str
    design: Design
    count: int = 1


def design_codes(labels: list[str]) -> list[str]:
    """The prefix engraved before each design's part labels: the label's first word upper-cased, at most
    six letters, made unique with 2, 3, ... (``stool`` -> ``STOOL``, ``table-coffee`` -> ``TABLE``, a
    second table -> ``TABLE2``)."""
    out: list[str] = []
    for label in labels:
        word = re.split(r"[^A-Za-z0-9]+", label)[0].upper()[:6] or "D"
        code, k = word, 1
        while code in out:
            k += 1
            code = f"{word}{k}"
        out.append(code)
    return out


@dataclass(kw_only=True)
class OrderFabrication(CutJob):
    """Everything computed for an order before any file is written: a :class:`.bundle.CutJob` of every
    design's parts (named ``label/part``) on the order's sheets, with the whole order's cut list.

    Attributes:
        codes: the engraved prefix per item (:func:`design_codes`).
        designs: per item, a Fabrication of the order's sheets with that design's share of the cut
            list (cost by its parts' area) and its check report.
        lower_bound: fewest sheets the parts could fit on by area alone.
    """

    items: list[OrderItem]
    codes: list[str]
    designs: list[Fabrication]
    lower_bound: int


def check_items(items: list[OrderItem], machine: Machine) -> float:
    """The order's sheet thickness, after refusing an empty order, a repeated or unusable label, a
    count out of range, or designs cut from different thicknesses (or too thick for the machine).

    Raises:
        FabricationError: naming the problem and the fix.
    """
    if not items:
        raise FabricationError("the order has no designs; give at least one, e.g. stool:2 table/coffee")
    labels = [item.label for item in items]
    for item in items:
        if not _LABEL.match(item.label) or labels.count(item.label) > 1:
            raise FabricationError(f"order label {item.label!r} must be unique and made of letters, digits, "
                                   "'-', '_' and '.' (it names the design's folder in the bundle)")
        if isinstance(item.count, bool) or not isinstance(item.count, int) or not 1 <= item.count <= MAX_COPIES:
            raise FabricationError(f"{item.label}: copies must be a whole number from 1 to {MAX_COPIES}, not "
                                   f"{item.count!r}; export a larger run in batches")
    thickness = {item.label: check_thickness(item.design, machine) for item in items}
    if len(set(thickness.values())) > 1:
        found = ", ".join(f"{label} {t:g} mm" for label, t in thickness.items())
        raise FabricationError(f"the order mixes sheet thicknesses ({found}); one order is cut from one sheet "
                               "material: set the designs to the same thickness, or export them separately")
    return next(iter(thickness.values()))


def fabricate_order(items: list[OrderItem], machine: Machine, material: Material, *, compensate_kerf: bool = True,
                    relief: str = "auto", checks: bool = True, layout: str = "nest",
                    nest_time: float = NEST_TIME_LIMIT, nest_rounds: int = NEST_ROUNDS, labels: str = "engrave",
                    holding_tabs: bool = False,
                    cost_by: str = "sheet") -> OrderFabrication:
    """Prepare every design's toolpaths, nest all their parts together, make the order's BOM and each
    design's share of it, and (``checks``) each design's check report; no files. The options are
    :func:`.bundle.fabricate`'s; each item's count multiplies its parts.

    Raises:
        FabricationError: as :func:`check_items` and :func:`.bundle.fabricate` (bad options, a part
            that fits no sheet).
    """
    check_options(machine, labels, cost_by, holding_tabs, 1)
    t = check_items(items, machine)
    codes = design_codes([item.label for item in items])
    timings: dict[str, float] = {}
    own: list[dict[str, CutPart]] = []
    with timed(timings, "toolpaths"):
        for item, code in zip(items, codes):
            own.append(prepare_cut_parts(item.design, machine, compensate_kerf=compensate_kerf, relief=relief,
                                         labels=labels, copies=item.count, prefix=f"{code}."))
    named = [{f"{item.label}/{name}": replace(c, part=replace(c.part, name=f"{item.label}/{name}"))
              for name, c in parts.items()} for item, parts in zip(items, own)]
    cut_parts = {name: c for parts in named for name, c in parts.items()}
    stock = stock_size(material, machine)
    check_parts_fit(cut_parts, stock, machine, material, t)
    bound = sheet_lower_bound(cut_outlines(cut_parts), *stock, machine.margin)
    with timed(timings, "nesting"):
        sheets = layout_parts(cut_outlines(cut_parts), stock, machine.spacing, machine.margin,
                              material=material.name, thickness=t, method=layout, time_limit=nest_time,
                              max_rounds=nest_rounds, envelopes=nest_envelopes(cut_parts))
    options = ExportOptions(relief=relief, compensate_kerf=compensate_kerf, labels=labels, holding_tabs=holding_tabs,
                            layout=layout, nest_rounds=nest_rounds, nest_time=nest_time, cost_by=cost_by)
    designs = []
    with timed(timings, "walk"):  # walked once: the BOM's cut time and every writer share the operations
        operations = [walk(s, cut_parts, tabs=holding_tabs) for s in sheets]
    with timed(timings, "bom"):
        bom = make_bom(items[0].design, cut_parts, sheets, machine, material, cost_by=cost_by, operations=operations)
        for item, parts in zip(items, named):
            mine = [replace(s, placed=tuple(p for p in s.placed if p.part.name in parts)) for s in sheets]
            share = make_bom(item.design, parts, [s for s in mine if s.placed], machine, material, cost_by="area")
            designs.append(Fabrication(machine, material, stock, cut_parts, sheets, share, holding_tabs=holding_tabs,
                                       options=options, _operations=operations, design=item.design))
    if checks:
        with timed(timings, "checks"):
            for fab, parts in zip(designs, own):
                fab.check = check_report(fab.design, material, machine, stock, parts)
    return OrderFabrication(machine, material, stock, cut_parts, sheets, bom, timings, holding_tabs, options,
                            operations, items=list(items), codes=codes, designs=designs, lower_bound=bound)


def order_name(items: list[OrderItem], machine: Machine, material: Material, options: ExportOptions) -> str:
    """The order bundle's stem: ``order-<hash>-<machine>-<material>-<T>mm-<digest>``, the hash (12 hex
    digits) over every item's label, model, parameter hash and count."""
    payload = [[item.label, item.design.model, item.design.hash, item.count] for item in items]
    digest = hashlib.sha256(json.dumps(payload).encode()).hexdigest()[:12]
    return f"order-{digest}-{profile_stem(machine, material, options, items[0].design.params['thickness'])}"


def order_readme(order: OrderFabrication, name: str, unit: str = "mm") -> str:
    """The order bundle's README.md: the designs and their label codes, the sheets against the area
    lower bound, what the cut files were made for, the whole order's cut list, each design's folder,
    the rebuild command and the licence."""
    options = replace(order.options, unit=unit)
    title = ", ".join(f"{item.count} x {item.design.title}" for item in order.items)
    lines = [f"# Order: {title}", "",
             f"Bundle `{name}`: order-hash-machine-material-thickness-options digest (the hash covers every "
             "design's parameters and count; the digest every option below and the machine and material "
             "profiles).", "",
             "| code (engraved before each label) | design | model, parameter hash | copies | folder |",
             "|---|---|---|---|---|"]
    lines += [f"| {code} | {item.design.title} | {item.design.model} {item.design.hash} | {item.count} | "
              f"`designs/{item.label}/` |" for item, code in zip(order.items, order.codes)]
    lines += ["", f"- sheets: {order.bom.sheets}, against an area lower bound of {order.lower_bound} (the parts' "
              "area over a sheet's usable area, rounded up: no layout can use fewer)",
              *making_lines(order.machine, order.material, order.stock, order.bom, options,
                            order.items[0].design.params["thickness"]),
              "", "## Parts (the whole order)", "", order.bom.markdown(), "", "## Designs", ""]
    for item, fab in zip(order.items, order.designs):
        verdict = "" if fab.check is None else ("; all checks pass" if fab.check["ok"] else
                                                f"; {fab.check['errors']} check(s) FAIL (see its check.json)")
        lines.append(f"- `designs/{item.label}/`: {item.count} x {item.design.title}, {fab.bom.cut_length / 1000:.1f} "
                     f"m of cuts on sheet(s) {', '.join(map(str, sorted({i for r in fab.bom.rows for i in r.sheets})))}"
                     f"; its cut list (`bom.csv`), assembly guide (PDF), STEP, STL and parameters{verdict}")
    sources = [f"designs/{item.label}/params.json" + (f":{item.count}" if item.count > 1 else "")
               for item in order.items]
    lines += ["", "## Rebuild", "", "From this folder:", "",
              f"`{' '.join(['d4d export', *sources, *option_words(order.machine, order.material, options)])}`",
              "", "## Licence", "", LICENCE, ""]
    return "\n".join(lines)


def write_order_files(order: OrderFabrication, folder: str | Path, name: str, *, unit: str = "mm",
                      render_size: tuple[int, int] = (900, 650)) -> list[str]:
    """Write everything the order's zip holds into an existing folder (see the module docstring);
    returns the paths relative to it, sorted."""
    root = Path(folder)
    write_cut_files(order, root, unit=unit)
    for item, fab in zip(order.items, order.designs):
        sub = root / "designs" / item.label
        sub.mkdir(parents=True)
        (sub / "bom.csv").write_text(fab.bom.csv())
        write_design_files(fab, sub, unit=unit, render_size=render_size)
    (root / "README.md").write_text(order_readme(order, name, unit))
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


def export_order(items: list[OrderItem], machine: Machine, material: Material, out: str | Path, *,
                 unit: str = "mm", render_size: tuple[int, int] = (900, 650), **options) -> tuple[Bundle, OrderFabrication]:
    """Write an order's bundle (:func:`fabricate_order` + :func:`write_order_files`, zipped atomically);
    ``out`` is the zip path or a folder for ``<name>.zip``; ``options`` are :func:`fabricate_order`'s.

    Raises:
        FabricationError: as :func:`fabricate_order`. OutputError: the target folder does not exist.
    """
    check_items(items, machine)
    name = order_name(items, machine, material, replace(_file_options(options), unit=unit))
    target = bundle_path(out, items[0].design, name)
    order = fabricate_order(items, machine, material, **options)
    files = zip_atomically(target, name, lambda tmp: write_order_files(order, tmp, name, unit=unit,
                                                                       render_size=render_size), order.timings)
    ok = None if order.designs[0].check is None else all(fab.check["ok"] for fab in order.designs)
    return Bundle(target, name, files, order.sheets, order.bom, ok, dict(order.timings)), order


def _file_options(options: dict) -> ExportOptions:
    keys = ("relief", "compensate_kerf", "labels", "holding_tabs", "layout", "nest_rounds", "nest_time", "cost_by")
    return ExportOptions(**{k: options[k] for k in keys if k in options})
