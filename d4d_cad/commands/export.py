"""``d4d export``: the download bundle for one design, or for an order of several, on one machine and material."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..options import friendly, nest_options, param_options
from .profiles import PROFILES_HELP, user_profiles


@click.command("export")
@click.argument("sources", nargs=-1, required=True, metavar="SOURCE[:COUNT]...")
@param_options
@click.option("--machine", required=True, help="Machine profile (see `d4d machines`).")
@click.option("--material", default="birch-ply", show_default=True,
              help="Material profile, optionally with a nominal thickness: birch-ply:12 (see `d4d materials`).")
@click.option("--out", type=click.Path(), required=True,
              help="The zip file, or a folder (an existing one, or any path ending in /) for "
                   "<model>-<hash>-<machine>-<material>-<thickness>mm-<options digest>.zip "
                   "(order-<order hash>-... for an order).")
@click.option("--profiles", type=click.Path(dir_okay=False, path_type=Path), help=PROFILES_HELP)
@click.option("--no-kerf", is_flag=True, help="Laser: do not compensate the kerf (the service does it).")
@click.option("--relief", type=click.Choice(["auto", "dogbone", "tbone", "none"]), default="auto", show_default=True,
              help="Router: inside-corner reliefs (auto: a T-bone where a dogbone would loosen a joint, else a "
                   "dogbone).")
@click.option("--unit", type=click.Choice(["mm", "in"]), default="mm", show_default=True,
              help="Units of the DXF files (SVG and PDF stay in mm).")
@click.option("--layout", type=click.Choice(["nest", "rows"]), default="nest", show_default=True,
              help="True-shape nesting, or rows of bounding boxes.")
@nest_options
@click.option("--labels", type=click.Choice(["engrave", "hidden-face", "none"]), default="engrave", show_default=True,
              help="Engrave single-stroke part labels on the face up on the sheet; hidden-face: on the face hidden "
                   "once assembled (back-face labels mirrored on layer ENGRAVE_BACK: flip the part for them); "
                   "or none (the BOM still names the parts).")
@click.option("--holding-tabs", is_flag=True,
              help="Router: mark holding tab positions on each part's outside cut (layer HOLDING_TABS).")
@click.option("--cost-by", type=click.Choice(["sheet", "area"]), default="sheet", show_default=True,
              help="Material cost by the whole sheets used, or by the parts' area (a shop that keeps offcuts).")
@click.option("--copies", type=click.IntRange(1, 1000), default=1, show_default=True,
              help="Cut files and BOM for this many of one design, nested together (the same as MODEL:COPIES).")
@friendly
def export_cmd(sources, preset, settings, params_file, machine, material, out, profiles, no_kerf, relief, unit,
               layout, nest_rounds, nest_time, labels, holding_tabs, cost_by, copies) -> None:
    """Write the download bundle: DXF/SVG per sheet, PDF guide, STEP/STL, BOM, checks, params.

    SOURCES is one design, or an order of several nested together on the fewest sheets, each
    SOURCE[:COUNT] (COUNT copies, default 1): a model name (MODEL or MODEL/PRESET, e.g. stool:2
    table/coffee) or a design.json / params.json written by d4d. --preset, --set and --params apply
    to a single design; in an order each line carries its own (MODEL/PRESET, or a params.json).
    """
    from fabrication.export.bundle import bundle_path, check_thickness, export_bundle

    from parametric.profiles import pick
    from ..order import OrderError, parse_line, resolve_line
    from ..pipeline import resolve_material

    lines = [parse_line(text) for text in sources]
    chosen = dict(preset=preset, params_file=params_file, settings=settings)
    if len(lines) > 1 and (preset or params_file or settings):
        raise OrderError("--preset, --set and --params choose one design's parameters; in an order give each "
                         "design as MODEL/PRESET:COUNT or a params.json of its own")
    if len(lines) > 1 and copies > 1:
        raise OrderError(f"--copies {copies} is for one design; in an order give each line its count, e.g. "
                         f"{lines[0].source}:{copies}")
    if len(lines) == 1 and lines[0].count > 1 and copies > 1:
        raise OrderError(f"{sources[0]} and --copies {copies} both give a count; give it once")
    specs = [resolve_line(line) for line in lines]  # an unknown model or preset fails before the slow part
    with user_profiles(profiles) as (machines, materials_file):
        mach = pick(machines, machine, "machine")
        mat, measured = resolve_material(material, materials_file)
    designs = [line_design(spec, mach, mat, measured, **chosen) for spec in specs]
    if len(lines) > 1:
        return export_order_cmd(lines, designs, mach, mat, out, dict(
            compensate_kerf=not no_kerf, relief=relief, unit=unit, layout=layout, nest_rounds=nest_rounds,
            nest_time=nest_time, labels=labels, holding_tabs=holding_tabs, cost_by=cost_by))
    design = designs[0]
    bundle_path(out, design)  # a missing folder or too thick a sheet fail before the slow part
    check_thickness(design, mach)
    with click.progressbar(length=7, label="exporting", file=sys.stderr) as bar:
        bundle = export_bundle(design, mach, mat, out, compensate_kerf=not no_kerf, relief=relief, unit=unit,
                               layout=layout, nest_rounds=nest_rounds, nest_time=nest_time, labels=labels,
                               holding_tabs=holding_tabs, cost_by=cost_by, copies=max(copies, lines[0].count),
                               progress=lambda step, total, what: bar.update(1))
    verdict = {True: "all checks pass", False: "CHECKS FAIL (see check.json)", None: ""}[bundle.check_ok]
    click.echo(f"{design.title} {design.hash}: {bundle.bom.sheets} sheet(s), {len(bundle.files)} files; {verdict}")
    click.echo(f"wrote {bundle.path}")


def line_design(spec, machine, material, measured: float | None, *, preset=None, params_file=None, settings=()):
    """The design of one resolved source (:func:`d4d_cad.order.resolve_line`): its preset or parameter
    file (or the command's, for a single design; both at once is refused), the material's measured
    thickness and the machine's slot clearance unless chosen, then ``settings``."""
    from ..order import OrderError
    from ..pipeline import machine_clearance, resolve_params, user_sets

    cls, line_preset, line_file = spec
    if (line_preset and preset) or (line_file and params_file):
        raise OrderError("the design already names its preset or parameter file; leave out --preset / --params")
    chosen = dict(preset=line_preset or preset, params_file=line_file or params_file, settings=settings)
    defaults = [] if measured is None or user_sets(cls, "thickness", **chosen) else [f"thickness={measured}"]
    defaults += [f"{k}={v}" for k, v in machine_clearance(cls, machine, material, **chosen).items()]
    cls, params = resolve_params(cls, preset=chosen["preset"], params_file=chosen["params_file"],
                                 settings=[*defaults, *settings])
    return cls.design(params)


def export_order_cmd(lines, designs, machine, material, out, options: dict) -> None:
    """Export several designs as one order (:func:`fabrication.export.orderbundle.export_order`) and
    say how many sheets it took against the area lower bound."""
    from fabrication.export.bundle import bundle_path
    from fabrication.export.orderbundle import OrderItem, check_items, export_order
    from ..order import unique_labels

    items = [OrderItem(label, design, line.count) for label, line, design in zip(unique_labels(lines), lines, designs)]
    check_items(items, machine)
    bundle_path(out, designs[0])
    what = " + ".join(f"{item.count} x {item.label}" for item in items)
    click.echo(f"exporting an order of {what} ...", err=True)
    bundle, order = export_order(items, machine, material, out, **options)
    verdict = {True: "all checks pass", False: "CHECKS FAIL (see designs/*/check.json)", None: ""}[bundle.check_ok]
    click.echo(f"order of {what}: {bundle.bom.sheets} sheet(s) (area lower bound {order.lower_bound}), "
               f"{len(bundle.files)} files; {verdict}")
    click.echo(f"wrote {bundle.path}")
