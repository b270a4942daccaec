"""Label placement: the largest single-stroke label (:mod:`fabrication.lettering`) that fits a part, at
its pole of inaccessibility or a fallback point, 0 or 90 degrees, its strokes kept a margin clear of
every cut; or none when not even the smallest fits (:func:`place_label`)."""

from __future__ import annotations

import bisect
import functools
import math
from typing import NamedTuple

import numpy as np
import shapely
from shapely import affinity
from shapely.geometry import Point, Polygon, box
from shapely.ops import polylabel

from parametric.memo import wkb

from ._label_kernel import touch_heights
from .lettering import text_size

#: outlines whose label spots are remembered (equal parts are labelled once)
CACHE_SIZE = 256
#: smallest label cap height worth engraving (mm; ours)
MIN_LABEL_HEIGHT = 3.0
#: clearance between label strokes and any cut: Ponoko wants >= 1 mm between elements
#: (fabrication-reference.md 2, minimum features); grows with the text as :data:`MARGIN_SHARE` x height
LABEL_MARGIN = 1.0
#: the margin's share of the cap height once that exceeds :data:`LABEL_MARGIN` (ours)
MARGIN_SHARE = 0.2
#: a height of the search this close (mm) to the solved largest one (:func:`_top_heights`, exact but
#: for rounding: ~1e-13 mm) is decided by shapely's containment test instead
TIE_MM = 1e-7
#: heights tried per step of the label size search (:func:`place_label`): two steps of 24 find the
#: largest label to (max - min) / 23^2, 0.03 mm between 3 and 20 mm
LABEL_STEPS = 24


class Label(NamedTuple):
    """A label placed in part-local mm: text centred on ``(x, y)``, cap height, turned ``angle`` degrees;
    ``back``: engraved on the part's back face (drawn mirrored, see :mod:`fabrication.faces`)."""

    text: str
    x: float
    y: float
    height: float
    angle: float = 0.0
    back: bool = False


def label_box(label: Label, grow: float = 0.0) -> Polygon:
    """The rectangle the label's strokes occupy (part-local mm), grown by ``grow`` on every side (what
    a mitred buffer of it would give)."""
    w, h = text_size(label.text, label.height)
    w, h = w + 2 * grow, h + 2 * grow
    rect = box(label.x - w / 2, label.y - h / 2, label.x + w / 2, label.y + h / 2)
    return affinity.rotate(rect, label.angle, origin=(label.x, label.y)) if label.angle else rect


def label_margin(height):
    """Clearance kept between a label of cap height ``height`` and the cuts (mm; a height or an array)."""
    return np.maximum(LABEL_MARGIN, MARGIN_SHARE * np.asarray(height, dtype=float))


def place_label(outline: Polygon, text: str, max_height: float = 20.0,
                min_height: float = MIN_LABEL_HEIGHT) -> Label | None:
    """The largest label (0 or 90 degrees, at the pole of inaccessibility or a fallback point) whose
    strokes stay :func:`label_margin` clear of every cut, to about 0.03 mm of height (rounded down to
    0.01 mm); None when not even ``min_height`` fits.

    A label's box grows with its height about a fixed centre, so whether it fits is monotonic in the
    height: the largest is searched on a grid of :data:`LABEL_STEPS` heights, then again between
    the last that fits and the next. Whether a height fits is read off the largest height that does,
    solved from the outline's segments (:mod:`._label_kernel`; shapely's containment test decides
    within :data:`TIE_MM` of it), so the search ends where testing every box would. The box depends
    on the text's length only, so equal outlines with labels of one length (a chair's slats) share
    one search."""
    if not text or outline.is_empty:
        return None
    spot = _label_spot(wkb(outline), len(text), float(max_height), float(min_height))
    return None if spot is None else Label(text, *spot)


@functools.lru_cache(maxsize=CACHE_SIZE)
def _label_spot(wkb: bytes, length: int, max_height: float, min_height: float
                ) -> tuple[float, float, float, float] | None:
    """``(x, y, height, angle)`` of the largest label of ``length`` characters (:func:`place_label`).

    The largest height that fits at each spot and angle is solved from the outline's segments
    (:func:`_top_heights`); the search then reads each of its heights off it (:func:`_fitting_count`), so it
    ends where the containment tests of every height ended."""
    outline = shapely.from_wkb(wkb)
    width = text_size("x" * length, 1.0)[0]  # per mm of height
    tries = [(pt, angle) for angle in (0.0, 90.0) for pt in _label_spots(wkb)]
    x, y = np.array([pt.x for pt, _ in tries]), np.array([pt.y for pt, _ in tries])
    turned = np.array([angle != 0.0 for _, angle in tries])
    tops = _top_heights(outline, width, x, y, turned, max_height + 1.0).tolist()
    best = None
    for k, ((pt, angle), top) in enumerate(zip(tries, tops)):
        def fits(h: float, k: int = k) -> bool:
            return bool(_fitting(outline, width, x[k], y[k], np.array(h), turned[k]))

        if not _fitting_count([min_height], top, fits):
            continue
        lo, hi = min_height, max_height
        for _ in range(2):
            steps = _heights(lo, hi)
            n = _fitting_count(steps, top, fits)
            lo, hi = (steps[n - 1], steps[n]) if 0 < n < LABEL_STEPS else (steps[-1], steps[-1])  # else: all fit
        if best is None or lo > best[2] + 1e-6:
            best = (float(pt.x), float(pt.y), math.floor(lo * 100) / 100, angle)
    return best


