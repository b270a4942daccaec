"""``d4d batch``: every variant of a sweep becomes a checked, nested, ready-to-cut folder or bundle."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from parametric.errors import OutputError
from ..options import SECONDS, friendly


@click.command("batch")
@click.argument("sweep_file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--out", type=click.Path(path_type=Path), required=True,
              help="Results folder: results.csv, index.html (the gallery) and variants/<id>/ per variant. "
                   "Rerunning into the same folder skips the variants already made.")
@click.option("--workers", type=click.IntRange(min=0), default=None,
              help="Worker processes (default: all cores; 0 = in this process, for debugging).")
@click.option("--dask", "dask_address", metavar="ADDRESS",
              help="Run on a Dask scheduler (tcp://host:8786) or 'local' (a LocalCluster); needs d4d-cad[dask].")
@click.option("--time-limit", type=SECONDS, default=None, metavar="SECONDS",
              help="Stop a variant after this long and mark it 'timeout' (process pool only).")
@click.option("--max-variants", type=click.IntRange(min=1), default=None, metavar="N",
              help="Allow sweeps up to N variants (default 10,000; larger sweeps are refused before any work).")
@click.option("--retry-errors", is_flag=True, help="Run again the variants a previous run left as error, timeout "
              "or killed.")
@click.option("--no-checks", is_flag=True, help="Skip the physical checks (status is then ok or refused).")
@click.option("-q", "--quiet", is_flag=True, help="No progress bar (it is off anyway when not on a terminal).")
@friendly
def batch_cmd(sweep_file, out, workers, dask_address, time_limit, max_variants, retry_errors, no_checks,
              quiet) -> None:
    """Run a parameter sweep (YAML/JSON): a folder of cut files, a bundle and a thumbnail per variant,
    results.csv and a gallery page (index.html)."""
    from ..batch import DEFAULT_MAX_VARIANTS, load_sweep, run_batch

    if out.suffix.lower() in (".csv", ".json") and not out.is_dir():
        raise OutputError(f"--out {out}: batch results now go into a folder (results.csv and index.html are "
                          f"written inside it); try --out {out.with_suffix('')}")
    sweep = load_sweep(sweep_file, max_variants=max_variants or DEFAULT_MAX_VARIANTS)
    if no_checks:
        sweep.options["checks"] = False
    bar = _progress_bar(len(sweep), f"{sweep.model}", disable=True if quiet else None)
    try:
        result = run_batch(sweep, out, workers=workers, dask=dask_address, time_limit=time_limit,
                           retry_errors=retry_errors, progress=lambda done, total, row: _tick(bar, row))
    finally:
        bar.close()
    counts = ", ".join(f"{k} {v}" for k, v in result.summary.items() if k != "total")
    click.echo(f"{result.summary['total']} variants ({result.ran} run, {result.reused} already done): {counts}")
    click.echo(f"wrote {out / 'results.csv'} and {out / 'index.html'}")


def _progress_bar(total: int, label: str, *, disable: bool | None):
    """A progress bar with rate and ETA on a terminal, silent when stderr is not one."""
    from tqdm import tqdm

    return tqdm(total=total, desc=label, unit="variant", file=sys.stderr, disable=disable, dynamic_ncols=True,
                smoothing=0.1)


def _tick(bar, row: dict) -> None:
    bar.update(1)
    if row.get("status") not in ("ok", None):
        bar.set_postfix_str(f"last {row['status']}: {row.get('codes', '')}"[:40], refresh=False)
