"""``d4d check``: run the physical checks on a product and print (or emit as JSON) the report."""

from __future__ import annotations

import json
import sys

import click

from ..options import friendly, model_options


@click.command("check")
@model_options
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.option("--fix", "auto_fix", is_flag=True,
              help="Search the parameters' declared ranges for the nearest set that passes.")
@click.option("--material", default=None, help="Material profile for mass and strength (default: the parts').")
@click.option("--tool", "tool_diameter", type=float, default=None,
              help="Tool diameter or kerf in mm for the minimum-feature checks (default 6 mm router bit).")
@friendly
def check_cmd(model, preset, settings, params_file, as_json, auto_fix, material, tool_diameter) -> None:
    """Check a product: stability, overlaps, manufacturability, strength. Exit 0 pass, 1 fail, 2 bad input."""
    from ...checks import fix, format_table, run_checks, suggest_fixes
    from ...materials import get_material
    from ..pipeline import resolve_params

    cls, params = resolve_params(model, preset=preset, params_file=params_file, settings=settings)
    mat = get_material(material) if material else None
    design = cls.design(params)
    report = run_checks(design, material=mat, tool_diameter=tool_diameter)
    if not report.ok:
        suggest_fixes(design, report, material=mat, tool_diameter=tool_diameter)
    result = fix(design, material=mat, tool_diameter=tool_diameter) if auto_fix and not report.ok else None
    if as_json:
        doc = {"model": design.model, "hash": design.hash, "report": report.to_dict()}
        if result is not None:
            doc["fix"] = result.to_dict()
        click.echo(json.dumps(doc, indent=2))
    else:
        click.echo(f"{design.title} {design.hash}")
        click.echo(format_table(report))
        if result is not None:
            click.echo(str(result))
    sys.exit(0 if report.ok else 1)
