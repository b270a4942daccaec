"""Run a sweep: every variant becomes a folder of checked, nested, ready-to-cut files.

Layout of the results folder::

    results.csv            one row per variant (rebuilt from disk after every run)
    index.html             the gallery: a card per variant, filter and sort, links to the bundles
    batch.json             what was run and the summary
    variants/<id>/         row.json (written last), params.json, check.json, sheet-NN.dxf/svg, bom.csv,
                           <model>-<hash>.zip, thumbnail.png (as the sweep's ``outputs`` choose)

``<id>`` is ``<model>-<parameter hash>[-<machine>][-<material>]``, so a rerun of the same sweep into the
same folder skips every variant already there (made with the same options and outputs) and only
runs the rest. A variant is written into a staging folder and renamed into place with its row last:
a run killed at any moment leaves finished variants and nothing half-written that counts.

Execution: a :class:`~.pool.WorkerPool` of processes by default (a killed worker's variant is retried
once, then marked ``killed``; ``time_limit`` stops a variant's worker and marks it ``timeout``),
``dask="local"`` for a Dask LocalCluster, or ``dask="tcp://host:8786"`` for a running scheduler
(the same code: workers only compute, this process writes every file).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from parametric import __version__
from parametric.errors import D4DError, OutputError, ParameterError
from parametric.registry import get_model
from ..output import atomic_write_bytes, safe_child
from .results import read_row, summarise, table_bytes
from .sweep import Sweep

#: how many times a variant runs when its worker dies (the first run and one retry)
ATTEMPTS = 2
WORKER = "d4d_cad.batch.worker:run_variant"
PRELOAD = "d4d_cad.batch._preload"
#: how long to keep trying to reach a Dask scheduler before the run is refused (a scheduler on another
#: machine may take a moment to answer; a wrong address fails after this)
CONNECT_TIMEOUT = "10s"

Progress = Callable[[int, int, dict[str, Any]], None]


class SchedulerError(D4DError, ConnectionError):
    """The Dask scheduler cannot be reached."""


@dataclass
class BatchResult:
    """The outcome of :func:`run_batch`: every row in sweep order, counts, and how many were reused."""

    out: Path
    rows: list[dict[str, Any]]
    summary: dict[str, Any]
    reused: int = 0
    ran: int = 0
    files: list[Path] = field(default_factory=list)


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", text).strip("-.") or "x"


def _task(sweep: Sweep, variant, digest: str) -> dict[str, Any]:
    """The picklable job for one variant, with its folder id."""
    values = dict(variant.values)
    material = variant.material
    cls = get_model(sweep.model)
    if variant.machine:  # the export's defaults: measured thickness of the nominal, the machine's clearance
        from fabrication.machines import get_machine

        from ..pipeline import machine_clearance, resolve_material, user_sets

        mat, measured = resolve_material(material or "birch-ply")
        if measured is not None and not user_sets(cls, "thickness", preset=sweep.preset, values=values):
            values["thickness"] = measured
        values.update(machine_clearance(cls, get_machine(variant.machine), mat, preset=sweep.preset, values=values))
    elif material and ":" in material and "thickness" not in values:
        from ..pipeline import resolve_material

        values["thickness"] = resolve_material(material)[1]
    try:
        ident = cls.schema.key(values, preset=sweep.preset)  # the worker checks the constraints
    except ParameterError:
        raw = json.dumps([sweep.preset, values], sort_keys=True, default=str)
        ident = "refused-" + hashlib.sha256(raw.encode()).hexdigest()[:12]
    key = "-".join(_slug(p) for p in (sweep.model, ident, variant.machine or "", material or "") if p)
    return {"index": variant.index, "key": key, "model": sweep.model, "model_class": cls, "preset": sweep.preset,
            "values": values,
            "machine": variant.machine, "material": material, "outputs": sweep.outputs, "options": sweep.options,
            "digest": digest}


def digest(sweep: Sweep) -> str:
    """What, besides the parameters, decides a variant's files (a change redoes the variant)."""
    raw = json.dumps([__version__, sorted(sweep.outputs), sweep.options], sort_keys=True)
    return hashlib.sha256(raw.encode()).hexdigest()[:12]


