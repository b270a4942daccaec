"""Label placement: the largest single-stroke label (:mod:`fabrication.lettering`) that fits a part, at
its pole of inaccessibility or a fallback point, 0 or 90 degrees, its strokes kept a margin clear of
every cut; or none when not even the smallest fits (:func:`place_label`)."""

from __future__ import annotations

import functools
import math
from typing import NamedTuple

import numpy as np
import shapely
from shapely import affinity
from shapely.geometry import Point, Polygon, box
from shapely.ops import polylabel

from .lettering import text_size

#: outlines whose label spots are remembered (equal parts are labelled once)
CACHE_SIZE = 256
#: smallest label cap height worth engraving (mm; ours)
MIN_LABEL_HEIGHT = 3.0
#: clearance between label strokes and any cut: Ponoko wants >= 1 mm between elements
#: (fabrication-reference.md 2, minimum features); grows with the text as 0.2 x height
LABEL_MARGIN = 1.0
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
    return np.maximum(LABEL_MARGIN, 0.2 * np.asarray(height, dtype=float))


def place_label(outline: Polygon, text: str, max_height: float = 20.0,
                min_height: float = MIN_LABEL_HEIGHT) -> Label | None:
    """The largest label (0 or 90 degrees, at the pole of inaccessibility or a fallback point) whose
    strokes stay :func:`label_margin` clear of every cut, to about 0.03 mm of height (rounded down to
    0.01 mm); None when not even ``min_height`` fits.

    A label's box grows with its height about a fixed centre, so whether it fits is monotonic in the
    height: the largest is searched on a grid of :data:`LABEL_STEPS` heights, then again between
    the last that fits and the next (every box of a step tested in one vectorised call). The box
    depends on the text's length only, so equal outlines with labels of one length (a chair's
    slats) share one search."""
    if not text or outline.is_empty:
        return None
    spot = _label_spot(outline.wkb, len(text), float(max_height), float(min_height))
    return None if spot is None else Label(text, *spot)


@functools.lru_cache(maxsize=CACHE_SIZE)
def _label_spot(wkb: bytes, length: int, max_height: float, min_height: float
                ) -> tuple[float, float, float, float] | None:
    """``(x, y, height, angle)`` of the largest label of ``length`` characters (:func:`place_label`).

    Every spot and angle is searched together: one containment test of all their boxes per step
    (a row of heights per spot and angle)."""
    outline = shapely.from_wkb(wkb)
    shapely.prepare(outline)
    width = text_size("x" * length, 1.0)[0]  # per mm of height
    tries = [(pt, angle) for angle in (0.0, 90.0) for pt in _label_spots(wkb)]
    x, y = (np.array([[getattr(pt, c)] for pt, _ in tries]) for c in "xy")
    turned = np.array([[angle != 0.0] for _, angle in tries])
    fits = _fitting(outline, width, x, y, np.full((len(tries), 1), min_height), turned)[:, 0]
    tries = [t for t, f in zip(tries, fits) if f]
    x, y, turned = x[fits], y[fits], turned[fits]
    lo, hi = np.full(len(tries), min_height), np.full(len(tries), max_height)
    rows = np.arange(len(tries))
    for _ in range(2):
        steps = _heights(lo, hi)
        k = np.argmin(_fitting(outline, width, x, y, steps, turned), axis=1) - 1  # the last that fits
        last = k < 0  # every height fits (or, impossible here, none)
        lo = np.where(last, steps[:, -1], steps[rows, np.maximum(k, 0)])
        hi = np.where(last, steps[:, -1], steps[rows, np.maximum(k, 0) + 1])
    best = None
    for (pt, angle), low in zip(tries, lo.tolist()):
        if best is None or low > best[2] + 1e-6:
            best = (float(pt.x), float(pt.y), math.floor(low * 100) / 100, angle)
    return best


def _heights(lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """A row of :data:`LABEL_STEPS` heights from ``lo`` to ``hi`` per search: per row what
    ``np.linspace(lo, hi, LABEL_STEPS)`` gives, to the bit (``np.linspace`` of arrays changes its
    arithmetic for every row when one row's step is zero)."""
    out = np.arange(LABEL_STEPS, dtype=float) * ((hi - lo) / (LABEL_STEPS - 1))[:, None] + lo[:, None]
    out[:, -1] = hi
    return out


def _fitting(outline: Polygon, width: float, x: np.ndarray, y: np.ndarray, heights: np.ndarray,
             turned: np.ndarray) -> np.ndarray:
    """Whether the label box (:func:`label_box`, grown by its margin) centred on ``(x, y)`` at each of
    ``heights`` lies inside the (prepared) outline, for text ``width`` mm wide per mm of height, turned
    90 degrees where ``turned``: one row of heights per spot (``x``, ``y``, ``turned``: columns), all
    in one containment test; a boolean array shaped as ``heights``."""
    if not heights.size:
        return np.zeros(heights.shape, dtype=bool)
    grow = label_margin(heights)
    along, across = width * heights / 2 + grow, heights / 2 + grow
    half_w, half_h = np.where(turned, across, along), np.where(turned, along, across)
    boxes = shapely.box(x - half_w, y - half_h, x + half_w, y + half_h)
    return shapely.contains(outline, boxes)


@functools.lru_cache(maxsize=CACHE_SIZE)
def _label_spots(wkb: bytes) -> tuple[Point, Point]:
    """Where a label is tried, per outline (remembered, like :func:`relieve`): the pole of
    inaccessibility (to 1 mm, of the outline simplified by 0.5 mm: a relief arc's 64 vertices only slow
    the search) and shapely's representative point. Labels are fitted to the true outline."""
    outline = shapely.from_wkb(wkb)
    return polylabel(outline.simplify(0.5), tolerance=1.0), outline.representative_point()
