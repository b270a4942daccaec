"""Sheets filled one at a time by strip packing (``refill.py``), and strips that cannot shrink."""

from __future__ import annotations

import time
from collections import Counter

import numpy as np
from shapely.geometry import box

from fabrication.nesting import (
    NestPart,
    NestResult,
    Placement,
    SheetResult,
    Stock,
    api,
    nest,
    nest_strip,
    validate,
)
from fabrication.nesting.compress import STALLED_SUCCESSES, Compressor, StripState
from fabrication.nesting.explore import Explorer
from fabrication.nesting.prepare import build_variants
from fabrication.nesting.refill import refill

SHEET = Stock(2440, 1220)


def as_result(parts, filled):
    """A NestResult of refill's sheets, for the independent validator."""
    area = {p.id: p.polygon.area for p in parts}
    return NestResult([SheetResult(SHEET, placed, sum(area[q.part_id] for q in placed) / SHEET.area, used)
                       for placed, used in filled], {p.id: p for p in parts})


def test_refill_places_every_instance_once_on_valid_sheets():
    parts = [NestPart("panel", box(0, 0, 1000, 500), 5, (0.0, 180.0)), NestPart("strip", box(0, 0, 600, 80), 9),
             NestPart("l", box(0, 0, 300, 300).difference(box(100, 100, 300, 300)), 4)]
    filled = refill(parts, SHEET, 10.0, 15.0, time.monotonic() + 600, 0, 200)
    result = as_result(parts, filled)
    assert validate.problems(result, spacing=10.0, margin=15.0) == []
    placed = Counter(p.part_id for sheet in result.sheets for p in sheet.placements)
    assert placed == {p.id: p.quantity for p in parts}
    instances = [(p.part_id, p.instance) for sheet in result.sheets for p in sheet.placements]
    assert len(set(instances)) == len(instances)
    assert len(filled) == 2  # 4 panels of 1000 x 500 to a sheet, the rest beside them
    for placed_, used in filled:  # the used length is the largest right edge, in sheet mm
        right = max(p.polygon(result.parts[p.part_id]).bounds[2] for p in placed_)
        assert abs(used - right) < 1e-6


def test_refill_is_reproducible_at_a_fixed_work_and_gives_up_at_the_deadline():
    parts = [NestPart("panel", box(0, 0, 1000, 500), 3), NestPart("strip", box(0, 0, 600, 80), 6)]
    runs = [refill(parts, SHEET, 10.0, 15.0, time.monotonic() + 600, 3, 100) for _ in range(2)]
    assert runs[0] == runs[1]
    assert refill(parts, SHEET, 10.0, 15.0, time.monotonic() - 1.0, 3, 100) is None


def test_a_strip_as_short_as_its_widest_part_stops_shrinking():
    """Two parts stacked at x = 0, the strip as long as they are wide: a shrink clips them back in
    place and "succeeds" without a separator iteration, so only the deadline would end it (a
    refill's strip of slats spun for its whole 600 s); without a bound on attempts, compression
    and exploration stop after STALLED_SUCCESSES successes that leave the length as it was."""
    parts = [NestPart("a", box(0, 0, 100, 50), 2, (0.0,))]
    v = build_variants(parts, 0.0)
    state = StripState(np.array([0, 0]), np.array([0.0, 0.0]), np.array([0.0, 50.0]))
    comp = Compressor(v, [0, 0], 100.0, 0)
    assert comp.run(state.copy(), time.monotonic() + 600).length(v) == 100.0
    assert comp.attempts == STALLED_SUCCESSES and comp.iterations == 0
    comp = Compressor(v, [0, 0], 100.0, 0)
    assert Explorer(comp).run(state.copy(), time.monotonic() + 600).length(v) == 100.0
    assert comp.attempts == STALLED_SUCCESSES
    strip = nest_strip([NestPart("slat", box(0, 0, 510, 50), 12)], 700.0, spacing=10.0, time_limit=600,
                       max_iterations=200)
    assert validate.problems(strip, spacing=10.0, margin=5.0) == [] and strip.stats["iterations"] <= 200


