"""One strip search on two worker processes sharing their best layout (``fabrication/nesting/parallel.py``)."""

from __future__ import annotations

import pytest
from shapely.geometry import Polygon, box

from fabrication.nesting import NestPart, nest_strip, validate

PARTS = [NestPart("tri", Polygon([(0, 0), (60, 0), (10, 45)]), 6), NestPart("bar", box(0, 0, 70, 18), 5),
         NestPart("l", box(0, 0, 40, 40).difference(box(15, 15, 40, 40)), 4)]


def test_a_shared_search_returns_a_valid_layout_no_longer_than_its_construction():
    result = nest_strip(PARTS, 120.0, time_limit=4.0, seed=1, workers=2)
    assert validate.problems(result, spacing=0.0, margin=0.0) == []
    assert result.used_length <= result.history[0][2] + 1e-9
    assert result.stats["epochs"] >= 1 and result.stats["attempts"] >= 1
    assert sum(len(s.placements) for s in result.sheets) == sum(p.quantity for p in PARTS)


def test_a_run_bounded_by_rounds_stays_single_process_and_reproducible():
    one = nest_strip(PARTS, 120.0, time_limit=120.0, seed=2, max_rounds=3)
    two = nest_strip(PARTS, 120.0, time_limit=120.0, seed=2, max_rounds=3, workers=2)
    assert [(p.part_id, p.instance, p.x, p.y, p.rotation) for p in one.sheets[0].placements] == \
        [(p.part_id, p.instance, p.x, p.y, p.rotation) for p in two.sheets[0].placements]
    assert "epochs" not in two.stats


def test_a_stalled_worker_keeps_its_own_layout_until_adopt_after_epochs_then_takes_the_best():
    from fabrication.nesting.parallel import next_starts

    own, best = ["a", "b"], "best"
    # adopt at once (the old rule): the stalled worker takes the best, the one that got shorter keeps its own
    assert next_starts(own, [True, False], [0, 0], best, 1) == (["a", "best"], [0, 1])
    # after three stalled epochs: the first two keep their own layout, the third takes the best
    starts, stalled = next_starts(own, [False, False], [0, 0], best, 3)
    assert (starts, stalled) == (["a", "b"], [1, 1])
    starts, stalled = next_starts(own, [False, True], stalled, best, 3)
    assert (starts, stalled) == (["a", "b"], [2, 0])
    starts, stalled = next_starts(own, [False, False], stalled, best, 3)
    assert (starts, stalled) == (["best", "b"], [3, 1])
    with pytest.raises(ValueError, match="1 or more"):
        next_starts(own, [False, False], [0, 0], best, 0)
