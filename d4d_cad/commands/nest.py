"""``d4d nest``: nest the parts of a built design, or the closed outlines of a DXF, onto stock."""

from __future__ import annotations

import json
from pathlib import Path

import click

from parametric.errors import GeometryError
from ..options import MM, POSITIVE_MM, SECONDS, friendly, parse_sheet


def read_loose_parts(path: Path, thickness: float, unit: str | None = None, select: str | None = None):
    """The separate closed shapes of a DXF (or SVG) as flat parts, with their holes, in mm.

    Read by ``profile_import.read_drawing``: closed polylines, splines, circles, ellipses and loops
    joined from LINE/ARC pieces; a shape inside another is its hole, a shape inside a hole is a part
    again. A d4d sheet (entities on ``CUT_*`` layers) is read from its cut layers only. ``unit``
    names the unit of a file that declares none; ``select`` reads one layer. Returns
    ``(parts, open_paths)``: open paths are not parts; the caller says they were left out.
    """
    from parametric.part import FlatPart
    from parametric.profile_import import read_drawing

    drawing = read_drawing(path, unit=unit, select=select)
    if select is None and any(layer.upper().startswith("CUT_") for layer in drawing.layers):
        # d4d's own sheets: cut layers only (labels and notes are not parts)
        drawing = read_drawing(path, unit=unit, layers=lambda name: name.upper().startswith("CUT_"))
    if not drawing.shapes:
        raise GeometryError(f"{path} has no closed shapes to nest; close the outlines (or join them) first")
    parts = [FlatPart(f"part-{k + 1}", shape.polygon, thickness, label=f"P{k + 1}")
             for k, shape in enumerate(drawing.shapes)]
    return parts, drawing


def load_line(line, thickness: float):
    """The parts of one order line (:mod:`..order`): a DXF of loose parts, a design.json /
    params.json, or a model name (``MODEL/PRESET`` for a preset), not yet multiplied by its count."""
    from parametric.paramfile import load_params_file
    from parametric.profile_import import parse_ref
    from ..order import resolve_line

    text, unit, layer, _ = parse_ref(line.source)  # parts.dxf:in#LAYER
    path = Path(text)
    if path.suffix.lower() == ".dxf":
        parts, drawing = read_loose_parts(path, thickness, unit, layer)
        holes = sum(len(p.outline.interiors) for p in parts)
        click.echo(f"read {len(parts)} part(s) with {holes} hole(s) from {line.source} ({drawing.unit}, "
                   f"{drawing.unit_note})", err=True)
        if drawing.open_paths:
            click.echo(f"left out {len(drawing.open_paths)} open path(s), not parts:\n"
                       + "\n".join(row for row in drawing.listing().splitlines() if "open path" in row), err=True)
        return parts
    cls, preset, params_file = resolve_line(line)
    values = {} if params_file is None else load_params_file(params_file)[1]
    return list(cls.design(values, preset=preset).parts)


@click.command("nest")
@click.argument("sources", nargs=-1, required=True)
@click.option("--sheet", default="2440x1220", show_default=True, help="Sheet size WIDTHxHEIGHT in mm.")
@click.option("--spacing", type=MM, default=10.0, show_default=True, help="Gap between parts (mm).")
@click.option("--margin", type=MM, default=15.0, show_default=True, help="Gap to the sheet edge (mm).")
@click.option("--time", "time_limit", type=SECONDS, default=10.0, show_default=True, help="Search time (s).")
@click.option("--seed", type=int, default=0, show_default=True)
@click.option("--rounds", "max_rounds", type=click.IntRange(min=1), default=None,
              help="Stop after this many improvement rounds (with --seed: the same layout on any machine).")
@click.option("--remnant", "remnants", multiple=True, type=click.Path(dir_okay=False, path_type=Path),
              help="An offcut to fill first: a closed outline in an SVG or DXF file (repeatable; FILE#id picks "
                   "one SVG element).")