def test_an_order_of_interlocking_ribs_needs_a_sheet_fewer_with_the_refill(monkeypatch):
    """The furniture bar's order (4 slice chairs and a table): the sheet search alone sets the
    chairs' ribs side by side on 4 sheets; the refill, at its fixed work a strip, strip-packs them
    turned into each other, on 3. A round budget (bundles, batch) refills in the time its rounds
    leave, so the same seed gives the same 3 sheets."""
    from d4d_cad.order import OrderLine, combine
    from fabrication.layout import grain_rotations
    from parametric.registry import get_model

    flat = combine([(OrderLine(m, c), get_model(m).design().parts) for m, c in (("slice_chair", 4), ("table", 1))])
    parts = [NestPart(p.name, p.outline, p.quantity, grain_rotations(p)) for p in flat]
    runs = [nest(parts, [SHEET], spacing=10.0, margin=15.0, time_limit=600, max_rounds=60) for _ in range(2)]
    for run in runs:
        assert len(run.sheets) == 3 and run.stats["refilled"] and run.stats["refill"] == "fewer sheets"
        assert validate.problems(run, spacing=10.0, margin=15.0) == []
    assert [s.placements for s in runs[0].sheets] == [s.placements for s in runs[1].sheets]
    monkeypatch.setattr(api, "refill", lambda *args, **kwargs: None)
    searched = nest(parts, [SHEET], spacing=10.0, margin=15.0, time_limit=600, max_rounds=60)
    assert len(searched.sheets) == 4 and searched.stats["refill"] == "out of time"


def test_nest_keeps_a_refill_with_fewer_sheets_and_only_then(monkeypatch):
    """The wiring: above the area bound the refill runs on the time left (a time budget's share, or
    what a round budget's rounds leave), with its fixed work a strip, and its sheets replace the
    search's when they are fewer; not when they are not, nor when it runs out of time. A stand-in
    refill returns the sheets: what is tested is the choice, not a layout (the real refill's
    layouts are checked above)."""
    parts = [NestPart("a", box(0, 0, 800, 500), 6, (0.0,))]
    calls = []

    def fake(parts_, stock, spacing, margin, deadline, seed, iterations, at_most):
        calls.append((iterations, at_most))
        return fewer

    monkeypatch.setattr(api, "refill", fake)
    fewer = None
    plain = nest(parts, [SHEET], spacing=10.0, margin=15.0, time_limit=1.0, max_rounds=4)
    assert len(plain.sheets) == 2 and plain.stats["refill"] == "out of time" and not plain.stats.get("refilled")
    fewer = [([Placement("a", k, 15.0, 15.0, 0.0) for k in range(6)], 815.0)]
    for rounds, work in ((None, api.REFILL_ITERATIONS), (4, 4 * api.REFILL_ITERATIONS_PER_ROUND)):
        calls.clear()
        kept = nest(parts, [SHEET], spacing=10.0, margin=15.0, time_limit=1.0, max_rounds=rounds)
        assert calls == [(work, 1)] and kept.stats["refilled"] and len(kept.sheets) == 1  # 1: fewer than 2
        assert kept.stats["refill"] == "fewer sheets" and kept.history[-1][1] == 1
    fewer = []
    not_kept = nest(parts, [SHEET], spacing=10.0, margin=15.0, time_limit=1.0)
    assert len(not_kept.sheets) == 2 and not_kept.stats["refill"] == "no fewer sheets"
    calls.clear()
    at_bound = nest([NestPart("a", box(0, 0, 800, 500), 2, (0.0,))], [SHEET], spacing=10.0, margin=15.0,
                    time_limit=1.0, max_rounds=4)
    assert calls == [] and "refill" not in at_bound.stats  # one sheet, the bound: nothing to refill


def test_a_strip_with_a_goal_stops_once_the_parts_are_that_short():
    """``nest_strip(goal=...)``: the search ends at the first layout whose parts end within the goal
    (what a refill asks: do they fit in the sheet's width?), in fewer separator iterations than the
    same fixed work without it, and the parts themselves (not their grown shapes) end within it."""
    parts = [NestPart("l", box(0, 0, 300, 300).difference(box(100, 100, 300, 300)), 6, (0.0, 180.0)),
             NestPart("s", box(0, 0, 120, 90), 5)]
    free = nest_strip(parts, 400.0, spacing=10.0, time_limit=600, max_iterations=400, seed=2)
    first = free.history[0][2]  # the construction's used length
    goal = (first + free.used_length) / 2
    assert free.used_length < goal < first  # reachable, and not by the construction alone
    stopped = nest_strip(parts, 400.0, spacing=10.0, time_limit=600, max_iterations=400, seed=2, goal=goal)
    assert stopped.used_length <= goal and stopped.stats["iterations"] < free.stats["iterations"]
    assert validate.problems(stopped, spacing=10.0, margin=5.0) == []
    right = max(poly.bounds[2] for _, poly in stopped.placed_polygons(0))
    assert abs(right - stopped.used_length) < 1e-6
    easy = nest_strip(parts, 400.0, spacing=10.0, time_limit=600, max_iterations=400, seed=2, goal=first)
    assert easy.stats["iterations"] == 0  # the construction already ends within the goal
    shared = nest_strip(parts, 400.0, spacing=10.0, time_limit=60, seed=2, workers=2, goal=first)
    assert shared.stats["epochs"] == 0  # the two workers' search ends at the goal too


