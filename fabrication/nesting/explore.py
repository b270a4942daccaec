"""The exploration phase of strip packing: keep failed layouts in a pool, disrupt them, retry.

Compression alone (``compress.py``) throws a failed separation away and tries a smaller shrink
from the best legal layout. Exploration (after sparrow, Gardeyn & Wauters, arXiv:2509.13329,
algorithm 12; our own code) stays at the length that failed: the least-overlapping layout the
separator reached goes into a :class:`Pool` ranked by its loss (``_kernels.pair_loss``), one is picked (biased to the
least overlap) and :func:`disrupt`-ed (two large parts of different shapes swap places, carrying
the parts that sit on them), and the separator runs again at the same length. A success shrinks
the strip again and empties the pool.

The step is sparrow's: every shrink takes 0.1 % of the length (:data:`STEP`), from the
construction on, and the pool is worked from the first failure. Until the separator minimised
sparrow's loss (``_kernels.pair_loss``) instead of the plain overlap, a separation was dear (a
0.1 % shrink of swim took 18 iterations at the median) and a ramp did better: 1 % growing after
each success, halved after three failures at one length. With the loss a 0.1 % shrink takes 5,
and the two are level in the headline mode (60 s, two cores; seeds 0, 1 and 10-15, albano and
jakobs1 10-12), mean ratio to best-known: swim 0.947 against 0.939, shapes0 0.943 against 0.945,
albano 0.980 against 0.984, jakobs1 0.998 both. The simpler one stays (``docs/nesting-measurements.md``).
:func:`explore_and_compress` then hands the best legal layout to compression with small steps.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np

from . import _kernels as K
from .compress import (
    STALLED_SUCCESSES,
    Compressor,
    StripState,
    _placed,
    compress_last_sheet,
    last_sheet_compressor,
)
from .prepare import variant_area

#: share of the time (or of the attempts) given to exploration; compression gets the rest (sparrow: 80 %)
EXPLORE_SHARE = 0.8
#: the exploration shrink, a fraction of the length (sparrow's ``shrink_step``: 0.1 %)
STEP = 0.001
#: separator iterations per exploration attempt, at most (compression: ``compress.MAX_ITERATIONS``)
EXPLORE_ITERATIONS = 250
#: layouts kept in the pool, the most-overlapping dropped first (ours: sparrow keeps all)
POOL_SIZE = 16
#: the pool pick: index |N(0, POOL_STDDEV)| x pool size, so the least overlap is favoured (sparrow: 0.25)
POOL_STDDEV = 0.25
#: "large" parts: the biggest ones covering this share of the total area (sparrow: 0.75 of hull area)
LARGE_SHARE = 0.75
#: two parts have different shapes when both area and bounding-box diagonal differ by more than this
DIFFERENT = 0.01
#: compression after exploration: first step, the smallest, and the restart step (sparrow: 0.05 % -> 0.001 %)
COMPRESS_STEP, COMPRESS_LAST, COMPRESS_RESET = 0.0005, 0.00002, 0.0005


class Pool:
    """Infeasible layouts at one strip length, kept sorted by total overlap (least first)."""

    def __init__(self, size: int = POOL_SIZE):
        if size < 1:
            raise ValueError(f"a pool holds at least one layout, not {size}; give size >= 1")
        self.size = size
        self.entries: list[tuple[float, StripState]] = []

    def __len__(self) -> int:
        return len(self.entries)

    def add(self, state: StripState, loss: float) -> None:
        """Keep a copy of ``state`` with its overlap ``loss``; past ``size`` the worst one goes."""
        k = sum(1 for e in self.entries if e[0] <= loss)
        self.entries.insert(k, (loss, state.copy()))
        del self.entries[self.size:]

    def pick(self, rng: np.random.Generator) -> StripState:
        """A copy of one layout: index ``|N(0, POOL_STDDEV)|`` x size, so the least overlap is likeliest."""
        if not self.entries:
            raise ValueError("the pool is empty: add a layout before picking one")
        k = int(min(abs(rng.normal(0.0, POOL_STDDEV)), 0.999) * len(self.entries))
        return self.entries[k][1].copy()

    def clear(self) -> None:
        """Forget every layout (after a success the pool's length is no longer the target)."""
        self.entries.clear()


def large_items(area: np.ndarray, share: float = LARGE_SHARE) -> np.ndarray:
    """Indices of the items whose area is at least that of the item at which the items, largest
    first, cover ``share`` of the total area (sparrow's cut-off)."""
    order = np.argsort(-area, kind="stable")
    reach = np.cumsum(area[order])
    k = min(int(np.searchsorted(reach, share * reach[-1], side="right")), len(order) - 1)
    return np.flatnonzero(area >= area[order[k]])


def _carried(v, state: StripState, i: int, n: int) -> list[int]:
    """Items (of the first n) that sit on item i: their bounding-box centre is inside i's box and
    they overlap i, or touch it from inside (sparrow's "practically contained", by box centre)."""
    size, geo = v.size, v.geo
    x0, y0 = state.x[i], state.y[i]
    x1, y1 = x0 + size[state.var[i], 0], y0 + size[state.var[i], 1]
    cx = state.x[:n] + size[state.var[:n], 0] / 2
    cy = state.y[:n] + size[state.var[:n], 1] / 2
    inside = np.flatnonzero((cx > x0) & (cx < x1) & (cy > y0) & (cy < y1))
    return [int(k) for k in inside if k != i and K.pair_depth(geo, state.var[i], x0, y0, state.var[k], state.x[k],
                                                               state.y[k], K.EPS, True) > 0.0]


def _same_turn(v, allowed: np.ndarray, like: int) -> int | None:
    """The variant among ``allowed`` with the rotation and mirroring of variant ``like``, if any."""
    for u in allowed:
        if v.rotation[u] == v.rotation[like] and v.mirrored[u] == v.mirrored[like]:
            return int(u)
    return None


def disrupt(comp: Compressor, state: StripState, length: float, area: np.ndarray | None = None) -> tuple[int, int]:
    """Swap two large free items of different shapes in place (sparrow's disruption): each takes
    the other's bounding-box centre (and its turn, when its own part allows that turn), and the
    items sitting on each move with it by the same offset; everything moved is clamped into the
    ``length`` x strip-height box. Returns the two swapped items. ``area`` (per item) defaults to
    the placed variants' areas."""
    v, rng = comp.v, comp.rng
    n = len(state.x) if state.n_free is None else state.n_free
    if n < 2:
        raise ValueError(f"a disruption swaps two free items; this layout has {n}")
    size = v.size
    area = variant_area(v)[state.var[:n]] if area is None else area[:n]
    diag = np.hypot(size[state.var[:n], 0], size[state.var[:n], 1])
    large = large_items(area)
    i = int(rng.choice(large))
    other = [j for j in large if abs(area[j] - area[i]) > DIFFERENT * area[i] and abs(diag[j] - diag[i]) > DIFFERENT * diag[i]]
    j = int(rng.choice(other)) if other else int(rng.choice([k for k in range(n) if k != i]))
    carried = {i: _carried(v, state, i, n), j: _carried(v, state, j, n)}
    centre = {k: (state.x[k] + size[state.var[k], 0] / 2, state.y[k] + size[state.var[k], 1] / 2) for k in (i, j)}
    moved = []
    for a, b in ((i, j), (j, i)):
        turn = _same_turn(v, comp.allowed[a, :comp.n_allowed[a]], int(state.var[b]))
        if turn is not None:
            state.var[a] = turn
        nx, ny = centre[b][0] - size[state.var[a], 0] / 2, centre[b][1] - size[state.var[a], 1] / 2
        dx, dy = centre[b][0] - centre[a][0], centre[b][1] - centre[a][1]
        state.x[a], state.y[a] = nx, ny
        for k in carried[a]:
            if k not in (i, j):
                state.x[k] += dx
                state.y[k] += dy
                moved.append(k)
    moved += [i, j]
    w, h = size[state.var[moved], 0], size[state.var[moved], 1]
    state.x[moved] = np.clip(state.x[moved], 0.0, np.maximum(length - w, 0.0))
    state.y[moved] = np.clip(state.y[moved], 0.0, np.maximum(comp.height - h, 0.0))
    return i, j


class Explorer:
    """The exploration phase over a :class:`.compress.Compressor`; its pool and the length the
    pool is for carry over between calls of :meth:`run` (one per epoch on a worker, see
    ``parallel.py``)."""

    def __init__(self, comp: Compressor, step: float | None = None):
        self.comp = comp
        self.step = STEP if step is None else step  # read here, so an override of STEP counts
        self.pool = Pool()
        self.target = 0.0          # the strip length the pool's layouts are for
        self.disruptions = 0
        self.area = variant_area(comp.v)

    def run(self, state: StripState, deadline: float, max_attempts: int | None = None,
            progress: Callable[[float], None] | None = None) -> StripState:
        """Explore from the legal layout ``state`` until the deadline (or ``max_attempts``
        separations, or the compressor's ``budget`` of iterations); returns the shortest legal
        layout found. A ``state`` shorter than the pool's target (a better layout from elsewhere)
        empties the pool."""
        comp = self.comp
        best = state.copy()
        if best.length(comp.v) <= self.target:
            self.pool.clear()
        # on a windowed strip the window's items alone absorb the shrink (as in Compressor.run)
        scale = min(1.0, comp.window_items / max(int((~comp.pinned).sum()), 1))
        cap = comp.max_iterations
        comp.max_iterations = EXPLORE_ITERATIONS
        try:
            return self._explore(best, deadline, max_attempts, progress, scale)
        finally:
            comp.max_iterations = cap

    def _explore(self, best: StripState, deadline: float, max_attempts: int | None,
                 progress: Callable[[float], None] | None, scale: float) -> StripState:
        """The loop of :meth:`run`: disrupt a pool layout (after a failure), or shrink the best
        one by the step, and separate."""
        comp, attempts, stalled = self.comp, 0, 0
        while time.monotonic() < deadline and (max_attempts is None or attempts < max_attempts) and not comp.spent():
            if max_attempts is None and stalled >= STALLED_SUCCESSES or comp.reached(best):
                break  # the length no longer falls (``compress.STALLED_SUCCESSES``), or is short enough
            attempts += 1
            comp.attempts += 1
            if self.pool:
                trial = self.pool.pick(comp.rng)
                disrupt(comp, trial, self.target, self.area[trial.var])
                self.disruptions += 1
                near = None
            else:
                trial, self.target = comp.shrink(best, self.step * scale)
                near = comp.cut
            if comp.separate(trial, self.target, deadline, near):
                stalled = stalled + 1 if trial.length(comp.v) >= best.length(comp.v) else 0
                best = trial
                self.pool.clear()
                if progress:
                    progress(best.length(comp.v))
            else:
                self.pool.add(trial, comp.loss)
        return best


def check_share(share: float) -> None:
    """Refuse an exploration share outside 0..1."""
    if not 0.0 <= share <= 1.0:
        raise ValueError(f"the exploration share is a fraction of the time, 0 to 1, not {share}; give e.g. 0.8")


def explore_and_compress(engine, sheets: list, deadline: float, seed: int, max_attempts: int | None = None,
                         progress: Callable[[float], None] | None = None, stats: dict | None = None,
                         share: float = EXPLORE_SHARE, iterations: int | None = None,
                         goal: float | None = None) -> list:
    """Shorten the last sheet's used length: exploration for ``share`` of the time (or of
    ``max_attempts``, or of ``iterations``, a budget of separator iterations in all), then
    compression with small steps from the best legal layout; arguments and ``stats`` as
    :func:`.compress.compress_last_sheet` (plus ``disruptions``). ``share`` 0 is
    :func:`.compress.compress_last_sheet` itself (compression only, its larger steps). Both
    phases stop once the used length is at most ``goal`` (the engine's mm; None: never)."""
    check_share(share)
    if share == 0.0:
        return compress_last_sheet(engine, sheets, deadline, seed, max_attempts, progress, stats, iterations, goal)
    if not sheets or len(sheets[-1]) < 2:
        return sheets
    began = time.monotonic()
    last, comp = last_sheet_compressor(engine, sheets, seed)
    comp.goal = goal
    explorer = Explorer(comp)
    split, first, rest = began + share * (deadline - began), None, None
    if max_attempts is not None:
        split, first = deadline, round(share * max_attempts)
        rest = max_attempts - first
    if iterations is not None:
        split, comp.budget = deadline, round(share * iterations)
    best = explorer.run(comp.state(last), split, first, progress)
    comp.budget = iterations
    best = comp.run(best, deadline, rest, progress, COMPRESS_STEP, COMPRESS_LAST, COMPRESS_RESET)
    if stats is not None:
        stats.update(iterations=comp.iterations, attempts=comp.attempts, disruptions=explorer.disruptions,
                     seconds=time.monotonic() - began)
    return [*sheets[:-1], _placed(last, best)]
