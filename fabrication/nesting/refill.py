"""Sheets filled one at a time by strip packing: fewer sheets where large parts interlock.

The sheet search (``search.py``, ``compress.py``) builds every sheet bottom-left and then tries to
empty the last one into the others. Parts that only pack well when they interlock defeat it: the
construction sets them side by side, other parts fill the gaps a turned neighbour would have
taken, and no single move undoes that. In the furniture bar's order (4 slice chairs and a table)
it set the ribs upright, four in a row under the slats, on 4 sheets; four ribs turned into each
other take 1322 mm of a strip as high as the sheet, and six fit on one (``docs/nesting-measurements.md``).

:func:`refill` therefore fills each sheet by strip packing (``nest_strip``: a strip as high as the
sheet's usable box, exploration and compression, so parts do interlock): of the parts left,
largest first, the most that still pack into the sheet's width (a binary search on how many),
then the most of the smallest ones that still fit beside them (another), and the next sheet
takes the rest. Our own method; the strip packer is the sparrow-style one of this package.
"""

from __future__ import annotations

import math
import time

from .outline import inflation
from .prepare import NestPart, Stock

#: bottom-left samples per part of each strip packing (``nest_strip``'s default is 300, the sheet
#: construction's 60): the strip search that follows does the packing, the construction only starts it
SAMPLES = 60
#: the last sheet a refill may use decides it, so when its packing of all the parts left misses the width
#: by at most ``NEAR_MISS`` of it, the packing is made again with ``LAST_WORK`` times the iterations
#: (the order of 4 slice chairs and a table: ``docs/nesting-measurements.md``)
NEAR_MISS, LAST_WORK = 0.15, 10
#: refills made at most, each with other seeds, while the last sheet's packing with more work misses
#: by less than its first one did (by ``SHORTER`` of the width at least: else more work does not help,
#: as with parts that cannot fit by their shapes)
ATTEMPTS, SHORTER = 3, 0.005


def _pack(parts: list[NestPart], names: list[int], height: float, budget: float, iterations: int | None,
          seed: int, spacing: float, goal: float | None):
    """Strip-pack the parts ``names`` (indices into ``parts``, one per instance), until they are
    within ``goal`` (mm) of the strip's start (None: as short as they get) or ``iterations`` are spent."""
    from .api import nest_strip

    counts: dict[int, int] = {}
    for pi in names:
        counts[pi] = counts.get(pi, 0) + 1
    subset = [NestPart(parts[pi].id, parts[pi].polygon, c, parts[pi].rotations, parts[pi].mirror)
              for pi, c in counts.items()]
    return nest_strip(subset, height, time_limit=budget, seed=seed, spacing=spacing, max_iterations=iterations,
                      samples=SAMPLES, goal=goal)


def refill(parts: list[NestPart], stock: Stock, spacing: float, margin: float, deadline: float, seed: int,
           iterations: int, at_most: int | None = None) -> list[tuple[list, float]] | None:
    """Per sheet, the placements (``api.Placement``, sheet mm) and the used length (sheet mm) of every
    instance of ``parts`` on sheets of ``stock``, each sheet filled by strip packing; None when the
    ``deadline`` comes first, and an empty list as soon as the parts cannot go on ``at_most`` sheets
    (the sheets so far, plus the area left over a sheet's, rounded up, exceed it; or the last sheet
    it allows cannot take all the parts left: a refill that would not beat a count is cut short;
    or a part no strip as high as the sheet takes).
    Each strip packing is bounded by ``iterations`` separator iterations (a fixed work: the same
    seed gives the same sheets when the deadline does not cut it short).
    The sheets are filled in order: of the parts left, largest first, the most that strip-pack
    into the sheet's width, found by a binary search on how many; then the most of the smallest
    of the rest that still fit beside them (another binary search); the next sheet takes the rest
    (the last one ``at_most`` allows: all the parts left, in one packing, made again with
    ``LAST_WORK`` times the iterations when it misses by ``NEAR_MISS`` at most). A packing stops as
    soon as its parts fit the width, but the last sheet's is made as short as its fixed work allows.
    A refill whose last sheet missed again, but by less with the more work, is made again with other
    seeds, ``ATTEMPTS`` refills in all."""
    for attempt in range(ATTEMPTS):
        sheets, near = _fill(parts, stock, spacing, margin, deadline, seed + 7919 * attempt, iterations, at_most)
        if sheets is None or sheets or not near:
            break
    return sheets


