"""Construction and improvement: first-fit bottom-left construction, then ruin-and-recreate.

The state is a list of sheets, each a list of ``(item, variant, x, y)`` where ``(x, y)`` is the
variant's local origin in usable-sheet coordinates. The objective is lexicographic: fewest
sheets, then the shortest used length (largest x) on the last sheet. Improvement repeatedly
removes the parts that stick out past a shorter target length (plus a few random neighbours) and
re-inserts them bottom-left; a success becomes the new best. Bounded by a time limit (anytime).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable

import numpy as np

from . import _kernels as K
from ._construct import best_position
from ._grid import cell_size
from .prepare import Variants, variant_area

Placed = tuple[int, int, float, float]  # item, variant, x, y


class Engine:
    """Search over layouts of ``items`` (part index per demanded instance) on containers ``boxes``."""

    def __init__(self, variants: Variants, items: list[int], boxes: list[np.ndarray], limit: int | None,
                 samples: int = 60, seed: int = 0, fixed: list[list[tuple[int, float, float]]] | None = None,
                 grid: bool = True):
        self.v = variants
        self.items = items
        self.boxes = boxes          # usable box per sheet type: [x0, y0, x1, y1]
        self.fixed = fixed or [[] for _ in boxes]  # pinned obstacles per sheet type (remnants)
        self.limit = limit          # max sheets (None = unlimited)
        self.samples = samples
        self.rng = np.random.default_rng(seed)
        K.seed(seed)
        self.area = np.array([0.0] * len(items))
        self._variant_area = variant_area(variants)
        #: area each item takes on a sheet: its inflated shape (convex pieces, holes excluded; any variant)
        self.taken = self._variant_area[np.array([variants.by_part[p][0] for p in items], dtype=np.int64)]
        # broad-phase grid cell (mm) from the demanded variants; 0 = scan every placed item
        used = np.concatenate([variants.by_part[p] for p in set(items)]) if items else np.zeros(0, dtype=np.int64)
        self.cell = cell_size(variants.size[used]) if grid else 0.0

    def capacity(self, k: int) -> float:
        """Area sheet k offers its items (mm^2): its usable box less its pinned obstacles' shapes."""
        b = self.boxes[min(k, len(self.boxes) - 1)]
        blocked = sum(float(self._variant_area[f[0]]) for f in self.obstacles(k))
        return float((b[2] - b[0]) * (b[3] - b[1])) - blocked

    def sheet_bound(self) -> int:
        """Fewest sheets any layout of the engine can use: the items' inflated shapes may touch but never
        overlap and stay inside the usable boxes, so no sheet holds more than its :meth:`capacity` of
        :attr:`taken` area (less 1e-9 of it, so round-off never raises the bound)."""
        most = max(self.capacity(k) for k in range(len(self.boxes)))
        return max(1, math.ceil(float(self.taken.sum()) / most - 1e-9)) if most > 0 else 1

    def obstacles(self, k: int) -> list[tuple[int, float, float]]:
        """The pinned obstacles ``(variant, x, y)`` of sheet k (empty unless it is a remnant)."""
        return self.fixed[min(k, len(self.fixed) - 1)]

    def _insert(self, item: int, sheet: list[Placed], box: np.ndarray, k: int) -> Placed | None:
        fixed = self.obstacles(k)
        n = len(sheet) + len(fixed)
        pv = np.array([p[1] for p in sheet] + [f[0] for f in fixed], dtype=np.int64)
        px = np.array([p[2] for p in sheet] + [f[1] for f in fixed], dtype=np.float64)
        py = np.array([p[3] for p in sheet] + [f[2] for f in fixed], dtype=np.float64)
        variants = self.v.by_part[self.items[item]]
        v, x, y, _ = best_position(self.v.geo, variants, box, pv, px, py, n, self.samples, K.EPS, self.cell)
        return None if v < 0 else (item, int(v), float(x), float(y))

    def place_all(self, order: list[int], sheets: list[list[Placed]], last_x1: float | None = None,
                  max_sheets: int | None = None) -> bool:
        """First-fit: each item onto the first sheet it fits (the last one's box cut at ``last_x1``)."""
        cap = self.limit if max_sheets is None else max_sheets
        for item in order:
            done = False
            for k, sheet in enumerate(sheets):
                box = self.sheet_box(k, len(sheets), last_x1)
                got = self._insert(item, sheet, box, k)
                if got is not None:
                    sheet.append(got)
                    done = True
                    break
            while not done:  # open sheets (an offcut the item does not fit stays empty) until it fits
                if cap is not None and len(sheets) >= cap:
                    return False
                sheets.append([])
                k = len(sheets) - 1
                got = self._insert(item, sheets[-1], self.sheet_box(k, len(sheets), None), k)
                if got is not None:
                    sheets[-1].append(got)
                    done = True
                elif k >= len(self.boxes) - 1:
                    return False  # not even the repeating last sheet type takes it
        return True

    def sheet_box(self, k: int, n: int, last_x1: float | None = None) -> np.ndarray:
        """The usable box of sheet k of n (the last one cut at ``last_x1``)."""
        box = self.boxes[min(k, len(self.boxes) - 1)].copy()
        if last_x1 is not None and k == n - 1:
            box[2] = min(box[2], last_x1)
        return box

    def used_length(self, sheet: list[Placed]) -> float:
        """Largest x reached on a sheet (usable coordinates)."""
        return max((x + self.v.size[v, 0] for _, v, x, _ in sheet), default=0.0)

    def objective(self, sheets: list[list[Placed]]) -> tuple[int, float]:
        """(sheet count, used length of the last sheet)."""
        return len(sheets), self.used_length(sheets[-1]) if sheets else 0.0

    def construct(self, order: list[int]) -> list[list[Placed]]:
        """One first-fit bottom-left pass in the given order."""
        sheets: list[list[Placed]] = []
        if not self.place_all(order, sheets):
            raise RuntimeError("construction failed")
        return sheets

    def improve(self, sheets: list[list[Placed]], deadline: float, lower_bound: int,
                progress: Callable[[float, tuple], None] | None = None,
                order: list[int] | None = None, max_rounds: int | None = None) -> list[list[Placed]]:
        """Alternate order hill-climbing (rebuild with two items swapped) and ruin-and-recreate of
        the last sheet's right end, until the deadline; returns the best layout found."""
        best, best_obj = sheets, self.objective(sheets)
        best_order = list(order) if order is not None else [p[0] for s in sheets for p in s]
        shrink, fails, rounds = 0.02, 0, 0
        while time.monotonic() < deadline and best and (max_rounds is None or rounds < max_rounds):
            rounds += 1
            if rounds % 2 == 0 and len(best_order) > 1:
                trial_order = list(best_order)
                i, j = self.rng.choice(len(trial_order), size=2, replace=False)
                trial_order[i], trial_order[j] = trial_order[j], trial_order[i]
                trial = []
                if self.place_all(trial_order, trial):
                    obj = self.objective(trial)
                    if obj <= best_obj:
                        if obj < best_obj and progress:
                            progress(time.monotonic(), obj)
                        best, best_obj, best_order = trial, obj, trial_order
                continue
            trial = [list(s) for s in best]
            n, length = best_obj
            emptying = n > lower_bound and fails % 3 == 0
            if emptying:
                removed = trial.pop()
                target_x1, cap = None, n - 1
            else:
                target_x1, cap = length * (1 - shrink), n
                last = trial[-1]
                removed = [p for p in last if p[2] + self.v.size[p[1], 0] > target_x1 + 1e-9]
                trial[-1] = [p for p in last if p not in removed]
            extra = self._neighbours(trial, target_x1)
            for k, p in extra:
                if p in trial[k]:
                    trial[k].remove(p)
                    removed.append(p)
            order = sorted({p[0] for p in removed}, key=lambda i: -self.area[i] * (0.8 + 0.4 * self.rng.random()))
            while emptying and trial and not trial[-1]:  # only trailing sheets go: sheet k keeps its stock type
                trial.pop()
            if trial and self.place_all(order, trial, target_x1, cap):
                obj = self.objective(trial)
                if obj < best_obj:
                    best, best_obj, fails = trial, obj, 0
                    if progress:
                        progress(time.monotonic(), best_obj)
                    continue
            fails += 1
            shrink = max(0.0015, 0.02 * 0.5 ** (fails // 12))
            if fails > 120:
                fails, shrink = 0, 0.01
        return best

    def _neighbours(self, sheets: list[list[Placed]], x1: float | None) -> list[tuple[int, Placed]]:
        """A few random items to move as well (near the cut line of the last sheet, or anywhere)."""
        pool = [(k, p) for k, s in enumerate(sheets) for p in s]
        if not pool:
            return []
        if x1 is not None:
            near = [(k, p) for k, p in pool if k == len(sheets) - 1 and p[2] + self.v.size[p[1], 0] > 0.7 * x1]
            pool = near or pool
        count = min(len(pool), int(self.rng.integers(1, 4)))
        picks = self.rng.choice(len(pool), size=count, replace=False)
        return [pool[i] for i in picks]