def prepare_out(out: str | Path) -> Path:
    """Create the results folder and prove it can be written, before any work.

    Raises:
        OutputError: the folder cannot be created or written.
    """
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise OutputError(f"--out {out} is a file; batch results go into a folder: choose a folder path")
    try:
        (out / "variants").mkdir(parents=True, exist_ok=True)
        fd, probe = tempfile.mkstemp(prefix=".d4d-probe-", dir=out / "variants")
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        raise OutputError(f"cannot write the results folder {out}: {exc.strerror or exc}; choose a folder you "
                          "can write (--out DIR)") from None
    for stale in (out / "variants").glob(".stage-*"):  # half-written variants of a killed run
        shutil.rmtree(stale, ignore_errors=True)
    return out


def _store(out: Path, task: dict, row: dict, files: dict[str, bytes]) -> dict:
    """Write one variant's files into ``variants/<id>/`` atomically (row.json last); returns the row."""
    variants = out / "variants"
    key = task["key"]
    folder = f"variants/{key}"
    row = {**row, "folder": folder, "digest": task["digest"],
           "thumbnail": f"{folder}/thumbnail.png" if "thumbnail.png" in files else "",
           "bundle": f"{folder}/{row['bundle']}" if row.get("bundle") else ""}
    row.update({f"param.{k}": (json.dumps(v) if isinstance(v, (list, tuple, dict)) else v)
                for k, v in task["values"].items()})
    stage = Path(tempfile.mkdtemp(prefix=f".stage-{key}-", dir=variants))
    try:
        for name, data in files.items():
            safe_child(stage, name).write_bytes(data)
        (stage / "row.json").write_text(json.dumps(row, indent=1, default=str) + "\n", encoding="utf-8")
        final = variants / key
        if final.exists():
            old = Path(tempfile.mkdtemp(prefix=f".stage-old-{key}-", dir=variants))
            os.replace(final, old / key)
            os.replace(stage, final)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(stage, final)
    finally:
        shutil.rmtree(stage, ignore_errors=True)
    return row


def _failed_row(task: dict, status: str, message: str, attempts: int) -> dict:
    return {"index": task["index"], "variant": task["key"], "status": status, "codes": status.upper(),
            "message": message, "model": task["model"], "hash": "", "machine": task["machine"] or "",
            "material": task["material"] or "", "attempts": attempts}


def plan(sweep: Sweep) -> list[dict[str, Any]]:
    """Every variant's job, with its folder id (reads every material and parameter set: bad input fails
    here, before any folder is made)."""
    mark = digest(sweep)
    return [_task(sweep, v, mark) for v in sweep.variants()]


def iter_batch(sweep: Sweep, out: str | Path, *, workers: int | None = None, dask: str | None = None,
               time_limit: float | None = None, retry_errors: bool = False,
               progress: Progress | None = None) -> Iterator[dict[str, Any]]:
    """Run a sweep into ``out``, yielding each variant's row as it finishes (reused ones first, marked
    ``reused: True``).

    Args:
        workers: worker processes (default: all cores); ``0`` runs in this process (no isolation:
            for debugging).
        dask: ``"local"`` for a Dask LocalCluster, or a scheduler address (``tcp://host:8786``).
        time_limit: seconds a variant may take; its worker is stopped and the row says ``timeout``
            (process pool only: Dask cannot stop a running task, so the two are refused together).
        retry_errors: run again the variants a previous run left as ``error``, ``timeout`` or ``killed``.
        progress: ``callback(done, total, row)`` after each variant.

    Raises (before any work): ParameterError / ParamsFileError (bad options or input), OutputError
    (folder not writable), SchedulerError (Dask scheduler unreachable).
    """
    yield from _run(sweep, out, workers, dask, time_limit, retry_errors, progress)


def _run(sweep: Sweep, out: str | Path, workers: int | None, dask: str | None, time_limit: float | None,
         retry_errors: bool, progress: Progress | None,
         finish: Callable[[list[dict], Path], None] | None = None) -> Iterator[dict[str, Any]]:
    """:func:`iter_batch`'s work; ``finish(tasks, out)`` runs once the folder exists, however the run ends."""
    _check_options(workers, dask, time_limit)
    tasks = plan(sweep)
    cluster = _Dask(dask, workers) if dask else None  # an unreachable scheduler fails before any folder is made
    try:
        out = prepare_out(out)
        try:
            yield from _iter_tasks(tasks, out, workers, cluster, time_limit, retry_errors, progress)
        finally:
            if finish is not None:
                finish(tasks, out)
    finally:
        if cluster is not None:
            cluster.close()