def _fitting_count(heights: list[float], top: float, fits) -> int:
    """How many of the increasing ``heights`` fit, given the largest that does, solved (``top``): those
    at most ``top``, but within :data:`TIE_MM` of it ``fits(height)`` (shapely's containment) decides."""
    n = bisect.bisect_right(heights, top - TIE_MM)
    while n < len(heights) and heights[n] <= top + TIE_MM and fits(heights[n]):
        n += 1
    return n


def _heights(lo: float, hi: float) -> list[float]:
    """:data:`LABEL_STEPS` heights from ``lo`` to ``hi``: what ``np.linspace(lo, hi, LABEL_STEPS)``
    gives, to the bit."""
    step = (hi - lo) / (LABEL_STEPS - 1)
    return [k * step + lo for k in range(LABEL_STEPS - 1)] + [hi]


def _fitting(outline: Polygon, width: float, x: np.ndarray, y: np.ndarray, heights: np.ndarray,
             turned: np.ndarray) -> np.ndarray:
    """Whether the label box (:func:`label_box`, grown by its margin) centred on ``(x, y)`` at each of
    ``heights`` lies inside the outline, for text ``width`` mm wide per mm of height, turned 90 degrees
    where ``turned`` (arrays that broadcast), all in one containment test; a boolean array shaped as
    their broadcast."""
    grow = label_margin(heights)
    along, across = width * heights / 2 + grow, heights / 2 + grow
    half_w, half_h = np.where(turned, across, along), np.where(turned, along, across)
    boxes = shapely.box(x - half_w, y - half_h, x + half_w, y + half_h)
    return shapely.contains(outline, boxes)


def _top_heights(outline: Polygon, width: float, x: np.ndarray, y: np.ndarray, turned: np.ndarray,
                 cap: float) -> np.ndarray:
    """The largest height (at most ``cap``) at which the label box (:func:`_fitting`'s, centre ``(x[k],
    y[k])``, turned where ``turned[k]``) lies inside the outline, solved from its segments
    (:func:`._label_kernel.touch_heights`); ``-inf`` where the centre is not inside the outline."""
    xy, ring = shapely.get_coordinates(shapely.get_rings(shapely.get_parts(outline)), return_index=True)
    along, across = np.full(len(x), width / 2), np.full(len(x), 0.5)  # half sizes per mm of cap height
    return touch_heights(xy, ring, x, y, np.where(turned, across, along), np.where(turned, along, across),
                         LABEL_MARGIN, MARGIN_SHARE, cap)


@functools.lru_cache(maxsize=CACHE_SIZE)
def _label_spots(wkb: bytes) -> tuple[Point, Point]:
    """Where a label is tried, per outline (remembered, like :func:`relieve`): the pole of
    inaccessibility (to 1 mm, of the outline simplified by 0.5 mm, :func:`_simplified`: a relief arc's
    64 vertices only slow the search) and shapely's representative point. Labels are fitted to the
    true outline."""
    outline = shapely.from_wkb(wkb)
    return polylabel(_simplified(outline, 0.5), tolerance=1.0), outline.representative_point()


def _simplified(outline: Polygon, tolerance: float) -> Polygon:
    """``outline`` simplified within ``tolerance`` (mm) by Douglas-Peucker, or topology-preserving when
    that is not a valid polygon with as many holes (GEOS's topology-preserving simplify costs ~8 times
    as much; where Douglas-Peucker's result is valid it is mostly the same, and the pole is searched
    only to 1 mm)."""
    fast = shapely.simplify(outline, tolerance, preserve_topology=False)
    if (fast.geom_type == outline.geom_type and shapely.is_valid(fast)
            and shapely.get_num_interior_rings(fast) == shapely.get_num_interior_rings(outline)):
        return fast
    return shapely.simplify(outline, tolerance)
