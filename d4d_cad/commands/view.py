"""``d4d view``: the desktop viewer (needs ``pip install 'd4d-cad[viewer]'``)."""

from __future__ import annotations

from pathlib import Path

import click

from ..options import friendly


@click.command("view")
@click.argument("model", default="slice_chair")
@click.option("--preset", help="Start from a preset.")
@click.option("--params", "params_file", type=click.Path(dir_okay=False, path_type=Path),
              help="Start from a parameter file (e.g. a bundle's params.json).")
@friendly
def view_cmd(model, preset, params_file) -> None:
    """Open the desktop viewer: edit parameters and watch the product, its checks and sheets update."""
    from parametric.paramfile import load_params_file
    from parametric.registry import get_model

    get_model(model)
    values = load_params_file(params_file)[1] if params_file else {}
    from viewer.app import run

    raise SystemExit(run(model, preset, values))