@click.option("--thickness", type=POSITIVE_MM, default=17.7, show_default=True, help="Sheet thickness for DXF input (mm).")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), required=True, help="Folder for the sheets.")
@friendly
def nest_cmd(sources, sheet, spacing, margin, time_limit, seed, max_rounds, remnants, thickness, out) -> None:
    """Nest an order of SOURCES together, filling any offcuts (--remnant) first, then as few sheets
    as possible. Each source is SOURCE[:COUNT] (COUNT copies, default 1): a design.json / params.json
    of a built design, a model name (MODEL or MODEL/PRESET, e.g. slice_chair:4 table/coffee), or a DXF
    of closed outlines (parts.dxf, parts.dxf:in when it declares no units, parts.dxf#LAYER for one
    layer)."""
    from fabrication.export import dxf
    from fabrication.layout import nest_layout

    from parametric.profile_import import import_profile
    from ..order import combine, parse_line, sheet_lower_bound
    from ..output import staged_dir

    size = parse_sheet(sheet)
    offcuts = [import_profile(path) for path in remnants]
    lines = [parse_line(text) for text in sources]
    parts = combine([(line, load_line(line, thickness)) for line in lines])
    best: list[tuple[int, float]] = []

    def report(elapsed: float, count: int, used: float) -> None:
        if not best or (count, round(used)) < best[-1]:
            best.append((count, round(used)))
            click.echo(f"  {elapsed:5.1f} s: {count} sheet(s), the last one used to {used:.0f} mm", err=True)

    offcut_area = sum(max(o.buffer(-margin).area, 0.0) for o in offcuts)
    bound = sheet_lower_bound(parts, *size, margin, offcut_area)
    order = " + ".join(f"{line.count} x {line.source}" for line in lines)
    pieces = sum(p.quantity for p in parts)  # every piece cut, not the distinct parts
    click.echo(f"nesting {pieces} parts ({order}) for up to {time_limit:g} s; "
               f"at least {bound} sheet(s) by area ...", err=True)
    stats: dict = {}
    sheets = nest_layout(parts, *size, spacing=spacing, margin=margin, time_limit=time_limit, seed=seed,
                         thickness=parts[0].thickness, material=parts[0].material, remnants=offcuts,
                         max_rounds=max_rounds, progress=report, stats=stats)
    with staged_dir(out) as stage:
        summary = []
        for s in sheets:
            dxf.write_sheet(s, stage / f"sheet-{s.index:02d}.dxf")
            summary.append({"sheet": s.index, "offcut": s.outline is not None, "size": [round(s.width, 2),
                                                                                     round(s.height, 2)],
                            "parts": [p.part.name for p in s.placed],
                            "utilisation": round(s.utilisation, 4), "used_length": round(s.used_length, 2)})
        (stage / "layout.json").write_text(json.dumps({"sheet": list(size), "spacing": spacing, "margin": margin,
                                                       "order": [{"source": line.source, "count": line.count}
                                                                 for line in lines],
                                                       "sheet_lower_bound": bound, "sheets": summary},
                                                      indent=2) + "\n")
    area = sum(p.area * p.quantity for p in parts)
    used = sum(s.outline is not None for s in sheets)
    fulls = len(sheets) - used
    what = f"{fulls} sheet(s) of {size[0]:g} x {size[1]:g} mm (area lower bound {bound})"
    if offcuts:
        what = f"{used} of {len(offcuts)} offcut(s) and {what}"
    click.echo(f"{pieces} parts ({area / 1e6:.2f} m^2) on {what}; last sheet used to "
               f"{sheets[-1].used_length:.0f} mm; wrote {out}")
    if stats.get("refill") == "out of time":
        click.echo(f"above the bound, the refill (each sheet filled by strip packing, for parts that interlock) "
                   f"ran out of time: a longer --time than {time_limit:g} s may save a sheet", err=True)
