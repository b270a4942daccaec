"""Batch runs: many parameter sets through the same pipeline, on a process pool or a Dask cluster.

A sweep file (YAML or JSON) names a model and how to vary it::

    model: slice_chair
    preset: dining                 # optional starting point
    params: {thickness: 17.4}      # fixed values for every variant
    grid:                          # cartesian product of these axes
      width: [420, 460, 500]
      seat_height: {min: 400, max: 460, step: 20}   # step defaults to the spec's step
    random:                        # optional: random in-range values, per grid point
      count: 50
      seed: 0
      params: [back_angle, seat_depth]              # or "all" numeric parameters

Every variant gives one result row, whatever happens (the CadQuery ``BuildResult`` habit):
``status`` is ``ok``, ``refused`` (a parameter/constraint error), ``failed`` (checks found an
error) or ``error`` (anything else, with its type). One bad variant never stops a sweep.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
import random
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import D4DError, ParameterError, ParamsFileError
from ..paramfile import parse_mapping
from ..params import Angle, Count, Length
from ..registry import get_model
from .output import atomic_write_bytes


@dataclass
class Sweep:
    """A model, a starting point and the parameter sets to run."""

    model: str
    preset: str | None = None
    params: dict[str, Any] = field(default_factory=dict)
    grid: dict[str, list[Any]] = field(default_factory=dict)
    random_count: int = 0
    random_seed: int = 0
    random_params: list[str] = field(default_factory=list)

    def variants(self) -> Iterator[dict[str, Any]]:
        """Every parameter set of the sweep (overrides on top of the preset), in a stable order."""
        cls = get_model(self.model)
        specs = cls.schema.specs
        names = list(self.grid)
        rng = random.Random(self.random_seed)
        for combo in itertools.product(*(self.grid[n] for n in names)) if names else [()]:
            base = {**self.params, **dict(zip(names, combo))}
            if not self.random_count:
                yield base
                continue
            for _ in range(self.random_count):
                yield {**base, **{n: _draw(specs[n], rng) for n in self.random_params}}

    def __len__(self) -> int:
        n = 1
        for values in self.grid.values():
            n *= len(values)
        return n * max(1, self.random_count)


def _draw(spec, rng: random.Random) -> Any:
    steps = int(round((spec.max - spec.min) / spec.step))
    value = spec.min + rng.randint(0, steps) * spec.step
    return int(value) if isinstance(spec, Count) else round(min(value, spec.max), 6)


def _axis(spec, name: str, values: Any, source: str) -> list[Any]:
    if isinstance(values, list):
        if not values:
            raise ParamsFileError(f"{source}: grid axis {name!r} has no values")
        return values
    if isinstance(values, dict) and isinstance(spec, (Length, Angle, Count)):
        lo, hi = values.get("min", spec.min), values.get("max", spec.max)
        step = values.get("step", spec.step)
        if step <= 0 or hi < lo:
            raise ParamsFileError(f"{source}: grid axis {name!r} needs min <= max and a positive step")
        count = int((hi - lo) / step + 1e-9) + 1
        return [round(lo + i * step, 6) for i in range(count)]
    raise ParamsFileError(f"{source}: grid axis {name!r} must be a list of values, or {{min, max, step}} "
                          "for a numeric parameter")


def parse_sweep(text: str, *, source: str = "<sweep>") -> Sweep:
    """Read a sweep from YAML/JSON text (see the module docstring).

    Raises:
        ParamsFileError: malformed file; ParameterError: unknown model or parameter names.
    """
    data = parse_mapping(text, source=source)
    if "model" not in data:
        raise ParamsFileError(f"{source}: a sweep needs a 'model' key, e.g. model: slice_chair")
    unknown = set(data) - {"model", "preset", "params", "grid", "random"}
    if unknown:
        raise ParamsFileError(f"{source}: unknown keys {sorted(unknown)}; use model, preset, params, grid, random")
    cls = get_model(str(data["model"]))
    schema = cls.schema
    params = data.get("params") or {}
    grid = data.get("grid") or {}
    rnd = data.get("random") or {}
    if not all(isinstance(x, dict) for x in (params, grid, rnd)):
        raise ParamsFileError(f"{source}: params, grid and random must be mappings")
    schema.unknown(list(params) + list(grid))
    if data.get("preset"):
        schema.preset(data["preset"])
    random_params = rnd.get("params", [])
    if random_params == "all":
        random_params = [n for n, s in schema.specs.items() if isinstance(s, (Length, Angle, Count))]
    schema.unknown(random_params)
    bad = [n for n in random_params if not isinstance(schema.specs[n], (Length, Angle, Count))]
    if bad:
        raise ParameterError(f"{source}: random values only for numeric parameters, not {bad}", bad)
    return Sweep(cls.name, data.get("preset"), dict(params),
                 {n: _axis(schema.specs[n], n, v, source) for n, v in grid.items()},
                 int(rnd.get("count", 0)), int(rnd.get("seed", 0)), list(random_params))


def load_sweep(path: str | Path) -> Sweep:
    """Read a sweep file."""
    path = Path(path)
    try:
        return parse_sweep(path.read_text(encoding="utf-8"), source=str(path))
    except FileNotFoundError:
        raise ParamsFileError(f"sweep file {path} does not exist") from None


def run_variant(model: str, preset: str | None, values: dict[str, Any], index: int = 0,
                checks: bool = True) -> dict[str, Any]:
    """Build (and check) one variant; never raises. Returns one result row."""
    start = time.perf_counter()
    row: dict[str, Any] = {"index": index, "status": "ok", "code": "", "message": "", "hash": "",
                           "parts": 0, "joints": 0, "area_m2": 0.0}
    try:
        cls = get_model(model)
        params = cls.params(values, preset=preset)
        row["hash"] = params.hash
        design = cls.design(params)
        row.update(parts=len(design.parts), joints=len(design.joints), area_m2=round(design.total_area / 1e6, 4))
        if checks:
            _check(design, row)
    except ParameterError as exc:
        row.update(status="refused", code=type(exc).__name__, message=str(exc))
    except D4DError as exc:
        row.update(status="error", code=type(exc).__name__, message=str(exc))
    except Exception as exc:  # one bad variant must never stop a sweep
        row.update(status="error", code=type(exc).__name__, message=str(exc)[:500])
    row["seconds"] = round(time.perf_counter() - start, 4)
    row.update({f"param.{k}": json.dumps(v) if isinstance(v, (list, tuple)) else v for k, v in values.items()})
    return row


def _check(design, row: dict[str, Any]) -> None:
    """Add check results to a row when the checks package is installed."""
    try:
        from ..checks import run_checks
    except ImportError:
        return
    report = run_checks(design)
    errors = sorted({f.code for f in report.findings if f.severity == "error"})
    row["check_errors"] = " ".join(errors)
    if errors:
        row.update(status="failed", code=errors[0])


def _star(args: tuple) -> dict[str, Any]:
    return run_variant(*args)


def run_sweep(sweep: Sweep, *, workers: int | None = None, dask: str | None = None, checks: bool = True,
              progress: Callable[[int, int], None] | None = None) -> list[dict[str, Any]]:
    """Run every variant of a sweep and return the rows in sweep order.

    Args:
        workers: process-pool size (default: all cores); 1 runs in this process.
        dask: a Dask scheduler address (``tcp://host:8786``) or ``"local"`` for a local cluster;
            needs ``pip install 'd4d-cad[dask]'``.
        progress: called with ``(done, total)`` after each variant.
    """
    jobs = [(sweep.model, sweep.preset, v, i, checks) for i, v in enumerate(sweep.variants())]
    total = len(jobs)
    rows: list[dict[str, Any]] = []

    def tick(row):
        rows.append(row)
        if progress:
            progress(len(rows), total)

    if dask:
        _run_dask(jobs, dask, tick)
    elif workers == 1 or total <= 1:
        for job in jobs:
            tick(_star(job))
    else:
        from concurrent.futures import ProcessPoolExecutor

        with ProcessPoolExecutor(max_workers=workers) as pool:
            for row in pool.map(_star, jobs, chunksize=max(1, total // (8 * (workers or 2)))):
                tick(row)
    return sorted(rows, key=lambda r: r["index"])


def _run_dask(jobs: list[tuple], address: str, tick: Callable) -> None:
    from .._optional import require

    distributed = require("dask.distributed", "dask")
    client = (distributed.Client(processes=True, n_workers=2, threads_per_worker=1, dashboard_address=None)
              if address == "local" else distributed.Client(address))
    try:
        futures = client.map(_star, jobs, pure=False)
        for future in distributed.as_completed(futures):
            tick(future.result())
    finally:
        client.close()


def summarise(rows: list[dict[str, Any]]) -> dict[str, int]:
    """Counts of rows by status."""
    out: dict[str, int] = {"total": len(rows)}
    for row in rows:
        out[row["status"]] = out.get(row["status"], 0) + 1
    return out


def write_rows(rows: list[dict[str, Any]], path: str | Path) -> None:
    """Write the rows as CSV (``.csv``) or JSON (any other suffix), atomically."""
    path = Path(path)
    if path.suffix.lower() == ".csv":
        columns = list(dict.fromkeys(k for row in rows for k in row))
        buf = io.StringIO()
        writer = csv.DictWriter(buf, fieldnames=columns)
        writer.writeheader()
        writer.writerows(rows)
        data = buf.getvalue().encode()
    else:
        data = (json.dumps({"summary": summarise(rows), "rows": rows}, indent=1) + "\n").encode()
    atomic_write_bytes(path, data)
