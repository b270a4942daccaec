"""Warms every Dask worker before its first variant, as the pool's forkserver does its workers
(:mod:`._preload`): imports and numba kernels loaded once per worker process, at the start of a run,
not in the middle of a variant. Imported only when a run uses Dask."""

from __future__ import annotations

from distributed.diagnostics.plugin import WorkerPlugin


class WarmUp(WorkerPlugin):
    """Calls :func:`.worker.warm_up` on each worker as it joins (those running now, and later ones)."""

    name = "d4d-warm-up"

    def setup(self, worker) -> None:
        """Load the pipeline's modules and kernels in this worker process."""
        from .worker import warm_up

        warm_up()
