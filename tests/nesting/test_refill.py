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


def test_an_order_of_interlocking_ribs_needs_a_sheet_fewer_with_the_refill():
    """The furniture bar's order (4 slice chairs and a table): the sheet search (a round budget, no
    refill) sets the chairs' ribs side by side on 4 sheets; the refill, at its fixed work a strip,
    strip-packs them turned into each other, on 3."""
    from d4d_cad.order import OrderLine, combine
    from fabrication.layout import grain_rotations
    from parametric.registry import get_model

    flat = combine([(OrderLine(m, c), get_model(m).design().parts) for m, c in (("slice_chair", 4), ("table", 1))])
    parts = [NestPart(p.name, p.outline, p.quantity, grain_rotations(p)) for p in flat]
    searched = nest(parts, [SHEET], spacing=10.0, margin=15.0, time_limit=600, max_rounds=60)
    assert len(searched.sheets) == 4 and not searched.stats.get("refilled")
    filled = refill(parts, SHEET, 10.0, 15.0, time.monotonic() + 600, 0, api.REFILL_ITERATIONS)
    result = as_result(parts, filled)
    assert validate.problems(result, spacing=10.0, margin=15.0) == []
    assert len(filled) == 3


def test_on_a_time_budget_nest_keeps_a_refill_with_fewer_sheets_and_only_then(monkeypatch):
    """The wiring: above the area bound the refill runs on the time left, with its fixed work a strip,
    and its sheets replace the search's when they are fewer; not when they are not, and never on a
    round budget. A stand-in refill returns the sheets: what is tested is the choice, not a layout
    (the real refill's layouts are checked above)."""
    parts = [NestPart("a", box(0, 0, 800, 500), 6, (0.0,))]
    plain = nest(parts, [SHEET], spacing=10.0, margin=15.0, time_limit=1.0, max_rounds=4)
    assert len(plain.sheets) == 2
    calls = []

    def fake(parts_, stock, spacing, margin, deadline, seed, iterations):
        calls.append(iterations)
        return fewer

    fewer = [([Placement("a", k, 15.0, 15.0, 0.0) for k in range(6)], 815.0)]
    monkeypatch.setattr(api, "refill", fake)
    kept = nest(parts, [SHEET], spacing=10.0, margin=15.0, time_limit=1.0)
    assert calls == [api.REFILL_ITERATIONS] and kept.stats["refilled"] and len(kept.sheets) == 1
    fewer = [([], 0.0), ([], 0.0)]
    not_kept = nest(parts, [SHEET], spacing=10.0, margin=15.0, time_limit=1.0)
    assert len(not_kept.sheets) == 2 and not not_kept.stats.get("refilled")
    calls.clear()
    nest(parts, [SHEET], spacing=10.0, margin=15.0, time_limit=1.0, max_rounds=4)
    assert calls == []  # a round budget never refills
