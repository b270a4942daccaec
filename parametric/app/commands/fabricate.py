"""``d4d export``, ``d4d machines`` and ``d4d materials``: cut files for a machine and material."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from ...errors import D4DError, ParameterError
from ..cli import friendly, model_options


def resolve_material(spec: str, extra: str | None = None):
    """``NAME`` or ``NAME:NOMINAL`` (e.g. ``birch-ply:12``) -> (Material, typical measured thickness or None)."""
    from ...materials import get_material

    name, _, nominal = spec.partition(":")
    material = get_material(name, extra)
    if not nominal:
        return material, None
    try:
        value = float(nominal)
    except ValueError:
        raise ParameterError(f"--material {spec!r}: write NAME or NAME:NOMINAL_MM, e.g. birch-ply:12",
                             ["material"]) from None
    table = dict(material.thicknesses)
    if value not in table:
        raise ParameterError(f"{name} comes in {', '.join(f'{t:g}' for t in table)} mm, not {value:g}",
                             ["material"])
    return material, table[value]


@click.command("export")
@model_options
@click.option("--machine", required=True, help="Machine profile (see `d4d machines`).")
@click.option("--material", default="birch-ply", show_default=True,
              help="Material profile, optionally with a nominal thickness: birch-ply:12 (see `d4d materials`).")
@click.option("--out", type=click.Path(path_type=Path), required=True,
              help="The zip file, or an existing folder to write <model>-<hash>.zip into.")
@click.option("--profiles", type=click.Path(dir_okay=False, path_type=Path),
              help="Extra machine/material profile YAML (keys machines: / materials:).")
@click.option("--no-kerf", is_flag=True, help="Laser: do not compensate the kerf (the service does it).")
@click.option("--relief", type=click.Choice(["dogbone", "tbone", "none"]), default="dogbone", show_default=True,
              help="Router: inside-corner reliefs.")
@friendly
def export_cmd(model, preset, settings, params_file, machine, material, out, profiles, no_kerf, relief) -> None:
    """Write the download bundle: DXF/SVG per sheet, PDF guide, STEP/STL, BOM, checks, params."""
    from fabrication.export.bundle import export_bundle
    from fabrication.machines import get_machine

    from ..pipeline import resolve_params

    machines_file = materials_file = None
    if profiles:
        machines_file, materials_file = _split_profiles(profiles)
    try:
        mach = get_machine(machine, machines_file)
        mat, measured = resolve_material(material, materials_file)
    finally:
        for tmp in (machines_file, materials_file):
            if tmp:
                Path(tmp).unlink(missing_ok=True)
    settings = list(settings)
    if measured is not None and not any(s.startswith("thickness=") for s in settings):
        settings.insert(0, f"thickness={measured}")
    cls, params = resolve_params(model, preset=preset, params_file=params_file, settings=settings)
    design = cls.design(params)
    with click.progressbar(length=7, label="exporting", file=sys.stderr) as bar:
        bundle = export_bundle(design, mach, mat, out, compensate_kerf=not no_kerf, relief=relief,
                               progress=lambda step, total, what: bar.update(1))
    verdict = {True: "all checks pass", False: "CHECKS FAIL (see check.json)", None: ""}[bundle.check_ok]
    click.echo(f"{design.title} {design.hash}: {bundle.bom.sheets} sheet(s), {len(bundle.files)} files; {verdict}")
    click.echo(f"wrote {bundle.path}")


def _split_profiles(path: Path) -> tuple[str | None, str | None]:
    """A user profile file holds ``machines:`` and/or ``materials:``; split it into temporary files for
    the loaders (the caller deletes them)."""
    import os
    import tempfile

    import yaml

    from ...paramfile import parse_mapping

    data = parse_mapping(path.read_text(), source=str(path))
    unknown = set(data) - {"machines", "materials"}
    if unknown:
        raise D4DError(f"{path}: unknown keys {sorted(unknown)}; a profile file has machines: and/or materials:")
    out = []
    for key in ("machines", "materials"):
        if key in data:
            fd, name = tempfile.mkstemp(suffix=".yaml")
            with os.fdopen(fd, "w") as fh:
                yaml.safe_dump(data[key], fh)
            out.append(name)
        else:
            out.append(None)
    return out[0], out[1]


@click.command("machines")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@friendly
def machines_cmd(as_json: bool) -> None:
    """List the machine profiles (lasers and CNC routers)."""
    from fabrication.machines import load_machines

    machines = load_machines()
    if as_json:
        click.echo(json.dumps([m.to_dict() for m in machines.values()], indent=2))
        return
    for m in machines.values():
        tool = f"bit {m.tool_diameter:g} mm" if m.is_router else f"kerf {m.kerf:g} mm"
        click.echo(f"{m.name:<24} {m.kind:<6} bed {m.bed[0]:g} x {m.bed[1]:g}  {tool:<14} {m.title}")


@click.command("materials")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@friendly
def materials_cmd(as_json: bool) -> None:
    """List the material profiles (density, stiffness, strength, thicknesses, sheets, price)."""
    from dataclasses import asdict

    from ...materials import load_materials

    mats = load_materials()
    if as_json:
        click.echo(json.dumps([asdict(m) for m in mats.values()], indent=2))
        return
    for m in mats.values():
        sizes = ", ".join(f"{t:g}" for t, _ in m.thicknesses)
        click.echo(f"{m.name:<10} {m.density:>5g} kg/m3  E {m.modulus_along:>5g} MPa  MOR {m.strength_along:>4g} MPa"
                   f"  {m.price_per_m2:>5.2f}/m2  thicknesses {sizes}  ({m.title})")
