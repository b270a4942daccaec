"""``d4d export``: the download bundle for one design, machine and material."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..options import SECONDS, friendly, model_options
from .profiles import PROFILES_HELP, user_profiles


@click.command("export")
@model_options
@click.option("--machine", required=True, help="Machine profile (see `d4d machines`).")
@click.option("--material", default="birch-ply", show_default=True,
              help="Material profile, optionally with a nominal thickness: birch-ply:12 (see `d4d materials`).")
@click.option("--out", type=click.Path(), required=True,
              help="The zip file, or a folder (an existing one, or any path ending in /) for "
                   "<model>-<hash>-<machine>-<material>-<thickness>mm-<options digest>.zip.")
@click.option("--profiles", type=click.Path(dir_okay=False, path_type=Path), help=PROFILES_HELP)
@click.option("--no-kerf", is_flag=True, help="Laser: do not compensate the kerf (the service does it).")
@click.option("--relief", type=click.Choice(["auto", "dogbone", "tbone", "none"]), default="auto", show_default=True,
              help="Router: inside-corner reliefs (auto: a T-bone where a dogbone would loosen a joint, else a "
                   "dogbone).")
@click.option("--unit", type=click.Choice(["mm", "in"]), default="mm", show_default=True,
              help="Units of the DXF files (SVG and PDF stay in mm).")
@click.option("--layout", type=click.Choice(["nest", "rows"]), default="nest", show_default=True,
              help="True-shape nesting, or rows of bounding boxes.")
@click.option("--nest-time", type=SECONDS, default=2.0, show_default=True, help="Seconds for the nesting search.")
@click.option("--labels", type=click.Choice(["engrave", "hidden-face", "none"]), default="engrave", show_default=True,
              help="Engrave single-stroke part labels on the face up on the sheet; hidden-face: on the face hidden "
                   "once assembled (back-face labels mirrored on layer ENGRAVE_BACK: flip the part for them); "
                   "or none (the BOM still names the parts).")
@click.option("--holding-tabs", is_flag=True,
              help="Router: mark holding tab positions on each part's outside cut (layer HOLDING_TABS).")
@click.option("--cost-by", type=click.Choice(["sheet", "area"]), default="sheet", show_default=True,
              help="Material cost by the whole sheets used, or by the parts' area (a shop that keeps offcuts).")
@click.option("--copies", type=click.IntRange(1, 1000), default=1, show_default=True,
              help="Cut files and BOM for this many of the product, nested together (an order of one design; "
                   "`d4d nest A:4 B:1` nests several designs).")
@friendly
def export_cmd(model, preset, settings, params_file, machine, material, out, profiles, no_kerf, relief, unit,
               layout, nest_time, labels, holding_tabs, cost_by, copies) -> None:
    """Write the download bundle: DXF/SVG per sheet, PDF guide, STEP/STL, BOM, checks, params."""
    from fabrication.export.bundle import bundle_path, check_thickness, export_bundle

    from parametric.profiles import pick
    from parametric.registry import get_model
    from ..pipeline import machine_clearance, resolve_material, resolve_params, user_sets

    with user_profiles(profiles) as (machines, materials_file):
        mach = pick(machines, machine, "machine")
        mat, measured = resolve_material(material, materials_file)
    cls = get_model(model)
    chosen = dict(preset=preset, params_file=params_file, settings=settings)
    defaults = [] if measured is None or user_sets(cls, "thickness", **chosen) else [f"thickness={measured}"]
    defaults += [f"{k}={v}" for k, v in machine_clearance(cls, mach, mat, **chosen).items()]
    cls, params = resolve_params(cls, preset=preset, params_file=params_file, settings=[*defaults, *settings])
    design = cls.design(params)
    bundle_path(out, design)  # a missing folder or too thick a sheet fail before the slow part
    check_thickness(design, mach)
    with click.progressbar(length=7, label="exporting", file=sys.stderr) as bar:
        bundle = export_bundle(design, mach, mat, out, compensate_kerf=not no_kerf, relief=relief, unit=unit,
                               layout=layout, nest_time=nest_time, labels=labels, holding_tabs=holding_tabs,
                               cost_by=cost_by, copies=copies, progress=lambda step, total, what: bar.update(1))
    verdict = {True: "all checks pass", False: "CHECKS FAIL (see check.json)", None: ""}[bundle.check_ok]
    click.echo(f"{design.title} {design.hash}: {bundle.bom.sheets} sheet(s), {len(bundle.files)} files; {verdict}")
    click.echo(f"wrote {bundle.path}")
