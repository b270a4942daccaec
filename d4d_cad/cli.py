"""The ``d4d`` command line. Core imports only at start-up; heavy ones inside each command."""

from __future__ import annotations

import json
from pathlib import Path

import click

from parametric import __version__
from .options import friendly, model_options, nest_options, parse_sheet


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="d4d")
def main() -> None:
    """d4d: parametric flat-pack products -> checked, nested, machine-ready cut files."""


@main.command("models")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@friendly
def models_cmd(as_json: bool) -> None:
    """List the products in the catalogue (built-in and plugins)."""
    from parametric.registry import available_models

    models = available_models()
    if as_json:
        click.echo(json.dumps([{"name": n, "title": m.title or n, "version": m.version,
                                "description": m.description()} for n, m in models.items()], indent=2))
        return
    width = max(map(len, models), default=0)
    for name, cls in models.items():
        click.echo(f"{name:<{width}}  {cls.description()}")


@main.command("info")
@click.argument("model")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@friendly
def info_cmd(model: str, as_json: bool) -> None:
    """Show a model's parameters (defaults, ranges, units, help) and presets."""
    from parametric.registry import get_model

    cls = get_model(model)
    desc = cls.schema.describe()
    if as_json:
        click.echo(json.dumps({"name": cls.name, "title": cls.title, "version": cls.version,
                               "description": cls.description(), **desc}, indent=2))
        return
    click.echo(f"{cls.name} {cls.version}: {cls.description()}\n")
    group = None
    for spec in cls.schema.specs.values():
        if spec.group != group:
            group = spec.group
            click.echo(f"[{group}]")
        default = spec.to_json(spec.default)
        if spec.kind == "profile":
            default = "; ".join(f"{x:g},{y:g}" for x, y in default)
        click.echo(f"  {spec.name:<14} {default!s:>8} {spec.unit:<4} {spec.range_text()}")
        if spec.help:
            click.echo(f"  {'':<14} {spec.help}")
    if desc["constraints"]:
        click.echo("\nConstraints:")
        for c in desc["constraints"]:
            click.echo(f"  - {c['message'].format(**{n: n for n in cls.schema.specs})}")
    click.echo("\nPresets: " + (", ".join(_preset_text(cls, p) for p in cls.schema.presets) or "none"))


def _preset_text(cls, preset: str) -> str:
    """A preset's name, with the figures it is for when the model declares them (``Model.figures``)."""
    if preset not in cls.figures:
        return preset
    figures = cls.figures[preset]
    return f"{preset} (for {', '.join(figures) if figures else 'nobody: ' + cls.figure_notes.get(preset, '')})"


@main.command("build")
@model_options
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="Folder for the outputs (created; existing files of the same name are replaced).")
@click.option("--unit", type=click.Choice(["mm", "in"]), default="mm", show_default=True,
              help="Units of the DXF files.")
@click.option("--sheet", default="2440x1220", show_default=True, help="Sheet size WIDTHxHEIGHT in mm.")
@click.option("--no-solids", "no_step", is_flag=True, help="Skip the STEP and STL solids (faster).")
@click.option("--layout", type=click.Choice(["nest", "rows"]), default="nest", show_default=True,
              help="True-shape nesting, or rows of bounding boxes.")
@nest_options
@friendly
def build_cmd(model, preset, settings, params_file, out, unit, sheet, no_step, layout, nest_rounds, nest_time) -> None:
    """Build a product and write design.json, STEP, STL, part DXFs and sheet DXFs to --out."""
    from .pipeline import resolve_params, write_build

    cls, params = resolve_params(model, preset=preset, params_file=params_file, settings=settings)
    size = parse_sheet(sheet)
    design = cls.design(params)
    result = write_build(design, out, unit=unit, sheet=size, solids=not no_step, layout=layout, nest_rounds=nest_rounds,
                         nest_time=nest_time)
    click.echo(f"{design.title} {design.hash}: {len(design.parts)} parts, {len(design.joints)} cross-laps, "
               f"{result.sheets} sheet(s) of {size[0]:g} x {size[1]:g} mm")
    if result.report is not None:
        verdict = "all checks pass" if result.report.ok else (
            f"{len(result.report.errors)} check(s) FAIL: " + ", ".join(sorted({f.code for f in result.report.errors}))
            + f" (see {out}/check.json or `d4d check {cls.name}`)")
        click.echo(verdict)
    click.echo(f"wrote {len(result.files)} files to {out}")


def _register() -> None:
    """Add the commands that live in their own modules (cheap imports only at start-up)."""
    from .commands.batch import batch_cmd
    from .commands.check import check_cmd
    from .commands.export import export_cmd
    from .commands.nest import nest_cmd
    from .commands.profiles import machines_cmd, materials_cmd
    from .commands.view import view_cmd

    for command in (batch_cmd, check_cmd, export_cmd, machines_cmd, materials_cmd, nest_cmd, view_cmd):
        main.add_command(command)


_register()

def run() -> None:
    """The ``d4d`` console script: the command line with a Ctrl-C that always works (see
    :mod:`.interrupt`)."""
    from .interrupt import install

    install()
    main()


if __name__ == "__main__":  # pragma: no cover
    run()
