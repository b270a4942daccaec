"""The public nesting API: ``nest()`` onto sheets, ``nest_strip()`` for strip packing."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from shapely import affinity
from shapely.geometry import Polygon

from parametric.errors import FabricationError

from .compress import MAX_ITERATIONS, compress_last_sheet, drop_last_sheet
from .explore import EXPLORE_SHARE, explore_and_compress
from .outline import inflation
from .prepare import (
    NestPart,
    Stock,
    Variants,
    add_obstacles,
    build_variants,
    check_fits,
    check_inputs,
)
from .refill import refill
from .search import Engine

#: on a time budget, the share the sheet search gets when the sheets are above the area bound and
#: :func:`refill.refill` (sheets filled one at a time by strip packing) may take the rest (ours: on
#: the furniture bar's order a refill with 300 iterations a strip took 3 s); a round budget runs its
#: rounds first and refills in the time they leave
REFILL_SHARE = 0.4
#: separator iterations of each strip packing of the refill (a fixed work: the same seed gives the
#: same sheets when the time limit does not cut the refill short); with a round budget, this many a
#: round up to that (ours: 60 rounds, an export's, refill in full; a quick sweep's 2 rounds do not
#: spend a second on a refill of each chair above the bound)
REFILL_ITERATIONS, REFILL_ITERATIONS_PER_ROUND = 300, 5
#: with a round budget, an attempt to empty the last sheet gets this many separator iterations per
#: round, up to ``compress.MAX_ITERATIONS`` (ours: a quick budget does not spend a second on a sheet
#: that rarely empties; at 6 rounds and more the attempt is as long as with a time budget)
DROP_ITERATIONS_PER_ROUND = 20


@dataclass(frozen=True)
class Placement:
    """One placed instance: rotate the part's polygon by ``rotation`` degrees about its local
    origin (after mirroring in x if ``mirrored``), then translate by ``(x, y)`` (sheet mm)."""

    part_id: str
    instance: int
    x: float
    y: float
    rotation: float
    mirrored: bool = False

    def polygon(self, part: NestPart) -> Polygon:
        """The placed polygon in sheet coordinates."""
        shape = affinity.scale(part.polygon, -1.0, 1.0, origin=(0, 0)) if self.mirrored else part.polygon
        shape = affinity.rotate(shape, self.rotation, origin=(0, 0)) if self.rotation else shape
        return affinity.translate(shape, self.x, self.y)


@dataclass
class SheetResult:
    """The placements on one sheet of a stock type."""

    stock: Stock
    placements: list[Placement]
    utilisation: float
    used_length: float


@dataclass
class NestResult:
    """A layout: sheets in order, the time it took, and the parts by id (for polygons)."""

    sheets: list[SheetResult]
    parts: dict[str, NestPart]
    elapsed: float = 0.0
    history: list[tuple[float, int, float]] = field(default_factory=list)
    #: where the time went: ``construct_s`` (the bottom-left pass), ``first_feasible_s`` (from the
    #: call to the first legal layout), for sheets ``sheet_bound`` (:meth:`.search.Engine.sheet_bound`:
    #: no layout of the packer uses fewer sheets), ``refill`` (how :func:`.refill.refill` ended, when it
    #: ran: "fewer sheets", "no fewer sheets" or "out of time") and ``refilled`` (True when the sheets
    #: come from it), and for strips the compression's ``iterations``, ``attempts`` and ``seconds``
    stats: dict = field(default_factory=dict)

    def placed_polygons(self, sheet: int) -> list[tuple[Placement, Polygon]]:
        """Every placement on sheet ``sheet`` with its polygon in sheet coordinates."""
        return [(p, p.polygon(self.parts[p.part_id])) for p in self.sheets[sheet].placements]

    @property
    def used_length(self) -> float:
        """Used length (largest x) of the last sheet."""
        return self.sheets[-1].used_length if self.sheets else 0.0


def _result(sheets, parts: list[NestPart], seq: list[Stock], variants: Variants,
            items: list[tuple[int, int]], inset: float, elapsed: float) -> NestResult:
    """Placements in sheet coordinates; an offcut nothing fitted on is left out."""
    out = []
    by_id = {p.id: p for p in parts}
    right: dict[int, float] = {}  # per variant: the right edge of its part turned as placed, at x = 0
    for k, sheet in enumerate(sheets):
        if not sheet:
            continue
        st = seq[min(k, len(seq) - 1)]
        placements, used = [], 0.0
        for item, v, x, y in sheet:
            pi, inst = items[item]
            ox, oy = variants.offset[v]
            placed = Placement(parts[pi].id, inst, x + inset - ox, y + inset - oy, variants.rotation[v],
                               variants.mirrored[v])
            if v not in right:
                right[v] = _right_edge(parts[pi], placed.rotation, placed.mirrored)
            placements.append(placed)
            used = max(used, right[v] + placed.x)  # a shift moves every x alike: the placed polygon's bound
        area = sum(parts[items[i][0]].polygon.area for i, *_ in sheet)
        out.append(SheetResult(st, placements, area / st.area, used))
    return NestResult(out, by_id, elapsed)


def _right_edge(part: NestPart, rotation: float, mirrored: bool) -> float:
    """The largest x of ``part`` turned as a placement turns it (at x = 0). A quarter turn is read
    off the bounds: shapely turns by exact 0 / +-1 cosines there (it rounds the tiny ones to 0), so
    the value is the same to the bit as the turned polygon's, without turning a detailed outline."""
    minx, miny, maxx, maxy = part.polygon.bounds
    quarter = {0.0: maxx, 90.0: -miny, 180.0: -minx, 270.0: maxy} if not mirrored else \
        {0.0: -minx, 90.0: -miny, 180.0: maxx, 270.0: maxy}
    if rotation in quarter:  # only these: shapely's cosine of 450 degrees is 3e-16, not 0
        return quarter[rotation]
    return Placement(part.id, 0, 0.0, 0.0, rotation, mirrored).polygon(part).bounds[2]


