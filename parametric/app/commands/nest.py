"""``d4d nest``: nest the parts of a built design, or the closed outlines of a DXF, onto stock."""

from __future__ import annotations

import json
from pathlib import Path

import click

from ...errors import D4DError, GeometryError
from ..options import friendly, parse_sheet


def read_loose_parts(path: Path, thickness: float):
    """Closed outlines of a DXF as flat parts (holes: outlines inside another), in the file's units -> mm."""
    import ezdxf
    from ezdxf import path as ezpath
    from shapely.geometry import Polygon

    from ...part import FlatPart

    try:
        doc = ezdxf.readfile(path)
    except (OSError, ezdxf.DXFError) as exc:
        raise GeometryError(f"cannot read DXF {path}: {exc}") from None
    scale = {0: None, 1: 25.4, 4: 1.0, 5: 10.0, 6: 1000.0}.get(doc.header.get("$INSUNITS", 0), None)
    if scale is None:
        raise GeometryError(f"{path} does not say its units ($INSUNITS); save it in mm or inches")
    rings = []
    entities = list(doc.modelspace().query("LWPOLYLINE POLYLINE"))
    if any(e.dxf.layer.upper().startswith("CUT_") for e in entities):  # d4d's own sheets: cut layers only
        entities = [e for e in entities if e.dxf.layer.upper().startswith("CUT_")]
    for e in entities:
        if not e.is_closed:
            continue
        pts = [(v.x * scale, v.y * scale) for v in ezpath.make_path(e).flattening(0.01)]
        poly = Polygon(pts)
        if poly.is_valid and poly.area > 0:
            rings.append(poly)
    if not rings:
        raise GeometryError(f"{path} has no closed polylines to nest; close the outlines (or join them) first")
    rings.sort(key=lambda p: -p.area)
    parts, used = [], set()
    for i, outer in enumerate(rings):
        if i in used:
            continue
        holes = [k for k in range(i + 1, len(rings)) if k not in used and outer.contains(rings[k])]
        used.update(holes)
        parts.append(FlatPart(f"part-{len(parts) + 1}", Polygon(outer.exterior, [rings[k].exterior for k in holes]),
                              thickness, label=f"P{len(parts) + 1}"))
    return parts


@click.command("nest")
@click.argument("source", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--sheet", default="2440x1220", show_default=True, help="Sheet size WIDTHxHEIGHT in mm.")
@click.option("--spacing", type=float, default=10.0, show_default=True, help="Gap between parts (mm).")
@click.option("--margin", type=float, default=15.0, show_default=True, help="Gap to the sheet edge (mm).")
@click.option("--time", "time_limit", type=float, default=10.0, show_default=True, help="Search time (s).")
@click.option("--seed", type=int, default=0, show_default=True)
@click.option("--remnant", "remnants", multiple=True, type=click.Path(dir_okay=False, path_type=Path),
              help="An offcut to fill first: a closed outline in an SVG or DXF file (repeatable; FILE#id picks "
                   "one SVG element).")
@click.option("--thickness", type=float, default=17.7, show_default=True, help="Sheet thickness for DXF input (mm).")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), required=True, help="Folder for the sheets.")
@friendly
def nest_cmd(source, sheet, spacing, margin, time_limit, seed, remnants, thickness, out) -> None:
    """Nest SOURCE (a design.json / params.json of a built design, or a DXF of closed outlines),
    filling any offcuts (--remnant) first, then as many sheets as needed."""
    from fabrication.export import dxf
    from fabrication.layout import nest_layout

    from ...paramfile import load_params_file
    from ...profile_import import import_profile
    from ...registry import get_model
    from ..output import staged_dir

    size = parse_sheet(sheet)
    offcuts = [import_profile(path) for path in remnants]
    if source.suffix.lower() == ".dxf":
        parts = read_loose_parts(source, thickness)
    else:
        model, values = load_params_file(source)
        if model is None:
            raise D4DError(f"{source} does not name its model; pass a design.json or params.json written by d4d")
        parts = list(get_model(model).design(values).parts)
    best: list[tuple[int, float]] = []

    def report(elapsed: float, count: int, used: float) -> None:
        if not best or (count, round(used)) < best[-1]:
            best.append((count, round(used)))
            click.echo(f"  {elapsed:5.1f} s: {count} sheet(s), the last one used to {used:.0f} mm", err=True)

    click.echo(f"nesting {sum(p.quantity for p in parts)} parts for up to {time_limit:g} s ...", err=True)
    sheets = nest_layout(parts, *size, spacing=spacing, margin=margin, time_limit=time_limit, seed=seed,
                         thickness=parts[0].thickness, material=parts[0].material, remnants=offcuts,
                         max_rounds=None, progress=report)
    with staged_dir(out) as stage:
        summary = []
        for s in sheets:
            dxf.write_sheet(s, stage / f"sheet-{s.index:02d}.dxf")
            summary.append({"sheet": s.index, "offcut": s.outline is not None, "size": [round(s.width, 2),
                                                                                     round(s.height, 2)],
                            "parts": [p.part.name for p in s.placed],
                            "utilisation": round(s.utilisation, 4), "used_length": round(s.used_length, 2)})
        (stage / "layout.json").write_text(json.dumps({"sheet": list(size), "spacing": spacing, "margin": margin,
                                                       "sheets": summary}, indent=2) + "\n")
    area = sum(p.area * p.quantity for p in parts)
    used = sum(s.outline is not None for s in sheets)
    fulls = len(sheets) - used
    what = f"{fulls} sheet(s) of {size[0]:g} x {size[1]:g} mm"
    if offcuts:
        what = f"{used} of {len(offcuts)} offcut(s) and {what}"
    click.echo(f"{len(parts)} parts ({area / 1e6:.2f} m^2) on {what}; last sheet used to "
               f"{sheets[-1].used_length:.0f} mm; wrote {out}")
