"""Both cores on one strip: two compression workers that share the best layout between epochs.

Two independent seeds (the old way to use two cores) throw one search's work away. Here each
worker process runs strip compression (:class:`.compress.Compressor`) with its own seed for one
epoch; then a worker that stalled (no shorter layout in that epoch) starts the next epoch from
the shortest layout either found, while one that got shorter keeps its own (each keeps its own
shrink step). A success on either core thus rescues the other, and two workers that both make
progress keep exploring different layouts (sharing the best with both every epoch measured
worse: both settled on the same layout of jakobs1 at 0.915). Epochs end on the clock, so this is
for time-bounded runs; ``max_rounds`` runs stay single-process and reproducible.

The workers are forked after the variants are built (and the kernels compiled), so they inherit
them instead of receiving them pickled.
"""

from __future__ import annotations

import multiprocessing as mp
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor

from .compress import FIRST_STEP, Compressor, StripState, _placed

#: seconds per epoch, at most (a success is shared at the next epoch's start)
EPOCH = 2.0
#: (variants, part index per item, strip height, pinned obstacles) for the forked workers
_JOB: tuple | None = None


def _work(state: StripState, deadline: float, seed: int, step: float) -> tuple[StripState, float, int, int]:
    """One epoch in a worker: compress ``state`` until ``deadline`` from ``step``; returns the best
    layout, the step reached, and the separator iterations and attempts spent."""
    variants, parts, height, fixed = _JOB
    comp = Compressor(variants, parts, height, seed, fixed)
    best = comp.run(state, deadline, step=step)
    return best, comp.step, comp.iterations, comp.attempts


def compress_shared(engine, sheet: list, deadline: float, seed: int, workers: int = 2,
                    progress: Callable[[float], None] | None = None, stats: dict | None = None) -> list:
    """Shorten the used length of ``sheet`` (the engine's only sheet, on its box height) by strip
    compression on ``workers`` processes, a stalled one taking the best layout after each epoch
    (:data:`EPOCH` seconds); ``progress`` and ``stats`` as :func:`.compress.compress_last_sheet`."""
    global _JOB
    if len(sheet) < 2:
        return sheet
    began = time.monotonic()
    k = 0
    box = engine.sheet_box(k, 1, None)
    last = sorted(sheet, key=lambda p: p[0])
    parts, height, fixed = [engine.items[p[0]] for p in last], float(box[3] - box[1]), engine.obstacles(k)
    best = Compressor(engine.v, parts, height, seed, fixed).state(last)
    steps = [FIRST_STEP] * workers
    starts = [best] * workers
    iterations = attempts = epoch = 0
    _JOB = (engine.v, parts, height, fixed)
    try:
        with ProcessPoolExecutor(workers, mp_context=mp.get_context("fork")) as pool:
            while time.monotonic() < deadline - 0.05:
                end = min(deadline, time.monotonic() + EPOCH)
                runs = [pool.submit(_work, starts[w], end, seed + 7919 * epoch + w, steps[w]) for w in range(workers)]
                results = [r.result() for r in runs]
                epoch += 1
                steps = [r[1] for r in results]
                iterations += sum(r[2] for r in results)
                attempts += sum(r[3] for r in results)
                shortest = min((r[0] for r in results), key=lambda s: s.length(engine.v))
                if shortest.length(engine.v) < best.length(engine.v):
                    best = shortest
                    if progress:
                        progress(best.length(engine.v))
                # a worker that got shorter keeps its own layout (diversity); a stalled one takes the best
                starts = [r[0] if r[0].length(engine.v) < starts[w].length(engine.v) else best
                          for w, r in enumerate(results)]
    finally:
        _JOB = None
    if stats is not None:
        stats.update(iterations=iterations, attempts=attempts, epochs=epoch, seconds=time.monotonic() - began)
    return _placed(last, best)
