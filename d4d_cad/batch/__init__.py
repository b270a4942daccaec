"""Batch runs: every variant of a sweep becomes a checked, nested, ready-to-cut folder or bundle.

Python API::

    from d4d_cad.batch import load_sweep, iter_batch, run_batch

    sweep = load_sweep("samples/sweep_slice_chair.yaml")
    for row in iter_batch(sweep, "out/sweep"):      # rows as variants finish
        print(row["variant"], row["status"], row.get("cost"))
    result = run_batch(sweep, "out/sweep")          # the same, then results.csv + index.html;
    print(result.summary)                           # a rerun reuses every finished variant

Modules: :mod:`.sweep` (sweep files, counted before expanded), :mod:`.worker` (one variant: the
``d4d export`` pipeline), :mod:`.pool` (processes that survive a killed worker), :mod:`.runner`
(resume, execution on the pool or Dask, the results folder), :mod:`.results` (rows and the table).
"""

from .results import STATUSES, comparable, summarise, write_table
from .runner import BatchResult, SchedulerError, collect, iter_batch, run_batch, write_results
from .sweep import (
    DEFAULT_MAX_VARIANTS,
    DEFAULT_OUTPUTS,
    OUTPUTS,
    Sweep,
    SweepTooLargeError,
    Variant,
    load_sweep,
    parse_sweep,
    read_rows,
)

__all__ = ["BatchResult", "DEFAULT_MAX_VARIANTS", "DEFAULT_OUTPUTS", "OUTPUTS", "STATUSES", "SchedulerError",
           "Sweep", "SweepTooLargeError", "Variant", "collect", "comparable", "iter_batch", "load_sweep",
           "parse_sweep", "read_rows", "run_batch", "summarise", "write_results", "write_table"]