def test_the_refill_never_packs_more_area_than_a_sheet_has(monkeypatch):
    """A subset whose parts' area exceeds the sheet's usable area cannot fit: the refill's binary
    searches skip it without a strip packing."""
    from fabrication.nesting import refill as R

    tried = []
    real = R._pack

    def spy(parts_, names, *args):
        tried.append(sum(parts_[pi].polygon.area for pi in names))
        return real(parts_, names, *args)

    monkeypatch.setattr(R, "_pack", spy)
    parts = [NestPart("panel", box(0, 0, 1000, 500), 7), NestPart("strip", box(0, 0, 600, 80), 10)]
    filled = refill(parts, SHEET, 10.0, 15.0, time.monotonic() + 600, 0, 100)
    room = (SHEET.width - 20 - 5.2) * (SHEET.height - 20)  # inset 10 each side, reach less inflation(10)
    assert filled is not None and tried and max(tried) <= room


def test_a_refill_that_cannot_beat_a_count_stops_early(monkeypatch):
    """``at_most``: the refill gives up (an empty list) as soon as the parts cannot go on that many
    sheets: at once when their area alone needs more, without a packing; or when the last sheet it
    allows cannot take all the parts left: after one packing when it misses the sheet's width by
    far, after a stronger one when it misses by little (``NEAR_MISS``) and the stronger one gets no
    closer (other seeds only when it does: the next test). Within the count it fills the sheets."""
    from fabrication.nesting import refill as R

    tried = []
    real = R._pack

    def spy(*args):
        tried.append(len(args[1]))
        return real(*args)

    monkeypatch.setattr(R, "_pack", spy)
    parts = [NestPart("panel", box(0, 0, 1000, 500), 5), NestPart("strip", box(0, 0, 600, 80), 9)]
    assert refill(parts, SHEET, 10.0, 15.0, time.monotonic() + 600, 0, 100, at_most=1) == [] and tried == []
    assert refill(parts, SHEET, 10.0, 15.0, time.monotonic() + 600, 0, 100, at_most=2) != []
    tried.clear()
    wide = [NestPart("panel", box(0, 0, 1500, 650), 2, (0.0,))]  # 2 fit a sheet by area, side by side 3010 mm
    assert refill(wide, SHEET, 10.0, 15.0, time.monotonic() + 600, 0, 100, at_most=1) == [] and tried == [2]
    tried.clear()
    tight = [NestPart("panel", box(0, 0, 1250, 560), 4, (0.0,))]  # 4 fit a sheet by area, 2 by shape: 4 % too long
    assert refill(tight, SHEET, 10.0, 15.0, time.monotonic() + 600, 0, 100, at_most=1) == [] and tried == [4, 4]


def test_a_near_miss_of_the_last_sheet_gets_more_work_and_other_seeds(monkeypatch):
    """The last sheet a refill may use decides it: a packing of all the parts left that misses the
    sheet's width by ``NEAR_MISS`` at most is made again with ``LAST_WORK`` times the iterations, and
    when that gets closer without fitting, the whole refill is made again with other seeds
    (``ATTEMPTS`` in all); when more work gets no closer (parts that cannot fit by their shapes), or
    the first packing misses by far, it stops there. A stand-in packing gives the lengths."""
    from types import SimpleNamespace

    from fabrication.nesting import refill as R

    reach = SHEET.width - 20 - 5.2  # inset 10 each side, less inflation(10)
    parts = [NestPart("panel", box(0, 0, 1000, 500), 3)]
    for weak, strong, calls in [(1.05, 1.02, 2 * R.ATTEMPTS), (1.05, 1.05, 2), (1.5, 1.0, 1)]:
        tried = []

        def fake(parts_, names, height, budget, iterations, seed, spacing, goal, tried=tried, weak=weak, strong=strong):
            tried.append((iterations, seed))
            return SimpleNamespace(used_length=(strong if iterations > 100 else weak) * reach)

        monkeypatch.setattr(R, "_pack", fake)
        assert refill(parts, SHEET, 10.0, 15.0, time.monotonic() + 600, 0, 100, at_most=1) == []
        assert len(tried) == calls
        assert [w for w, _ in tried] == [100, R.LAST_WORK * 100] * (calls // 2) + [100] * (calls % 2)
        assert len({s for _, s in tried}) == calls  # every packing with a seed of its own