def _fill(parts: list[NestPart], stock: Stock, spacing: float, margin: float, deadline: float, seed: int,
          iterations: int, at_most: int | None) -> tuple[list[tuple[list, float]] | None, bool]:
    """One refill (:func:`refill`) and whether another seed may make it: its last sheet missed, but
    by less with more work."""
    from .api import Placement

    inset = margin - spacing / 2
    height = stock.height - 2 * inset
    reach = stock.width - 2 * inset - inflation(spacing)  # the largest right edge a part may have, strip mm
    room = reach * height  # no more area than this fits between the strip's start and ``reach``
    area = [p.polygon.area for p in parts]
    left = sorted((pi for pi, p in enumerate(parts) for _ in range(p.quantity)), key=lambda pi: (-area[pi], pi))
    sheets, count, instance, missed = [], 0, {}, math.inf

    def pack(names: list[int], shortest: bool = False, work: int = iterations):
        """A packing of ``names`` within the sheet's width, or None (``missed``: the length it
        reached); it stops once they fit, unless ``shortest`` (the last sheet: the shorter, the larger
        the offcut left); ``work`` separator iterations at most."""
        nonlocal count, missed
        count += 1
        missed = math.inf
        if sum(area[pi] for pi in names) > room:
            return None  # more area than the sheet has: no packing can fit, none is tried
        result = _pack(parts, names, height, max(deadline - time.monotonic(), 0.0), work, seed + count,
                       spacing, None if shortest else reach)
        missed = result.used_length
        return result if result.used_length <= reach else None

    def most(base: list[int], extra: list[int], lo: int, best):
        """The largest k from lo for which ``base + extra[:k]`` strip-packs within the width (``best``,
        the packing for lo, known to fit), with its packing: a binary search, cut short by the
        deadline (then the largest found so far)."""
        hi = len(extra)
        while lo < hi and time.monotonic() < deadline:
            mid = (lo + hi + 1) // 2
            found = pack(base + extra[:mid])
            lo, hi, best = (mid, hi, found) if found is not None else (lo, mid - 1, best)
        return lo, best

    while left:
        if time.monotonic() >= deadline:
            return None, False
        if at_most is not None and len(sheets) + math.ceil(sum(area[pi] for pi in left) / room - 1e-9) > at_most:
            return [], False  # by area alone the parts left need more sheets than that
        if at_most is not None and len(sheets) == at_most - 1:  # the last sheet allowed: all the rest, or none
            best, helped = pack(left), False
            if best is None and missed <= (1 + NEAR_MISS) * reach:
                weak = missed
                best = pack(left, work=LAST_WORK * iterations)
                helped = missed < weak - SHORTER * reach  # more work got closer: other seeds may get there
            if best is None:
                return (None, False) if time.monotonic() >= deadline else ([], helped)
            take, rest = left, []
        else:
            first = pack(left[:1])
            if first is None:  # cut short by the deadline; else a part the strip cannot take (the sheet search's)
                return (None, False) if time.monotonic() >= deadline else ([], False)
            k, best = most([], left, 1, first)
            take, rest = left[:k], left[k:]
            small = rest[::-1]
            k, best = most(take, small, 0, best)
            take = take + small[:k]
            for pi in small[:k]:
                rest.remove(pi)
        if not rest:  # the last sheet: packed again for its shortest used length
            shorter = pack(take, shortest=True)
            best = shorter if shorter is not None and shorter.used_length < best.used_length else best
        placed = []
        for p in best.sheets[0].placements:
            instance[p.part_id] = instance.get(p.part_id, -1) + 1
            placed.append(Placement(p.part_id, instance[p.part_id], p.x + inset, p.y + inset, p.rotation, p.mirrored))
        sheets.append((placed, best.used_length + inset))
        left = rest
    return sheets, False