def _check_options(workers: int | None, dask: str | None, time_limit: float | None) -> None:
    if time_limit is not None and not time_limit > 0:
        raise ParameterError(f"--time-limit {time_limit}: give a positive number of seconds")
    if workers is not None and workers < 0:
        raise ParameterError(f"--workers {workers}: give 0 (in this process) or more")
    if dask and time_limit is not None:
        raise ParameterError("--time-limit works on the process pool only: Dask cannot stop a running task; "
                             "drop --time-limit or --dask")


def _iter_tasks(tasks: list[dict], out: Path, workers: int | None, dask: _Dask | None, time_limit: float | None,
                retry_errors: bool, progress: Progress | None) -> Iterator[dict[str, Any]]:
    total, done = len(tasks), 0
    todo: dict[str, list[dict]] = {}  # variants with the same parameters share one folder and one run
    for task in tasks:
        row = read_row(out / "variants" / task["key"])
        redo = row is None or row.get("digest") != task["digest"] or \
            (retry_errors and row["status"] in ("error", "timeout", "killed"))
        if redo:
            todo.setdefault(task["key"], []).append(task)
            continue
        done += 1
        row = {**row, "index": task["index"], "reused": True}
        if progress:
            progress(done, total, row)
        yield row
    if not todo:
        return
    first = [same[0] for same in todo.values()]
    if dask:
        results = dask.run(first)
    elif workers == 0:
        results = _run_here(first)
    else:
        results = _run_pool(first, workers or os.cpu_count() or 1, time_limit)
    for task, row, files in results:
        row = _store(out, task, row, files)
        for same in todo[task["key"]]:
            done += 1
            row = {**row, "index": same["index"]}
            if progress:
                progress(done, total, row)
            yield row


def _run_here(todo: list[dict]) -> Iterator[tuple[dict, dict, dict]]:
    from .worker import run_variant, warm_up

    warm_up()
    for task in todo:
        row, files = run_variant(task)
        yield task, {**row, "attempts": 1}, files


def _run_pool(todo: list[dict], workers: int, time_limit: float | None) -> Iterator[tuple[dict, dict, dict]]:
    from .pool import WorkerPool

    by_key = {t["key"]: t for t in todo}
    with WorkerPool(WORKER, min(workers, len(todo)), time_limit=time_limit, preload=[PRELOAD],
                    retries=ATTEMPTS - 1) as pool:
        for event in pool.run((t["key"], (t,)) for t in todo):
            task = by_key[event.key]
            if event.kind == "done":
                row, files = event.result
                yield task, {**row, "attempts": event.attempts}, files
            elif event.kind == "timeout":
                yield task, _failed_row(task, "timeout", f"stopped after {time_limit:g} s (--time-limit)",
                                        event.attempts), {}
            else:
                yield task, _failed_row(task, "killed", f"its worker process died {event.attempts} times (exit code "
                                        f"{event.exitcode}): out of memory, or a crash in a native library",
                                        event.attempts), {}