def sheet_sequence(stock: list[Stock]) -> list[Stock]:
    """The stock sheet by sheet: each type repeated ``count`` times, in order; a type with no count
    (unlimited) ends the sequence and repeats for every further sheet."""
    seq: list[Stock] = []
    for s in stock:
        if s.count is None:
            seq.append(s)
            break
        seq.extend([s] * s.count)
    return seq


def _improve(engine: Engine, sheets, start: float, time_limit: float, lower: int, seed: int, order: list[int],
             max_rounds: int | None, tick: Callable[[float, tuple], None]):
    """The improvement phases: 40 % order hill-climbing and ruin-and-recreate, then (until 75 %)
    attempts to empty the last sheet into the others with the separator while the sheet count is
    above the area bound, then strip compression of the last sheet. With ``max_rounds`` the
    phases are bounded by work (rounds, one emptying attempt per 10 rounds (1 to 3) of at most
    :data:`DROP_ITERATIONS_PER_ROUND` separator iterations per round, rounds / 4
    compression attempts, none below 4 rounds, each attempt at most ``compress.MAX_ITERATIONS`` separator
    iterations) instead of by their share of the time."""
    end = start + time_limit
    timed = max_rounds is None

    def until(share: float) -> float:
        return start + share * time_limit if timed else end

    sheets = engine.improve(sheets, until(0.4), lower, tick, order, max_rounds)
    tries, most = 0, (3 if timed else min(3, max(1, max_rounds // 10)))
    while len(sheets) > lower and time.monotonic() < until(0.75) and (timed or tries < most):
        tries += 1
        fewer = drop_last_sheet(engine, sheets, until(0.75), seed + tries,
                                MAX_ITERATIONS if timed else min(MAX_ITERATIONS, DROP_ITERATIONS_PER_ROUND * max_rounds))
        if fewer is not None:
            sheets = fewer
            tick(time.monotonic(), engine.objective(sheets))
    count, attempts = len(sheets), (None if timed else max_rounds // 4)
    if attempts == 0:  # fewer than 4 rounds: the sheets are final, the last one's used length is left as built
        return sheets
    return compress_last_sheet(engine, sheets, end, seed, attempts, lambda used: tick(time.monotonic(), (count, used)))


def _engine(parts: list[NestPart], items: list[tuple[int, int]], variants: Variants, boxes: list[np.ndarray],
            limit: int | None, samples: int, seed: int, fixed=None) -> tuple[Engine, list[int]]:
    """The search engine for these items, and the construction order (largest area first)."""
    engine = Engine(variants, [pi for pi, _ in items], boxes, limit, samples=samples, seed=seed, fixed=fixed)
    engine.area = np.array([parts[pi].polygon.area for pi, _ in items])
    return engine, sorted(range(len(items)), key=lambda i: (-engine.area[i], i))


def nest(parts: list[NestPart], stock: list[Stock], *, spacing: float = 10.0, margin: float = 15.0,
         time_limit: float = 5.0, seed: int = 0, samples: int = 60, improve: bool = True,
         max_rounds: int | None = None, progress: Callable[[float, int, float], None] | None = None) -> NestResult:
    """Nest parts onto sheets: fewest sheets first, then the shortest used length on the last sheet.

    Above the area bound on one unlimited sheet type, a refill (:func:`.refill.refill`: each sheet
    filled by strip packing) follows the sheet search and is kept when it needs fewer sheets: on a
    time budget (no ``max_rounds``) it gets all but :data:`REFILL_SHARE` of the time, on a round
    budget the time the rounds leave.

    Args:
        parts: polygons with quantities and allowed rotations.
        stock: sheet types, used in order (the last type repeats when counts allow).
        spacing: minimum gap between parts (mm); margin: minimum gap to the sheet edge (mm).
        time_limit: seconds for the improvement phase (anytime: the best so far is returned).
        seed: random seed; the same seed and the same ``max_rounds`` give the same layout (when the
            time limit does not cut the search short first).
        max_rounds: stop after this many improvement rounds (deterministic work budget).
        progress: called with ``(elapsed_s, sheets, used_length)`` on every improvement.

    Raises:
        FabricationError: invalid polygons, no stock, or a part that fits no sheet (named, with sizes).
    """
    start = time.monotonic()
    check_inputs(parts, stock)
    items = [(pi, k) for pi, p in enumerate(parts) for k in range(p.quantity)]
    if not items:
        return NestResult([], {p.id: p for p in parts})
    if margin < spacing / 2:
        raise FabricationError(f"the edge margin ({margin:g} mm) must be at least half the spacing ({spacing:g} mm)")
    seq = sheet_sequence(stock)
    if not seq:
        raise FabricationError("every stock type has a count of 0: give at least one sheet to nest on")
    variants = build_variants(parts, spacing)
    check_fits(parts, variants, stock, margin, spacing)
    inset = margin - spacing / 2
    boxes = [np.array([0.0, 0.0, s.width - 2 * inset, s.height - 2 * inset]) for s in seq]
    obstacles = {id(s): add_obstacles(variants, s, inset) for s in stock}
    limit = None if seq[-1].count is None else len(seq)
    engine, order = _engine(parts, items, variants, boxes, limit, samples, seed, [obstacles[id(s)] for s in seq])
    began = time.monotonic()
    try:
        sheets = engine.construct(order)
    except RuntimeError:
        raise FabricationError(f"the parts need more sheets than the stock has ({limit}); add stock") from None
    stats = {"construct_s": time.monotonic() - began, "first_feasible_s": time.monotonic() - start}
    lower = stats["sheet_bound"] = engine.sheet_bound()
    first = engine.objective(sheets)
    history = [(time.monotonic() - start, first[0], first[1] + inset - inflation(spacing))]
    # a refill on one unlimited plain sheet type; a round budget (bundles, batch) keeps its rounds and
    # refills in the time they leave (a fixed work a strip: reproducible when the time limit allows it)
    refillable = len(sheets) > lower and len(seq) == 1 and seq[0].count is None and seq[0].shape is None
    if improve and time_limit > 0:
        def tick(now, obj):  # the engine measures in the inset box of inflated parts: report sheet mm
            count, used = obj[0], obj[1] + inset - inflation(spacing)
            history.append((now - start, count, used))
            if progress:
                progress(now - start, count, used)

        share = REFILL_SHARE if refillable and max_rounds is None else 1.0
        sheets = _improve(engine, sheets, start, share * time_limit, lower, seed, order, max_rounds, tick)
    result = _result(sheets, parts, seq, variants, items, inset, time.monotonic() - start)
    if improve and time_limit > 0 and len(result.sheets) > lower and refillable:
        work = REFILL_ITERATIONS if max_rounds is None else min(REFILL_ITERATIONS, REFILL_ITERATIONS_PER_ROUND * max_rounds)
        filled = refill(parts, seq[0], spacing, margin, start + time_limit, seed, work, at_most=len(result.sheets) - 1)
        fewer = filled is not None and 0 < len(filled) < len(result.sheets)
        stats["refill"] = "out of time" if filled is None else "fewer sheets" if fewer else "no fewer sheets"
        if fewer:
            area = {p.id: p.polygon.area for p in parts}
            result = NestResult([SheetResult(seq[0], placed, sum(area[q.part_id] for q in placed) / seq[0].area, used)
                                 for placed, used in filled], result.parts, time.monotonic() - start)
            stats["refilled"] = True
            tick(time.monotonic(), (len(filled), filled[-1][1] - inset + inflation(spacing)))
    result.history = history
    result.stats = stats
    return result


def nest_strip(parts: list[NestPart], height: float, *, time_limit: float = 10.0, seed: int = 0,
               spacing: float = 0.0, samples: int = 300, improve: bool = True, max_rounds: int | None = None,
               progress: Callable[[float, int, float], None] | None = None, workers: int = 1,
               explore: float = EXPLORE_SHARE, max_iterations: int | None = None,
               goal: float | None = None) -> NestResult:
    """Strip packing: a strip of fixed ``height``, minimise the used length (touching allowed).

    A bottom-left construction (``samples`` random placements per item, more than for sheets),
    then strip compression (``compress.py``: shrink, let parts overlap, separate them again)
    until ``time_limit``; ``max_rounds`` bounds the compression attempts for reproducible runs.
    The first ``explore`` share of the time (or of ``max_rounds``) is the exploration phase
    (``explore.py``: failed layouts kept in a pool and disrupted); 0 compresses only.
    ``max_iterations`` bounds the improvement by separator iterations instead (a fixed work
    budget: the same seed gives the same layout whatever the machine's load, when the time limit
    does not cut it short first; with ``max_rounds`` too, whichever ends first).
    ``workers > 1`` (time-bounded runs only) searches on that many processes sharing their best
    layout (``parallel.py``). With a ``goal`` (mm) the search ends as soon as the used length is
    at most that (when only whether the parts fit in a length matters).
    """
    if max_iterations is not None and max_iterations < 0:
        raise ValueError(f"max_iterations is a number of separator iterations, 0 or more, not {max_iterations}")
    start = time.monotonic()
    check_inputs(parts, [Stock(1.0, height, 1, "strip")])
    items = [(pi, k) for pi, p in enumerate(parts) for k in range(p.quantity)]
    if not items:
        return NestResult([], {p.id: p for p in parts})
    variants = build_variants(parts, spacing)
    # long enough for every part in a row at its widest turn, as grown for the spacing (a mitred
    # corner reaches beyond half the spacing): the length never decides what fits
    length = sum(float(variants.size[variants.by_part[pi], 0].max()) * p.quantity for pi, p in enumerate(parts)) + 1.0
    stock = [Stock(length, height, 1, "strip")]
    check_fits(parts, variants, stock, spacing / 2, spacing)
    engine, order = _engine(parts, items, variants, [np.array([0.0, 0.0, length, height])], 1, samples, seed)
    began = time.monotonic()
    sheet = engine.construct(order)[0]
    now = time.monotonic()
    stats = {"construct_s": now - began, "first_feasible_s": now - start}
    history = [(now - start, 1, engine.used_length(sheet))]
    # the engine's strip holds the parts grown by at least inflation(spacing): a grown part within
    # goal + inflation leaves the part itself within the goal
    reach = None if goal is None else goal + inflation(spacing)
    if improve and time_limit > 0:
        def tick(used):
            history.append((time.monotonic() - start, 1, used))
            if progress:
                progress(time.monotonic() - start, 1, used)

        if workers > 1 and max_rounds is None and max_iterations is None:
            from .parallel import compress_shared

            sheet = compress_shared(engine, sheet, start + time_limit, seed, workers, tick, stats, explore, reach)
        else:
            sheet = explore_and_compress(engine, [sheet], start + time_limit, seed, max_rounds, tick, stats,
                                         explore, max_iterations, reach)[0]
    result = _result([sheet], parts, stock, variants, items, 0.0, time.monotonic() - start)
    result.history = history
    result.stats = stats
    return result
