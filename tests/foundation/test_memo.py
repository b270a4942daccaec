"""Per-object memos: a value is made once per live object and forgotten when the object goes."""

from __future__ import annotations

import gc

import shapely
from shapely.geometry import box

from parametric.memo import ObjectMemo, wkb
from parametric.part import FlatPart, clean_outline


def test_a_value_is_made_once_per_live_object_and_dropped_with_it():
    memo, made = ObjectMemo(), []

    def make(g):
        made.append(g.area)  # the value, not the object: nothing else keeps the objects alive
        return g.area

    a, b = box(0, 0, 2, 3), box(0, 0, 2, 3)  # equal, but two objects
    assert memo.get(a, make) == memo.get(a, make) == 6.0 and len(made) == 1
    assert memo.get(b, make) == 6.0 and len(made) == 2
    assert memo.peek(a) == 6.0 and memo.peek(box(0, 0, 1, 1), "none") == "none"
    made.clear()
    del a, b
    gc.collect()
    assert len(memo) == 0  # nothing outlives its object
    for k in range(50):  # ids are reused by new objects: never the old object's value
        g = box(0, 0, k + 1, 1)
        assert memo.get(g, make) == k + 1
        del g
    assert len(memo) == 0


def test_wkb_is_the_geometrys_own():
    g = box(0, 0, 10, 5).difference(box(2, 2, 3, 3))
    assert wkb(g) == g.wkb == shapely.to_wkb(g) and wkb(g) is wkb(g)


def test_a_clean_outline_is_kept_and_a_dirty_one_is_oriented():
    cw = shapely.geometry.polygon.orient(box(0, 0, 10, 5), -1.0)
    clean = clean_outline(cw)
    assert clean is not cw and clean.exterior.is_ccw
    assert clean_outline(clean) is clean
    part = FlatPart("p", clean, 6.0)
    assert part.outline is clean and FlatPart("q", part.outline, 6.0).outline is clean
