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


def _listing(name: str):
    """A listing command ``name``: ``--json`` and ``--profiles`` (a user profiles file), errors made friendly."""
    def wrap(f):
        f = friendly(f)
        f = click.option("--profiles", type=click.Path(dir_okay=False, path_type=Path), help=PROFILES_HELP)(f)
        f = click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")(f)
        return click.command(name)(f)
    return wrap


@_listing("machines")
def machines_cmd(as_json: bool, profiles: Path | None) -> None:
    """List the machine profiles (lasers and CNC routers)."""
    with user_profiles(profiles) as (machines, _):
        pass
    _show(machines.values(), as_json, lambda m: m.to_dict(),
          ("name", "kind", "bed mm", "tool", "gap/margin", "svg", "title"),
          lambda m: (m.name, m.kind, f"{m.bed[0]:g} x {m.bed[1]:g}",
                     f"bit {m.tool_diameter:g}" if m.is_router else f"kerf {m.kerf:g}",
                     f"{m.spacing:g}/{m.margin:g}", m.svg_colours, m.title))


@_listing("materials")
def materials_cmd(as_json: bool, profiles: Path | None) -> None:
    """List the material profiles (density, stiffness, strength, thicknesses, sheets, price)."""
    from dataclasses import asdict

    from parametric.materials import load_materials

    with user_profiles(profiles) as (_, materials_file):
        mats = load_materials(materials_file)
    _show(mats.values(), as_json, asdict,
          ("name", "kg/m3", "E MPa", "MOR MPa", "price/m2", "nominal -> measured mm", "sheets mm"),
          lambda m: (m.name, f"{m.density:g}", f"{m.modulus_along:g}/{m.modulus_across:g}",
                     f"{m.strength_along:g}/{m.strength_across:g}", _price(m),
                     " ".join(f"{n:g}->{t:g}" for n, t in m.thicknesses),
                     " ".join(f"{a:g}x{b:g}" for a, b in m.sheets)))


def _price(m) -> str:
    """One price per m^2, or the range over the material's thicknesses (``14.00-50.00``)."""
    if not m.prices:
        return f"{m.price_per_m2:.2f}"
    prices = [p for _, p in m.prices]
    return f"{min(prices):.2f}-{max(prices):.2f}"


def _show(items, as_json: bool, to_dict, header: tuple[str, ...], row) -> None:
    """Print profiles as JSON (``to_dict`` of each) or as a table (``header``, then ``row`` of each)."""
    items = list(items)
    if as_json:
        click.echo(json.dumps([to_dict(m) for m in items], indent=2))
    else:
        _table([header, *(row(m) for m in items)])


def _table(rows: list[tuple[str, ...]]) -> None:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    for r in rows:
        click.echo("  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip())