class _Dask:
    """A Dask client: a LocalCluster for ``"local"`` (a killed worker's task retried once), or a running
    scheduler's address (its own ``allowed-failures`` setting decides retries there)."""

    def __init__(self, address: str, workers: int | None):
        from parametric._optional import require

        distributed = require("dask.distributed", "dask")
        import dask

        self.cluster = None
        if address == "local":
            with dask.config.set({"distributed.scheduler.allowed-failures": ATTEMPTS - 1}):
                self.cluster = distributed.LocalCluster(n_workers=workers or os.cpu_count() or 1,
                                                        threads_per_worker=1, processes=True, dashboard_address=":0")
            self.client = distributed.Client(self.cluster)
        else:
            try:
                self.client = distributed.Client(address, timeout=CONNECT_TIMEOUT)
            except (OSError, TimeoutError) as exc:
                raise SchedulerError(f"cannot reach the Dask scheduler at {address} ({exc}); start one (`dask "
                                     "scheduler`, then `dask worker ADDRESS` on each machine) or use --dask local"
                                     ) from None
        from ._dask_warm import WarmUp

        self.client.register_plugin(WarmUp())  # every worker warm before its first variant, as on the pool

    def run(self, todo: list[dict]) -> Iterator[tuple[dict, dict, dict]]:
        """Submit every variant; yield ``(task, row, files)`` as they complete."""
        from distributed import KilledWorker, as_completed

        from .worker import run_variant

        futures = {self.client.submit(run_variant, t, key=f"d4d-{t['key']}-{t['digest']}", pure=False): t
                   for t in todo}
        for future in as_completed(futures):
            task = futures.pop(future)
            try:
                row, files = future.result()
                yield task, {**row, "attempts": 1}, files
            except KilledWorker as exc:
                yield task, _failed_row(task, "killed", f"its Dask worker died while running it ({exc})",
                                        ATTEMPTS), {}
            except Exception as exc:  # the task itself never raises: this is the cluster's failure
                yield task, _failed_row(task, "error", f"{type(exc).__name__}: {exc}", 1), {}
            future.release()

    def close(self) -> None:
        """Disconnect (and stop the LocalCluster); a running cluster's workers keep no plugin of ours (a
        worker joining it later need not have d4d installed)."""
        if self.cluster is None:
            from ._dask_warm import WarmUp

            try:
                self.client.unregister_worker_plugin(WarmUp.name)
            except Exception:  # noqa: BLE001 (the scheduler gone or the plugin already removed: nothing to undo)
                pass
        self.client.close()
        if self.cluster is not None:
            self.cluster.close()


def collect(sweep: Sweep, out: str | Path, tasks: list[dict] | None = None) -> list[dict[str, Any]]:
    """The rows of a sweep's variants that are on disk, in sweep order (the table is rebuilt from these)."""
    out = Path(out)
    rows = []
    for task in plan(sweep) if tasks is None else tasks:
        row = read_row(out / "variants" / task["key"])
        if row is not None and row.get("digest") == task["digest"]:
            rows.append({**row, "index": task["index"]})
    return rows


def write_results(sweep: Sweep, out: str | Path, rows: list[dict[str, Any]] | None = None) -> list[Path]:
    """Write ``results.csv``, ``batch.json`` and the gallery ``index.html`` from what is on disk."""
    out = Path(out)
    rows = collect(sweep, out) if rows is None else rows
    summary = summarise(rows)
    atomic_write_bytes(out / "results.csv", table_bytes(rows))
    info = {"d4d": __version__, "model": sweep.model, "source": sweep.source, "variants": len(sweep),
            "outputs": list(sweep.outputs), "options": sweep.options, "summary": summary}
    atomic_write_bytes(out / "batch.json", (json.dumps(info, indent=1) + "\n").encode())
    written = [out / "results.csv", out / "batch.json"]
    from ..gallery import write_gallery

    write_gallery(rows, out / "index.html", title=f"{get_model(sweep.model).title or sweep.model}: "
                  f"{len(sweep)} variants")
    return written + [out / "index.html"]


def run_batch(sweep: Sweep, out: str | Path, *, workers: int | None = None, dask: str | None = None,
              time_limit: float | None = None, retry_errors: bool = False,
              progress: Progress | None = None) -> BatchResult:
    """Run a sweep (see :func:`iter_batch` for the options) and write the results table and gallery.

    On Ctrl-C or any interruption the table is still rebuilt from the variants that finished.
    """
    done: dict[str, Any] = {}

    def finish(tasks: list[dict], folder: Path) -> None:
        done["out"], done["rows"] = folder, collect(sweep, folder, tasks)
        done["files"] = write_results(sweep, folder, done["rows"])

    reused = ran = 0
    with closing(_run(sweep, out, workers, dask, time_limit, retry_errors, progress, finish)) as rows:
        for row in rows:
            reused += bool(row.get("reused"))
            ran += not row.get("reused")
    return BatchResult(done["out"], done["rows"], summarise(done["rows"]), reused, ran, done["files"])
