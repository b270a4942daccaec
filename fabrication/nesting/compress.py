"""Strip compression: shrink the strip, let parts overlap, and separate them again (sparrow-style).

Starting from a feasible layout of length L, each attempt cuts the strip at a random x, slides
everything right of the cut left by ``step * L`` and asks the separator (``_separate.py``) to
drive the overlap to zero: iterations of moving colliding items, guided local search weights,
roll-back to the least-overlapping state after a run of iterations without a new best, and a
strike per roll-back. A success becomes the new best (and the next, shorter, target); a failure
halves the step. Bounded by a deadline and, for reproducible runs, a number of attempts; one
attempt is bounded by MAX_ITERATIONS separator iterations, so a small job always ends quickly.

At scale the work per attempt stays local: with more than WINDOW_ITEMS free items, only the
WINDOW_ITEMS items nearest the cut (and any that collide) may move, and they sample spots in the
window of the strip they span (plus one part's width each side); every other item is a pinned
obstacle. Overlap appears only along the cut, so the window is where the separator has work to
do, and an attempt costs about the same on 50 items as on 400 (the broad-phase grid keeps each
score local too).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from . import _kernels as K
from . import _separate as S
from ._grid import cell_size
from .prepare import Variants

#: iterations without a new least overlap before a roll-back (sparrow: 200 exploring, 100 compressing)
NO_IMPROVE = 60
#: roll-backs before an attempt is given up (sparrow: 3 exploring, 5 compressing)
STRIKES = 3
#: samples per move: across the container and around the item (sparrow: 50 and 25)
N_CONTAINER, N_FOCUS = 50, 25
#: first shrink step and the smallest one, as fractions of the length
FIRST_STEP, LAST_STEP = 0.01, 0.001
#: after a success the step grows by this factor, up to MAX_STEP (ours: the easy early shrinks go fast)
GROW, MAX_STEP = 1.5, 0.05
#: separator iterations per attempt, at most: a success mostly comes within a few dozen, and a failure
#: would otherwise run NO_IMPROVE x STRIKES iterations or more (a 2 % gain resets both counters)
MAX_ITERATIONS = 120
#: free items beyond which an attempt works on a window of this many items around the cut
WINDOW_ITEMS = 60
#: without a bound on attempts, this many successes in a row that leave the length as it was end
#: the shrinking: a strip as short as its widest part (every shrink clips the parts back, needs no
#: separator iteration and "succeeds") would otherwise go on until the deadline (ours)
STALLED_SUCCESSES = 100


@dataclass
class StripState:
    """A layout in a strip: variant, x, y per item (local origins, strip coordinates); the items
    from ``n_free`` on are pinned obstacles (a remnant's missing corners), never moved."""

    var: np.ndarray
    x: np.ndarray
    y: np.ndarray
    n_free: int | None = None

    def copy(self) -> StripState:
        """An independent copy."""
        return StripState(self.var.copy(), self.x.copy(), self.y.copy(), self.n_free)

    def length(self, v: Variants) -> float:
        """Used length: the largest right edge of a free item."""
        k = len(self.x) if self.n_free is None else self.n_free
        return float((self.x[:k] + v.size[self.var[:k], 0]).max()) if k else 0.0


class Compressor:
    """Separator-driven strip shrinking for items ``parts[k]`` (part index per item) of height ``height``."""

    def __init__(self, v: Variants, parts: list[int], height: float, seed: int = 0,
                 fixed: list[tuple[int, float, float]] = ()):
        self.v = v
        self.height = height
        self.fixed = list(fixed)
        self.rng = np.random.default_rng(seed)
        K.seed(seed)
        rows = [v.by_part[p] for p in parts] + [np.array([f[0]]) for f in self.fixed]
        self.pinned = np.array([False] * len(parts) + [True] * len(self.fixed))
        self.n_allowed = np.array([len(r) for r in rows], dtype=np.int64)
        self.allowed = np.zeros((len(rows), max(self.n_allowed, default=1)), dtype=np.int64)
        for k, r in enumerate(rows):
            self.allowed[k, :len(r)] = r
        self.cell = cell_size(v.size[np.unique(self.allowed)]) if len(rows) else 1.0
        self.iterations = 0
        self.attempts = 0
        self.window_items = WINDOW_ITEMS
        self.cut: float | None = None
        self.max_iterations = MAX_ITERATIONS
        self.step = FIRST_STEP
        self.loss = 0.0
        #: separator iterations this compressor may run in all (None: unbounded); a fixed work budget
        self.budget: int | None = None
        #: a used length (strip mm, of the grown parts) short enough: the shrinking stops at it (None: never)
        self.goal: float | None = None

    def spent(self) -> bool:
        """True once the separator iterations reached ``budget`` (never without a budget)."""
        return self.budget is not None and self.iterations >= self.budget

    def reached(self, state: StripState) -> bool:
        """True when ``state`` is as short as the :attr:`goal` (never without a goal)."""
        return self.goal is not None and state.length(self.v) <= self.goal

    def separate(self, state: StripState, length: float, deadline: float, near: float | None = None) -> bool:
        """Drive the overlap of ``state`` in a strip of ``length`` to zero (in place); True on success.
        On failure ``state`` is left as the least-overlapping layout seen, its total overlap in
        ``self.loss`` (0 after a success). With ``near`` (an x, mm) and more than ``window_items``
        free items, only the items nearest it and the colliding ones move, within the strip window
        they span."""
        n = len(state.x)
        geo = self.v.geo
        ov = S.overlap_matrix(geo, state.var, state.x, state.y, n, K.EPS, self.cell)
        total = ov.sum() / 2
        self.loss = 0.0
        if total == 0.0:
            return True
        pinned, window = self._window(state, ov, length, near)
        w = np.ones((n, n))
        best, best_total, stale, strikes, done = state.copy(), total, 0, 0, 0
        while time.monotonic() < deadline and done < self.max_iterations and not self.spent():
            total = S.sep_iteration(geo, self.allowed, self.n_allowed, pinned, state.var, state.x, state.y, n,
                                    w, ov, window, self.height, K.EPS, N_CONTAINER, N_FOCUS, self.cell)
            self.iterations += 1
            done += 1
            if total == 0.0:
                return True
            if total < best_total:
                if total < 0.98 * best_total:
                    stale, strikes = 0, 0
                best, best_total = state.copy(), total
            else:
                stale += 1
            if stale >= NO_IMPROVE:
                strikes += 1
                state.var[:], state.x[:], state.y[:] = best.var, best.x, best.y
                if strikes >= STRIKES:
                    break
                stale = 0
                ov = S.overlap_matrix(geo, state.var, state.x, state.y, n, K.EPS, self.cell)
        state.var[:], state.x[:], state.y[:] = best.var, best.x, best.y
        self.loss = float(best_total)
        return False

    def _window(self, state: StripState, ov: np.ndarray, length: float, near: float | None):
        """Which items are pinned, and the ``[x0, x1, length]`` window the free ones sample in."""
        pinned = self.pinned.copy()
        free = np.flatnonzero(~pinned)
        if near is None or len(free) <= self.window_items:
            return pinned, np.array([0.0, length, length])
        size = self.v.size
        centre = state.x[free] + size[state.var[free], 0] / 2
        chosen = free[np.argsort(np.abs(centre - near), kind="stable")[:self.window_items]]
        movable = np.zeros(len(pinned), dtype=bool)
        movable[chosen] = True
        movable |= (ov > 0.0).any(axis=1) & ~self.pinned
        pinned = ~movable
        widths = size[state.var[movable], 0]
        pad = float(widths.max())  # one part's width beyond the movable span: the gaps beside it count
        x0 = float(state.x[movable].min()) - pad
        x1 = float((state.x[movable] + widths).max()) + pad
        return pinned, np.array([max(x0, 0.0), min(x1, length), length])

    def shrink(self, state: StripState, step: float) -> tuple[StripState, float]:
        """A copy of ``state`` in a strip ``step`` shorter: parts right of a random cut slide left
        (the cut is kept in ``self.cut``)."""
        size = self.v.size
        length = state.length(self.v)
        target = length * (1.0 - step)
        out = state.copy()
        free = ~self.pinned
        cut = self.rng.uniform(0.0, length)
        self.cut = cut - (length - target) / 2
        centre = out.x + size[out.var, 0] / 2
        out.x[free & (centre > cut)] -= length - target
        out.x[free] = np.clip(out.x[free], 0.0, np.maximum(target - size[out.var[free], 0], 0.0))
        return out, target

    def state(self, sheet: list[tuple[int, int, float, float]]) -> StripState:
        """The state of a sheet's placements ``(item, variant, x, y)``, with the pinned obstacles appended."""
        rows = [(v, x, y) for _, v, x, y in sheet] + self.fixed
        return StripState(np.array([r[0] for r in rows], dtype=np.int64), np.array([r[1] for r in rows], dtype=float),
                          np.array([r[2] for r in rows], dtype=float), len(sheet))

    def run(self, state: StripState, deadline: float, max_attempts: int | None = None,
            progress: Callable[[float], None] | None = None, step: float = FIRST_STEP,
            last_step: float = LAST_STEP, reset: float = FIRST_STEP / 2) -> StripState:
        """Shrink and separate until the deadline (or ``max_attempts``, or the ``budget`` of
        iterations), from a shrink ``step``; returns the shortest legal layout (the step reached is
        left in ``self.step``). A failure halves the step; below ``last_step`` it starts again at
        ``reset``. On a windowed strip
        the step is a fraction of the window, not of the whole length (the window's items alone
        absorb the shrink)."""
        best, attempts, stalled = state.copy(), 0, 0
        n_free = int((~self.pinned).sum())
        share = min(1.0, self.window_items / max(n_free, 1))
        while time.monotonic() < deadline and (max_attempts is None or attempts < max_attempts) and not self.spent():
            if max_attempts is None and stalled >= STALLED_SUCCESSES or self.reached(best):
                break
            attempts += 1
            self.attempts += 1
            trial, target = self.shrink(best, step * share)
            if self.separate(trial, target, deadline, self.cut):
                stalled = stalled + 1 if trial.length(self.v) >= best.length(self.v) else 0
                best = trial
                step = min(step * GROW, MAX_STEP)
                if progress:
                    progress(best.length(self.v))
            else:
                step = step / 2 if step / 2 >= last_step else reset
        self.step = step
        return best


def _placed(sheet, state: StripState) -> list[tuple[int, int, float, float]]:
    """The free items of ``state`` as placements (pinned obstacles dropped)."""
    return [(p[0], int(v), float(x), float(y)) for p, v, x, y in zip(sheet, state.var, state.x, state.y)]


def last_sheet_compressor(engine, sheets: list, seed: int) -> tuple[list, Compressor]:
    """The last sheet's placements (by item) and a compressor for them, its box height the strip."""
    k = len(sheets) - 1
    box = engine.sheet_box(k, len(sheets), None)
    last = sorted(sheets[-1], key=lambda p: p[0])
    comp = Compressor(engine.v, [engine.items[p[0]] for p in last], float(box[3] - box[1]), seed, engine.obstacles(k))
    return last, comp


def compress_last_sheet(engine, sheets: list, deadline: float, seed: int, max_attempts: int | None = None,
                        progress: Callable[[float], None] | None = None, stats: dict | None = None,
                        iterations: int | None = None, goal: float | None = None) -> list:
    """Shorten the used length of the last sheet by strip compression (its box height is the strip);
    ``progress(used_length)`` hears of every shorter layout; ``stats`` (if given) receives the
    separator ``iterations``, the ``attempts`` and the ``seconds`` spent. ``iterations`` bounds the
    separator iterations in all (a fixed work budget; None: no bound); the shrinking stops once
    the used length is at most ``goal`` (the engine's mm; None: never)."""
    if not sheets or len(sheets[-1]) < 2:
        return sheets
    began = time.monotonic()
    last, comp = last_sheet_compressor(engine, sheets, seed)
    comp.budget, comp.goal = iterations, goal
    best = comp.run(comp.state(last), deadline, max_attempts, progress)
    if stats is not None:
        stats.update(iterations=comp.iterations, attempts=comp.attempts, seconds=time.monotonic() - began)
    return [*sheets[:-1], _placed(last, best)]


def drop_last_sheet(engine, sheets: list, deadline: float, seed: int,
                    max_iterations: int = MAX_ITERATIONS) -> list | None:
    """Move the last sheet's parts onto the others, one at a time, largest first: each goes to the
    sheet with the most free area, at a random spot, and that sheet is separated (at most
    ``max_iterations`` separator iterations) before the next part comes. The layout with one sheet
    fewer, or None as soon as a part cannot be separated in before the deadline: a sheet that
    cannot take the largest part fails at once, not after every part's overlap has been fought
    over (on the nests of random chairs at 2 rounds about a quarter less separator time than all
    parts at once, with the same sheets)."""
    rng = np.random.default_rng(seed)
    rest = [sorted(s, key=lambda p: p[0]) for s in sheets[:-1]]
    boxes = [engine.sheet_box(k, len(rest), None) for k in range(len(rest))]
    free = [engine.capacity(k) - sum(engine.taken[p[0]] for p in s) for k, s in enumerate(rest)]
    moved = sorted(sheets[-1], key=lambda p: -engine.area[p[0]])
    if sum(engine.taken[p[0]] for p in moved) > sum(free):
        return None
    size = engine.v.size
    for item, *_ in moved:
        k = int(np.argmax(free))
        free[k] -= engine.taken[item]
        b = boxes[k]
        v = int(rng.choice(engine.v.by_part[engine.items[item]]))
        x = rng.uniform(0.0, max(b[2] - size[v, 0], 0.0))
        y = rng.uniform(0.0, max(b[3] - size[v, 1], 0.0))
        sheet = rest[k] + [(item, v, x, y)]
        comp = Compressor(engine.v, [engine.items[p[0]] for p in sheet], float(b[3]), seed + k, engine.obstacles(k))
        comp.max_iterations = max_iterations
        state = comp.state(sheet)
        if not comp.separate(state, float(b[2]), deadline):
            return None
        rest[k] = _placed(sheet, state)
    return rest
