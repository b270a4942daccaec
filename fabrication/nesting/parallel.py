"""Both cores on one strip: two search workers that share the best layout between epochs.

Two independent seeds (the old way to use two cores) throw one search's work away. Here each
worker process runs the search with its own seed for one epoch (the exploration phase of
``explore.py`` for the first ``EXPLORE_SHARE`` of the time, its pool and the length the pool
is for carried from epoch to epoch; then compression, :class:`.compress.Compressor`, with small
steps); then a worker that stalled (no shorter layout in that epoch) starts the next epoch from
the shortest layout either found, while one that got shorter keeps its own (each keeps its own
compression step). A success on either core thus rescues the other, and two workers that both make
progress keep exploring different layouts (sharing the best with both every epoch measured
worse: both settled on the same layout of jakobs1 at 0.915; letting a stalled worker keep its own
layout for three epochs before it takes the best, :data:`ADOPT_AFTER`, was level: seeds 20-27 in
the headline mode, shapes0 0.941 against 0.945 and swim 0.944 against 0.940 of best-known; see
:func:`next_starts`). Epochs end on the clock, so this is for time-bounded runs; ``max_rounds``
runs stay single-process and reproducible.

The workers are forked after the variants are built (and the kernels compiled), so they inherit
them instead of receiving them pickled.
"""

from __future__ import annotations

import multiprocessing as mp
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor

from .compress import FIRST_STEP, LAST_STEP, Compressor, StripState, _placed
from .explore import (
    COMPRESS_LAST,
    COMPRESS_RESET,
    COMPRESS_STEP,
    EXPLORE_SHARE,
    Explorer,
    check_share,
)

#: seconds per epoch, at most (a success is shared at the next epoch's start)
EPOCH = 2.0
#: epochs in a row without a shorter layout of its own before a worker takes the best layout
ADOPT_AFTER = 1
#: (variants, part index per item, strip height, pinned obstacles, goal) for the forked workers
_JOB: tuple | None = None


def _work(state: StripState, deadline: float, seed: int, step: float, explore: tuple | None,
          fine: bool) -> tuple[StripState, float, int, int, tuple | None]:
    """One epoch in a worker: explore (when ``explore`` carries the worker's exploration state:
    pool entries, target length, disruptions; exploration's step is ``explore.STEP``) or compress
    ``state`` until ``deadline`` from ``step`` (with the small steps that follow exploration when
    ``fine``); returns the best layout, the compression step reached, the separator iterations and
    attempts spent, and the exploration state to resume from (None when compressing)."""
    variants, parts, height, fixed, goal = _JOB
    comp = Compressor(variants, parts, height, seed, fixed)
    comp.goal = goal
    if explore is None:
        steps = (COMPRESS_LAST, COMPRESS_RESET) if fine else (LAST_STEP, FIRST_STEP / 2)
        best = comp.run(state, deadline, step=step, last_step=steps[0], reset=steps[1])
        return best, comp.step, comp.iterations, comp.attempts, None
    ex = Explorer(comp)
    ex.pool.entries, ex.target, ex.disruptions = explore
    best = ex.run(state, deadline)
    return best, step, comp.iterations, comp.attempts, (ex.pool.entries, ex.target, ex.disruptions)


def next_starts(own: list, shorter: list[bool], stalled: list[int], best, adopt_after: int) -> tuple[list, list[int]]:
    """Where each worker starts its next epoch: from ``own[w]``, the best layout it reached, when it
    got shorter in this epoch or has stalled (``stalled[w]`` epochs in a row, this one counted)
    fewer than ``adopt_after`` epochs; else from ``best``, the shortest layout either found.
    Returns the starts and the stalled counts after this epoch."""
    if adopt_after < 1:
        raise ValueError(f"a worker takes the best layout after 1 or more stalled epochs, not {adopt_after}")
    counts = [0 if got else n + 1 for got, n in zip(shorter, stalled)]
    return [o if got or n < adopt_after else best for o, got, n in zip(own, shorter, counts)], counts


def compress_shared(engine, sheet: list, deadline: float, seed: int, workers: int = 2,
                    progress: Callable[[float], None] | None = None, stats: dict | None = None,
                    share: float = EXPLORE_SHARE, goal: float | None = None) -> list:
    """Shorten the used length of ``sheet`` (the engine's only sheet, on its box height) on
    ``workers`` processes: exploration (``explore.py``, each worker keeping its own pool across
    epochs) for ``share`` of the time, then compression with small steps; after each epoch
    (:data:`EPOCH` seconds) a stalled worker takes the best layout. ``progress`` and ``stats`` as
    :func:`.compress.compress_last_sheet` (plus ``epochs`` and ``disruptions``); ``share`` 0
    compresses only, with compression's own steps; the search ends once the used length is at
    most ``goal`` (the engine's mm; None: never)."""
    global _JOB
    check_share(share)
    if len(sheet) < 2:
        return sheet
    began = time.monotonic()
    k = 0
    box = engine.sheet_box(k, 1, None)
    last = sorted(sheet, key=lambda p: p[0])
    parts, height, fixed = [engine.items[p[0]] for p in last], float(box[3] - box[1]), engine.obstacles(k)
    best = Compressor(engine.v, parts, height, seed, fixed).state(last)
    # compression's step per worker (exploration's is explore.STEP): COMPRESS_STEP once exploration ends
    steps = [FIRST_STEP] * workers
    starts = [best] * workers
    explored: list[tuple | None] = [([], 0.0, 0) if share > 0 else None for _ in range(workers)]
    split = began + share * (deadline - began)
    iterations = attempts = epoch = disruptions = 0
    stalled = [0] * workers
    _JOB = (engine.v, parts, height, fixed, goal)
    try:
        with ProcessPoolExecutor(workers, mp_context=mp.get_context("fork")) as pool:
            while time.monotonic() < deadline - 0.05 and (goal is None or best.length(engine.v) > goal):
                now = time.monotonic()
                if now >= split and explored[0] is not None:  # the compression phase begins
                    disruptions = sum(e[2] for e in explored)
                    explored, steps = [None] * workers, [COMPRESS_STEP] * workers
                end = min(split if now < split else deadline, now + EPOCH)
                runs = [pool.submit(_work, starts[w], end, seed + 7919 * epoch + w, steps[w], explored[w], share > 0)
                        for w in range(workers)]
                results = [r.result() for r in runs]
                epoch += 1
                steps = [r[1] for r in results]
                explored = [r[4] for r in results]
                iterations += sum(r[2] for r in results)
                attempts += sum(r[3] for r in results)
                shortest = min((r[0] for r in results), key=lambda s: s.length(engine.v))
                if shortest.length(engine.v) < best.length(engine.v):
                    best = shortest
                    if progress:
                        progress(best.length(engine.v))
                # a worker that got shorter keeps its own layout (diversity); a stalled one takes the best
                shorter = [r[0].length(engine.v) < starts[w].length(engine.v) for w, r in enumerate(results)]
                starts, stalled = next_starts([r[0] for r in results], shorter, stalled, best, ADOPT_AFTER)
    finally:
        _JOB = None
    if stats is not None:
        if explored[0] is not None:
            disruptions = sum(e[2] for e in explored)
        stats.update(iterations=iterations, attempts=attempts, epochs=epoch, disruptions=disruptions,
                     seconds=time.monotonic() - began)
    return _placed(last, best)
