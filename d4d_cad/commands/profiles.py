"""``d4d machines`` and ``d4d materials``: the machine and material profiles (shipped + a user file)."""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import click

from parametric.errors import ProfileError
from ..options import friendly

PROFILES_HELP = "Your own profiles: a YAML file with machines: and/or materials: (same fields as the shipped ones)."


@contextlib.contextmanager
def user_profiles(path: Path | None) -> Iterator[tuple[dict, str | None]]:
    """The machine profiles (shipped + ``path``'s ``machines:``) and a material file for the loader.

    Errors name ``path`` (not the temporary file the materials loader reads), and the field.

    Raises:
        ProfileError: unreadable file, unknown top-level keys, or an entry with a missing field.
    """
    from fabrication.machines import load_machines, machines_from_mapping

    from parametric.paramfile import parse_mapping

    machines = dict(load_machines())
    if path is None:
        yield machines, None
        return
    try:
        text = Path(path).read_text()
    except OSError as exc:
        raise ProfileError(f"cannot read profile file {path}: {exc.strerror}") from None
    data = parse_mapping(text, source=str(path))
    unknown = set(data) - {"machines", "materials"}
    if unknown:
        raise ProfileError(f"{path}: unknown keys {sorted(unknown)}; a profile file has machines: and/or materials:")
    machines.update(machines_from_mapping(data.get("machines") or {}, str(path)))
    if "materials" not in data:
        yield machines, None
        return
    import yaml

    fd, tmp = tempfile.mkstemp(suffix=".yaml")
    try:
        with os.fdopen(fd, "w") as fh:
            yaml.safe_dump(data["materials"], fh)
        try:
            from parametric.materials import load_materials

            load_materials(tmp)  # parse now, so errors name the user's file
        except ProfileError as exc:
            raise ProfileError(str(exc).replace(tmp, str(path))) from None
        yield machines, tmp
    finally:
        Path(tmp).unlink(missing_ok=True)


@click.command("machines")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.option("--profiles", type=click.Path(dir_okay=False, path_type=Path), help=PROFILES_HELP)
@friendly
def machines_cmd(as_json: bool, profiles: Path | None) -> None:
    """List the machine profiles (lasers and CNC routers)."""
    with user_profiles(profiles) as (machines, _):
        pass
    if as_json:
        click.echo(json.dumps([m.to_dict() for m in machines.values()], indent=2))
        return
    rows = [("name", "kind", "bed mm", "tool", "gap/margin", "svg", "title")]
    for m in machines.values():
        tool = f"bit {m.tool_diameter:g}" if m.is_router else f"kerf {m.kerf:g}"
        rows.append((m.name, m.kind, f"{m.bed[0]:g} x {m.bed[1]:g}", tool, f"{m.spacing:g}/{m.margin:g}",
                     m.svg_colours, m.title))
    _table(rows)


@click.command("materials")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.option("--profiles", type=click.Path(dir_okay=False, path_type=Path), help=PROFILES_HELP)
@friendly
def materials_cmd(as_json: bool, profiles: Path | None) -> None:
    """List the material profiles (density, stiffness, strength, thicknesses, sheets, price)."""
    from dataclasses import asdict

    from parametric.materials import load_materials

    with user_profiles(profiles) as (_, materials_file):
        mats = load_materials(materials_file)
    if as_json:
        click.echo(json.dumps([asdict(m) for m in mats.values()], indent=2))
        return
    rows = [("name", "kg/m3", "E MPa", "MOR MPa", "price/m2", "nominal -> measured mm", "sheets mm")]
    for m in mats.values():
        sizes = " ".join(f"{n:g}->{t:g}" for n, t in m.thicknesses)
        sheets = " ".join(f"{a:g}x{b:g}" for a, b in m.sheets)
        rows.append((m.name, f"{m.density:g}", f"{m.modulus_along:g}/{m.modulus_across:g}",
                     f"{m.strength_along:g}/{m.strength_across:g}", _price(m), sizes, sheets))
    _table(rows)


def _price(m) -> str:
    """One price per m^2, or the range over the material's thicknesses (``14.00-50.00``)."""
    if not m.prices:
        return f"{m.price_per_m2:.2f}"
    prices = [p for _, p in m.prices]
    return f"{min(prices):.2f}-{max(prices):.2f}"


def _table(rows: list[tuple[str, ...]]) -> None:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    for r in rows:
        click.echo("  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip())
